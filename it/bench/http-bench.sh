#!/usr/bin/env bash
# HTTP benchmark: the demo WAR on embedded Jetty 12 (loopback only). Measures, in one run,
# requests/s and latency of a public endpoint (GET /health, no token) and of the same kind of
# endpoint behind Portcullis with a valid, cached token (GET /app/whoami).
#
#   bash it/bench/http-bench.sh            # from the repository root; needs wrk (apt-get install wrk)
#
# Environment: PORT (18080), DURATION (10s), THREADS (2), CONNECTIONS (16), WARMUP (5s), ROUNDS (2).
# The two endpoints are measured alternately ROUNDS times (after one warm-up of each), so that a
# load change on a shared machine hits both alike; the summary uses the median round of each.
# Writes it/target/jmh/http.json and prints a summary. Stops the server it started.
set -euo pipefail

cd "$(dirname "$0")/../.."
PORT="${PORT:-18080}"
DURATION="${DURATION:-10s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-16}"
WARMUP="${WARMUP:-5s}"
ROUNDS="${ROUNDS:-2}"
OUT=it/target/jmh
mkdir -p "$OUT"

command -v wrk >/dev/null || { echo "wrk is required (apt-get install -y wrk)" >&2; exit 2; }

echo "building the demo WAR..."
mvn -B -q -o -pl filter,demo-war -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test

LOG="$OUT/http-server.log"
PORT="$PORT" java -Xms256m -Xmx256m -Ddemo.target=demo-war/target \
    -Dportcullis.jwks-uri="http://127.0.0.1:$PORT/dev/jwks.json" \
    -cp "demo-war/target/test-classes:$(cat demo-war/target/bench-classpath.txt)" \
    dev.portcullis.demo.DemoServer >"$LOG" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT

BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 120); do
    if curl -fsS "$BASE/health" >/dev/null 2>&1; then break; fi
    sleep 0.5
done
curl -fsS "$BASE/health" >/dev/null

TOKEN="$(curl -fsS -X POST "$BASE/dev/token?sub=alice&ttl=3600" | sed -E 's/.*"access_token" *: *"([^"]+)".*/\1/')"
STATUS="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE/app/whoami")"
if [ "$STATUS" != 200 ]; then
    echo "GET /app/whoami with the dev token answered $STATUS, expected 200" >&2
    exit 1
fi

warm() { # url [header]
    local url="$1"
    shift
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$@" "$url" >/dev/null
}
run() { # name url [header]
    local name="$1" url="$2"
    shift 2
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url" >"$OUT/http-$name.txt"
    cat "$OUT/http-$name.txt"
}

warm "$BASE/health"
warm "$BASE/app/whoami" -H "Authorization: Bearer $TOKEN"
for round in $(seq 1 "$ROUNDS"); do
    run "bare-$round" "$BASE/health"
    run "portcullis-$round" "$BASE/app/whoami" -H "Authorization: Bearer $TOKEN"
done

python3 - "$OUT" "$DURATION" "$THREADS" "$CONNECTIONS" "$ROUNDS" <<'PY'
import json, re, statistics, sys
out, duration, threads, conns, rounds = sys.argv[1:6]
def unit(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    n, u = float(m.group(1)), m.group(2)
    return n * {"us": 0.001, "ms": 1.0, "s": 1000.0}[u]
def parse(name):
    text = open(f"{out}/http-{name}.txt").read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    lat = {p: unit(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", text, re.M)}
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    return {"requestsPerSecond": rps, "p50ms": lat["50"], "p99ms": lat["99"],
            "non2xx": int(non2xx.group(1)) if non2xx else 0}
res = {"rounds": []}
for r in range(1, int(rounds) + 1):
    b, p = parse(f"bare-{r}"), parse(f"portcullis-{r}")
    res["rounds"].append({"bare": b, "portcullis": p, "ratio": p["requestsPerSecond"] / b["requestsPerSecond"]})
for side in ("bare", "portcullis"):
    rows = [r[side] for r in res["rounds"]]
    res[side] = {k: statistics.median(x[k] for x in rows) for k in rows[0]}
res["ratio"] = res["portcullis"]["requestsPerSecond"] / res["bare"]["requestsPerSecond"]
res["settings"] = {"duration": duration, "threads": int(threads), "connections": int(conns), "rounds": int(rounds)}
json.dump(res, open(f"{out}/http.json", "w"), indent=2)
print(json.dumps(res, indent=2))
print("portcullis/bare requests per second (median rounds): %.1f%% (goal >= 85%%)" % (100 * res["ratio"]))
PY
