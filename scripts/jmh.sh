#!/usr/bin/env bash
# Runs the JMH kernel benchmarks (bench module), outside the test suite.
#   scripts/jmh.sh                         all benchmarks, default parameters (one thread)
#   scripts/jmh.sh Gemm -p threads=1,2     JMH arguments pass through (regex, -p, -f, -wi, -i, -rf json ...)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"
# shellcheck source=find-jdk.sh
source "$ROOT/scripts/find-jdk.sh"
./mvnw -B -q -ntp -DskipTests package -pl bench -am >&2
CP="$ROOT/bench/target/gmi-bench-0.1.0-SNAPSHOT.jar:$(ls "$ROOT"/bench/target/lib/*.jar | tr '\n' ':')"
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -cp "$CP" org.openjdk.jmh.Main "$@"
