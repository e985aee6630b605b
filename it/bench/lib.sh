# Shared by the HTTP benchmark scripts of it/bench (sourced, not run). From the repository root.
# Builds the demo WAR and the bench tools once, generates keys and tokens, serves their JWKS, and
# starts servers; every process started here is stopped on exit.

OUT="${OUT:-it/target/jmh}"
TOKENS_DIR="$OUT/bench-tokens"
JWKS_PORT="${JWKS_PORT:-18089}"
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT

build_demo() {
    command -v wrk >/dev/null || { echo "wrk is required (apt-get install -y wrk)" >&2; exit 2; }
    mkdir -p "$OUT"
    echo "building the demo WAR and the bench tools..."
    mvn -B -q -o -pl filter,jaxrs,demo-war -DskipTests package dependency:build-classpath \
        -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
    CP="demo-war/target/test-classes:demo-war/target/classes:$(cat demo-war/target/bench-classpath.txt)"
    # the optional native provider, from the filter's test class path (it is not in the WAR)
    ACCP_JAR="$(tr ':' '\n' <filter/target/bench-classpath.txt | grep AmazonCorrettoCryptoProvider | head -1)"
}

# make_tokens COUNT TTL_SECONDS: keys, their JWKS served on JWKS_PORT, token files in TOKENS_DIR
make_tokens() {
    java -cp "$CP" dev.portcullis.demo.BenchTokens "$TOKENS_DIR" "$1" "$2"
    python3 -m http.server "$JWKS_PORT" --bind 127.0.0.1 --directory "$TOKENS_DIR" >"$OUT/jwks-server.log" 2>&1 &
    PIDS+=($!)
    wait_for "http://127.0.0.1:$JWKS_PORT/jwks.json"
}

wait_for() { # url
    for _ in $(seq 1 240); do
        if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
        sleep 0.5
    done
    echo "no answer from $1" >&2
    exit 1
}

# start_demo NAME PORT PROVIDER TOKEN_CACHE WITH_ACCP(yes|no) [extra java options]: the demo WAR on
# Jetty 12 trusting the bench keys, from DEMO_TARGET (a directory holding the WAR; default
# demo-war/target); sets SERVER_PID
start_demo() {
    local name="$1" port="$2" provider="$3" cache="$4" accp="$5"
    shift 5
    local cp="demo-war/target/test-classes:$(cat demo-war/target/bench-classpath.txt)"
    if [ "$accp" = yes ]; then cp="$cp:$ACCP_JAR"; fi
    PORT="$port" PORTCULLIS_JWKS_URI="http://127.0.0.1:$JWKS_PORT/jwks.json" \
        PORTCULLIS_CRYPTO_PROVIDER="$provider" PORTCULLIS_TOKEN_CACHE_ENABLED="$cache" \
        java -Xms256m -Xmx256m "$@" -Ddemo.target="${DEMO_TARGET:-demo-war/target}" -cp "$cp" \
        dev.portcullis.demo.DemoServer >"$OUT/server-$name.log" 2>&1 &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    wait_for "http://127.0.0.1:$port/health"
}

# start_bare PORT [extra java options]: the demo WAR deployed the same way without Portcullis (no
# filter, no feature: BareDemoServer); sets SERVER_PID
start_bare() {
    start_war_variant bare dev.portcullis.demo.BareDemoServer "$@"
}

# start_frame PORT [extra java options]: the demo WAR with the frame of a security layer and no
# decisions (FrameDemoServer: the filter's attributes and request wrapper, the feature's filter
# shapes, the decision header); sets SERVER_PID
start_frame() {
    start_war_variant frame dev.portcullis.demo.FrameDemoServer "$@"
}

# start_war_variant NAME MAIN_CLASS PORT [extra java options]: the demo WAR under another
# descriptor (test code of demo-war), up when it answers GET /api/documents/1; sets SERVER_PID
start_war_variant() {
    local name="$1" main="$2" port="$3"
    shift 3
    PORT="$port" java -Xms256m -Xmx256m "$@" -Ddemo.target=demo-war/target \
        -cp "demo-war/target/test-classes:$(cat demo-war/target/bench-classpath.txt)" \
        "$main" >"$OUT/server-$name.log" 2>&1 &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    for _ in $(seq 1 240); do
        if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/documents/1")" = 200 ]; then return 0; fi
        sleep 0.5
    done
    echo "$name server did not start" >&2
    exit 1
}

stop_server() { # pid
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

expect_status() { # expected url token
    local got
    got="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $3" "$2")"
    if [ "$got" != "$1" ]; then
        echo "GET $2 answered $got, expected $1" >&2
        exit 1
    fi
}
