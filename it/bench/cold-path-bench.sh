#!/usr/bin/env bash
# The cold path (token cache off) per algorithm on JDK 17, on JDK 25 and with the Amazon Corretto
# Crypto Provider, with the allocation per verification (JMH -prof gc), against raw jose4j on the
# plain JDK in the same run (ColdPathBench). Writes it/target/jmh/coldpath-jdk17.json and
# coldpath-jdk25.json and draws docs/bench/coldpath.svg.
#
#   bash it/bench/cold-path-bench.sh       # from the repository root
#
# Environment: JDK17, JDK25 (the JDK homes; defaults are this machine's), JMH_ARGS
# (default "-f 1 -wi 3 -i 4 -prof gc"), ALGS (default all five).
set -euo pipefail
cd "$(dirname "$0")/../.."
JDK17="${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}"
JDK25="${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JMH_ARGS="${JMH_ARGS:--f 1 -wi 3 -i 4 -prof gc}"
ALGS="${ALGS:-RS256,PS256,ES256,EdDSA,HS256}"

echo "building the benchmarks..."
mvn -B -q -o -Pbench -pl it -am -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile=target/bench-cp.txt -Dmdep.includeScope=test -Djmh.args=-l >/dev/null
cd it
CP="target/test-classes:target/classes:$(cat target/bench-cp.txt)"
mkdir -p target/jmh
for version in 17 25; do
    home="JDK$version"
    # shellcheck disable=SC2086
    "${!home}/bin/java" -Xms64m -cp "$CP" org.openjdk.jmh.Main ColdPathBench -p alg="$ALGS" \
        -p provider=jdk,AmazonCorrettoCryptoProvider $JMH_ARGS -rf json -rff "target/jmh/coldpath-jdk$version.json"
done
cd ..
python3 it/bench/summarise.py || true
python3 it/bench/charts.py it/target/jmh docs/bench
