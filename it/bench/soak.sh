#!/usr/bin/env bash
# Soak run (issue 19): MINUTES (default 10) of wrk at saturation against the demo WAR with mixed
# traffic (valid ES256 tokens of four users, one request in five with an invalid token: bad
# signature, expired, wrong audience, garbage) over GET /api/documents/1..4, while an admin disables
# and re-enables the user dave every second (POST /api/admin/users/dave/disable, then /enable: the
# store changes and Portcullis.revoke drops the cached attributes). Each minute it records the live
# heap after a full GC (jcmd GC.class_histogram: the total it prints is counted inside that GC's
# safepoint, so the traffic allocating meanwhile does not blur it) and the server's thread count,
# at the end of each minute; the load goes on 30 s past the last sample.
#
#   bash it/bench/soak.sh                 # from the repository root; needs wrk and the JDK's jcmd
#   MINUTES=3 bash it/bench/soak.sh       # a shorter run (the checks then compare minute 2 and the last)
#
# Checks (exit status 1 if one fails): no 5xx, no socket errors, the revocation driver saw only
# 200s, heap after GC and thread count within 10% between minute 2 and the last minute.
# Writes it/target/jmh/soak.json (and soak-wrk.txt, soak-samples.csv). Not part of mvn verify.
set -euo pipefail
cd "$(dirname "$0")/../.."
source it/bench/lib.sh

PORT="${PORT:-18080}"
MINUTES="${MINUTES:-10}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"

build_demo
make_tokens 4 3600
ADMIN="$(head -1 "$TOKENS_DIR/tokens-RS256.txt")" # alice, an admin
start_demo soak "$PORT" auto true no
DEMO=$SERVER_PID
BASE="http://127.0.0.1:$PORT"
expect_status 200 "$BASE/api/documents/1" "$ADMIN"

# the revocation driver: disable and re-enable dave, one change a second; counts non-200 answers
(
    bad=0 n=0
    end=$((SECONDS + MINUTES * 60 + 30))
    while [ "$SECONDS" -lt "$end" ]; do
        for action in disable enable; do
            code="$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $ADMIN" "$BASE/api/admin/users/dave/$action")"
            n=$((n + 1))
            [ "$code" = 200 ] || bad=$((bad + 1))
            sleep 1
        done
    done
    echo "$n $bad" >"$OUT/soak-revocations.txt"
) &
DRIVER=$!
PIDS+=("$DRIVER")

# wrk runs 30 s past the last sample, so that every sample, the last one too, is taken under load
START=$SECONDS
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$((MINUTES * 60 + 30))s" --timeout 10s --latency -s it/bench/soak.lua "$BASE" \
    -- "$TOKENS_DIR/tokens-users.txt" "$TOKENS_DIR/tokens-invalid.txt" >"$OUT/soak-wrk.txt" &
WRK=$!
PIDS+=("$WRK")

echo "minute,heap_after_gc_kb,threads" >"$OUT/soak-samples.csv"
for minute in $(seq 1 "$MINUTES"); do
    # at minute N of the run, whatever the previous sample took
    wait_s=$((START + minute * 60 - SECONDS))
    if [ "$wait_s" -gt 0 ]; then sleep "$wait_s"; fi
    heap="$(jcmd "$DEMO" GC.class_histogram | awk '/^Total/ {print int($3 / 1024)}')"
    threads="$(awk '/^Threads:/ {print $2}' "/proc/$DEMO/status")"
    echo "$minute,$heap,$threads" | tee -a "$OUT/soak-samples.csv"
done
wait "$WRK" || true
wait "$DRIVER" || true
cat "$OUT/soak-wrk.txt"

python3 - "$OUT" "$MINUTES" <<'PY'
import csv, json, re, sys
out, minutes = sys.argv[1], int(sys.argv[2])
text = open(f"{out}/soak-wrk.txt").read()
status = dict(zip(("2xx", "4xx", "5xx", "other"), map(int, re.search(r"status 2xx=(\d+) 4xx=(\d+) 5xx=(\d+) other=(\d+)", text).groups())))
sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
socket_errors = sum(map(int, sock.groups())) if sock else 0
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
samples = list(csv.DictReader(open(f"{out}/soak-samples.csv")))
first = next(s for s in samples if int(s["minute"]) == min(2, minutes))
last = samples[-1]
def drift(key):
    a, b = float(first[key]), float(last[key])
    return (b - a) / a
n, bad = map(int, open(f"{out}/soak-revocations.txt").read().split())
res = {"minutes": minutes, "requestsPerSecond": rps, "status": status, "socketErrors": socket_errors,
       "revocationCalls": n, "revocationFailures": bad, "samples": samples,
       "heapDrift": drift("heap_after_gc_kb"), "threadDrift": drift("threads")}
checks = {"no 5xx": status["5xx"] == 0 and status["other"] == 0, "no socket errors": socket_errors == 0,
          "revocations all 200": bad == 0 and n > 0,
          "heap after GC within 10%% (minute %s vs %s)" % (first["minute"], last["minute"]): abs(res["heapDrift"]) <= 0.10,
          "threads within 10%": abs(res["threadDrift"]) <= 0.10}
res["checks"] = checks
json.dump(res, open(f"{out}/soak.json", "w"), indent=2)
print(json.dumps({k: v for k, v in res.items() if k != "samples"}, indent=2))
sys.exit(0 if all(checks.values()) else 1)
PY
