#!/usr/bin/env bash
# The full request path over HTTP (issue 19), in one run:
#  1. GET /api/documents/1 on the demo WAR (Jersey, @RequiresPermission, JDBC attribute store behind
#     the attribute cache, resource resolver, Cerbos policy, decision log; cached token) against the
#     same DocumentResource on the same Jetty and H2 without Portcullis (BareDemoServer), measured
#     alternately ROUNDS times, both sent the same request (the bare server ignores the token);
#     besides wrk's figures, each server's own CPU time per request (from /proc), which the other
#     load on a shared machine changes far less than throughput;
#     With DECOMPOSE=yes (the default) two more servers in the same rounds tell where the difference
#     goes: the frame of a security layer deciding nothing (FrameDemoServer: the filter's request
#     attributes and wrapper, the feature's filter shapes, the decision header), and the demo with
#     its decision log through the SLF4J logger (slf4j-simple) instead of standard output;
#  2. token churn: every request a different token, the token cache off, so every request pays the
#     signature, per algorithm (RS256, ES256, EdDSA), on the JDK and with the Amazon Corretto Crypto
#     Provider (two demo servers, measured alternately).
#
#   bash it/bench/full-path-bench.sh        # from the repository root; needs wrk
#
# Environment: PORT (18080), BARE_PORT (18081), ACCP_PORT (18082), DURATION (10s), THREADS (2),
# CONNECTIONS (16), WARMUP (30s, twice per server: the demo has far more code to compile than the
# bare server, and a short warm-up measured the JIT rather than the request path), ROUNDS (5),
# CHURN_DURATION (10s), TOKENS (2000 per algorithm),
# PARTS ("fullpath churn": either or both), DECOMPOSE (yes), FRAME_PORT (18083), LOGGER_PORT (18084).
# Writes it/target/jmh/fullpath.json and it/target/jmh/churn.json, then draws the charts
# (it/bench/charts.py). wrk runs on the same machine as the servers.
set -euo pipefail
cd "$(dirname "$0")/../.."
source it/bench/lib.sh

PORT="${PORT:-18080}"
BARE_PORT="${BARE_PORT:-18081}"
ACCP_PORT="${ACCP_PORT:-18082}"
DURATION="${DURATION:-10s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-16}"
WARMUP="${WARMUP:-30s}"
ROUNDS="${ROUNDS:-5}"
CHURN_DURATION="${CHURN_DURATION:-10s}"
TOKENS="${TOKENS:-2000}"
DECOMPOSE="${DECOMPOSE:-yes}"
FRAME_PORT="${FRAME_PORT:-18083}"
LOGGER_PORT="${LOGGER_PORT:-18084}"

build_demo
make_tokens "$TOKENS" 3600
ALICE="$(head -1 "$TOKENS_DIR/tokens-RS256.txt")"

run() { # file url [wrk options...] [-- script args...]: the URL goes before any script arguments
    local file="$1" url="$2"
    shift 2
    local opts=() rest=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do opts+=("$1"); shift; done
    rest=("$@")
    local before
    before="$(server_cpu_ticks)"
    wrk -t"$THREADS" -c"$CONNECTIONS" --latency "${opts[@]}" "$url" "${rest[@]}" >"$OUT/$file.txt"
    if [ -n "$before" ]; then # the server's own CPU per request: what load on the shared cores does not change
        local ticks requests
        ticks=$(( $(server_cpu_ticks) - before ))
        requests="$(grep -oE "^ +[0-9]+ requests" "$OUT/$file.txt" | grep -oE "[0-9]+")"
        echo "Server CPU: $(( ticks * 10 )) ms for $requests requests, $(( ticks * 10000 / requests )) us/request" \
            >>"$OUT/$file.txt"
    fi
    grep -E "Requests/sec|^ +50%|^ +99%|Non-2xx|Socket errors|Server CPU" "$OUT/$file.txt" | sed "s/^/  $file: /"
}
CPU_PID=""
server_cpu_ticks() { # user + system ticks (10 ms) of CPU_PID, empty when not set
    if [ -n "$CPU_PID" ]; then awk '{print $14 + $15}' "/proc/$CPU_PID/stat"; fi
}

PARTS="${PARTS:-fullpath churn}"
if [[ " $PARTS " == *" fullpath "* ]]; then
echo "== full path: Portcullis vs bare =="
start_demo portcullis "$PORT" jdk true no
DEMO=$SERVER_PID
start_bare "$BARE_PORT"
BARE=$SERVER_PID
SIDES="bare:$BARE:$BARE_PORT portcullis:$DEMO:$PORT"
if [ "$DECOMPOSE" = yes ]; then
    # the frame of a security layer without decisions, and the demo with its decision log through
    # the SLF4J logger (slf4j-simple) rather than on standard output
    start_frame "$FRAME_PORT"
    SIDES="$SIDES frame:$SERVER_PID:$FRAME_PORT"
    start_demo logger "$LOGGER_PORT" jdk true no -Dportcullis.decision-log.output=logger
    SIDES="$SIDES logger:$SERVER_PID:$LOGGER_PORT"
fi
expect_status 200 "http://127.0.0.1:$PORT/api/documents/1" "$ALICE"
expect_status 401 "http://127.0.0.1:$PORT/api/documents/1" "x.y.z"
for _ in 1 2; do
    for side in $SIDES; do
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -H "Authorization: Bearer $ALICE" \
            "http://127.0.0.1:${side##*:}/api/documents/1" >/dev/null
    done
done
# every server gets the same request bytes (the bare and frame servers ignore the header): only the
# processing differs
for round in $(seq 1 "$ROUNDS"); do
    for side in $SIDES; do
        name="${side%%:*}" rest="${side#*:}"
        CPU_PID="${rest%%:*}" run "fullpath-$name-$round" "http://127.0.0.1:${rest#*:}/api/documents/1" \
            -d"$DURATION" -H "Authorization: Bearer $ALICE"
    done
done
for side in $SIDES; do
    rest="${side#*:}"
    stop_server "${rest%%:*}"
done
fi

if [[ " $PARTS " == *" churn "* ]]; then
echo "== token churn: a new token per request, token cache off =="
start_demo churn-jdk "$PORT" jdk false no
JDK=$SERVER_PID
start_demo churn-accp "$ACCP_PORT" AmazonCorrettoCryptoProvider false yes
ACCP=$SERVER_PID
for alg in RS256 ES256 EdDSA; do
    first="$(head -1 "$TOKENS_DIR/tokens-$alg.txt")"
    expect_status 200 "http://127.0.0.1:$PORT/api/documents/1" "$first"
    expect_status 200 "http://127.0.0.1:$ACCP_PORT/api/documents/1" "$first"
    for side in jdk:"$PORT" accp:"$ACCP_PORT"; do
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s it/bench/tokens.lua \
            "http://127.0.0.1:${side#*:}/api/documents/1" "$TOKENS_DIR/tokens-$alg.txt" >/dev/null
    done
    for side in jdk:"$PORT" accp:"$ACCP_PORT"; do
        run "churn-$alg-${side%%:*}" "http://127.0.0.1:${side#*:}/api/documents/1" -d"$CHURN_DURATION" \
            -s it/bench/tokens.lua -- "$TOKENS_DIR/tokens-$alg.txt"
    done
done
stop_server "$JDK"
stop_server "$ACCP"
fi

[[ " $PARTS " == *" fullpath "* ]] && python3 it/bench/wrk_summary.py fullpath "$OUT" "$ROUNDS"
[[ " $PARTS " == *" churn "* ]] && python3 it/bench/wrk_summary.py churn "$OUT"
python3 it/bench/charts.py "$OUT" docs/bench || echo "(charts not drawn)"
