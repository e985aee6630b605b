#!/usr/bin/env bash
# Where the full path's time goes (issue 19): the demo WAR and the same WAR without Portcullis
# (BareDemoServer) under the same wrk load as full-path-bench.sh, profiled with async-profiler (CPU
# clock, every 0.5 ms of CPU, all threads) in ROUNDS alternating windows of DURATION each (bare,
# demo, bare, demo, ...: a machine whose speed drifts over minutes drifts on both sides alike), the
# windows of each side summed, then per request by owner: Portcullis, Jersey, HK2, Jetty, H2, the
# logging backend, GC, JIT. With EVENT=alloc, the bytes each side allocates per request instead (all
# threads, async-profiler's allocation sampling weighted to total bytes): unlike CPU time, a figure
# the machine's drift does not move.
#
#   bash it/bench/profile-full-path.sh        # from the repository root; needs wrk
#
# async-profiler comes from the Maven artifact tools.profiler:async-profiler (its jar carries the
# native library), loaded into the running servers with jcmd JVMTI.agent_load.
# Environment: PORT (18080), BARE_PORT (18081), WARMUP (30s, twice per server), ROUNDS (4),
# DURATION (6s per window), CONTROL (no; yes profiles a second bare server in the demo's place),
# EVENT (cpu, or alloc).
# Writes it/target/jmh/profile-{bare,portcullis|control}.collapsed (the sums) and profile.json
# (profile-alloc.json with EVENT=alloc).
set -euo pipefail
cd "$(dirname "$0")/../.."
source it/bench/lib.sh

PORT="${PORT:-18080}"
BARE_PORT="${BARE_PORT:-18081}"
WARMUP="${WARMUP:-30s}"
ROUNDS="${ROUNDS:-4}"
DURATION="${DURATION:-6s}"
EVENT="${EVENT:-cpu}"
case "$EVENT" in
    cpu) START_OPTIONS="start,event=cpu,interval=500us" STOP_OPTIONS="collapsed" ;;
    alloc) START_OPTIONS="start,event=alloc,total" STOP_OPTIONS="collapsed,total" ;;
    *) echo "EVENT is cpu or alloc, not $EVENT" >&2; exit 2 ;;
esac
AP_VERSION=4.1

build_demo
mvn -B -q dependency:copy -Dartifact="tools.profiler:async-profiler:$AP_VERSION" -DoutputDirectory="$OUT/async-profiler"
(cd "$OUT/async-profiler" && unzip -q -o "async-profiler-$AP_VERSION.jar" 'linux-x64/*')
LIB="$PWD/$OUT/async-profiler/linux-x64/libasyncProfiler.so"
make_tokens 4 3600
ALICE="$(head -1 "$TOKENS_DIR/tokens-RS256.txt")"

SECOND=portcullis
if [ "${CONTROL:-no}" = yes ]; then # a second bare server in the demo's place: what the profile's own noise is
    SECOND=control
    start_bare "$PORT" -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints
else
    start_demo portcullis "$PORT" jdk true no -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints
fi
DEMO=$SERVER_PID
start_bare "$BARE_PORT" -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints
BARE=$SERVER_PID
for _ in 1 2; do
    for port in "$BARE_PORT" "$PORT"; do
        wrk -t2 -c16 -d"$WARMUP" -H "Authorization: Bearer $ALICE" "http://127.0.0.1:$port/api/documents/1" >/dev/null
    done
done
declare -A REQUESTS=([bare]=0 [$SECOND]=0)
rm -f "$OUT"/profile-*-round*.collapsed
for round in $(seq 1 "$ROUNDS"); do
    for side in bare:"$BARE":"$BARE_PORT" "$SECOND":"$DEMO":"$PORT"; do
        name="${side%%:*}" rest="${side#*:}"
        pid="${rest%%:*}" port="${rest#*:}"
        # jcmd's parser splits on commas unless the option string is quoted
        jcmd "$pid" JVMTI.agent_load "$LIB" "\"$START_OPTIONS\"" >/dev/null
        requests="$(wrk -t2 -c16 -d"$DURATION" -H "Authorization: Bearer $ALICE" "http://127.0.0.1:$port/api/documents/1" \
            | grep -oE "^ +[0-9]+ requests" | grep -oE "[0-9]+")"
        jcmd "$pid" JVMTI.agent_load "$LIB" "\"stop,file=$PWD/$OUT/profile-$name-round$round.collapsed,$STOP_OPTIONS\"" >/dev/null
        REQUESTS[$name]=$(( ${REQUESTS[$name]} + requests ))
    done
done
SUMMARY_ARGS=()
for name in bare "$SECOND"; do
    python3 it/bench/profile_summary.py --merge "$OUT/profile-$name.collapsed" "$OUT"/profile-$name-round*.collapsed
    SUMMARY_ARGS+=("$name" "$OUT/profile-$name.collapsed" "${REQUESTS[$name]}")
done
stop_server "$DEMO"
stop_server "$BARE"
if [ "$EVENT" = alloc ]; then
    python3 it/bench/profile_summary.py --bytes "$OUT/profile-alloc.json" 1 "${SUMMARY_ARGS[@]}"
else
    python3 it/bench/profile_summary.py "$OUT/profile.json" 500 "${SUMMARY_ARGS[@]}"
fi
