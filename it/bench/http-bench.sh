#!/usr/bin/env bash
# HTTP benchmark: the demo WAR on embedded Jetty 12 (loopback only). Measures, in one run,
# requests/s and latency of a public endpoint (GET /health, no token) and of the same kind of
# endpoint behind Portcullis with a valid, cached token (GET /app/whoami).
#
#   bash it/bench/http-bench.sh            # from the repository root; needs wrk (apt-get install wrk)
#
# Environment: PORT (18080), DURATION (10s), THREADS (2), CONNECTIONS (16), WARMUP (5s).
# Writes it/target/jmh/http.json and prints a summary. Stops the server it started.
set -euo pipefail

cd "$(dirname "$0")/../.."
PORT="${PORT:-18080}"
DURATION="${DURATION:-10s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-16}"
WARMUP="${WARMUP:-5s}"
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

run() { # name url [header]
    local name="$1" url="$2"
    shift 2
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$@" "$url" >/dev/null
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url" >"$OUT/http-$name.txt"
    cat "$OUT/http-$name.txt"
}

run bare "$BASE/health"
run portcullis "$BASE/app/whoami" -H "Authorization: Bearer $TOKEN"

python3 - "$OUT" "$DURATION" "$THREADS" "$CONNECTIONS" <<'PY'
import json, re, sys
out, duration, threads, conns = sys.argv[1:5]
def unit(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    n, u = float(m.group(1)), m.group(2)
    return n * {"us": 0.001, "ms": 1.0, "s": 1000.0}[u]
res = {}
for name in ("bare", "portcullis"):
    text = open(f"{out}/http-{name}.txt").read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    lat = {p: unit(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", text, re.M)}
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    res[name] = {"requestsPerSecond": rps, "p50ms": lat["50"], "p99ms": lat["99"],
                 "non2xx": int(non2xx.group(1)) if non2xx else 0}
res["ratio"] = res["portcullis"]["requestsPerSecond"] / res["bare"]["requestsPerSecond"]
res["settings"] = {"duration": duration, "threads": int(threads), "connections": int(conns)}
json.dump(res, open(f"{out}/http.json", "w"), indent=2)
print(json.dumps(res, indent=2))
print("portcullis/bare requests per second: %.1f%% (goal >= 85%%)" % (100 * res["ratio"]))
PY
