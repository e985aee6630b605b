#!/usr/bin/env bash
# Paired A/B of demo WAR builds over HTTP (issue 19): each build's WAR beside the bare WAR
# (BareDemoServer) under the same wrk load as full-path-bench.sh, in rounds; in each round every
# server runs once, in a shuffled order, so that a slow moment of the machine does not always fall
# on the same side. Prints each build's median ratio to bare, its server CPU per request, and the
# builds' ratios to each other.
#
#   bash it/bench/ab-demo-builds.sh NAME=DIR[@JVM_OPTIONS] ...     # from the repository root
#
# DIR holds a portcullis-demo-war-*.war (copy demo-war/target's WAR there after building a variant);
# JVM_OPTIONS are given to that server's JVM, e.g. main=/tmp/main
# patched=/tmp/patched@-Dsome.flag=true. The bench tools and the bare WAR come from the working
# tree (build_demo). Environment: ROUNDS (12), DURATION (4s), WARMUPS (6 rounds of 4 s per
# server: several JVMs compile at once on 2 cores), THREADS (2), CONNECTIONS (16), BASE_PORT (18300).
# Writes it/target/jmh/ab/results.tsv (round, name, req/s, CPU ticks).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT="${OUT:-it/target/jmh/ab}"
source it/bench/lib.sh

ROUNDS="${ROUNDS:-12}"
DURATION="${DURATION:-4s}"
WARMUPS="${WARMUPS:-6}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-16}"
BASE_PORT="${BASE_PORT:-18300}"
[ $# -ge 1 ] || { echo "usage: $0 NAME=DIR[@JVM_OPTIONS] ..." >&2; exit 2; }

build_demo
make_tokens 4 3600
ALICE="$(head -1 "$TOKENS_DIR/tokens-RS256.txt")"

port="$BASE_PORT"
start_bare "$port"
SIDES="bare:$SERVER_PID:$port"
for arg in "$@"; do
    name="${arg%%=*}" rest="${arg#*=}"
    dir="${rest%%@*}" opts=""
    [[ "$rest" == *@* ]] && opts="${rest#*@}"
    ls "$dir"/portcullis-demo-war-*.war >/dev/null || { echo "no demo WAR in $dir" >&2; exit 2; }
    port=$((port + 1))
    # shellcheck disable=SC2086 # the options are words
    DEMO_TARGET="$dir" start_demo "ab-$name" "$port" jdk true no $opts
    SIDES="$SIDES $name:$SERVER_PID:$port"
    expect_status 200 "http://127.0.0.1:$port/api/documents/1" "$ALICE"
    expect_status 401 "http://127.0.0.1:$port/api/documents/1" "x.y.z"
done
for _ in $(seq 1 "$WARMUPS"); do
    for side in $SIDES; do
        wrk -t"$THREADS" -c"$CONNECTIONS" -d4s -H "Authorization: Bearer $ALICE" \
            "http://127.0.0.1:${side##*:}/api/documents/1" >/dev/null
    done
done
: >"$OUT/results.tsv"
for round in $(seq 1 "$ROUNDS"); do
    for side in $(tr ' ' '\n' <<<"$SIDES" | shuf); do
        name="${side%%:*}" rest="${side#*:}"
        pid="${rest%%:*}" port="${rest#*:}"
        before="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
        rps="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -H "Authorization: Bearer $ALICE" \
            "http://127.0.0.1:$port/api/documents/1" | grep -oE "Requests/sec: +[0-9.]+" | grep -oE "[0-9.]+$")"
        after="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
        printf "%s\t%s\t%s\t%s\n" "$round" "$name" "$rps" "$((after - before))" >>"$OUT/results.tsv"
    done
done
python3 - "$OUT/results.tsv" "${DURATION%s}" <<'PY'
import collections, statistics, sys
seconds = float(sys.argv[2])
rounds = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    r, name, rps, ticks = line.rstrip("\n").split("\t")
    rounds[r][name] = (float(rps), int(ticks))
names = [n for n in next(iter(rounds.values())) if n != "bare"]
def cpu(r, n):  # µs of server CPU per request; a tick is 10 ms
    return rounds[r][n][1] * 10_000 / (rounds[r][n][0] * seconds)
bare_cpu = statistics.median(cpu(r, "bare") for r in rounds)
print(f"bare: {statistics.median(v['bare'][0] for v in rounds.values()):.0f} req/s, {bare_cpu:.1f} us CPU/request")
for n in names:
    ratios = [rounds[r][n][0] / rounds[r]["bare"][0] for r in rounds]
    print(f"{n}: {statistics.median(ratios) * 100:.1f}% of bare (rounds {min(ratios):.2f}-{max(ratios):.2f}), "
          f"{statistics.median(cpu(r, n) for r in rounds):.1f} us CPU/request")
for a in names:
    for b in names:
        if a < b:
            print(f"{b} / {a}: {statistics.median(rounds[r][b][0] / rounds[r][a][0] for r in rounds) * 100:.1f}%")
PY
