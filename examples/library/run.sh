#!/usr/bin/env bash
# Builds and runs the library example against the installed gmi-java artifacts.
#
#   ./mvnw install -DskipTests      # once, from the repository root: puts org.gmi:gmi-* into ~/.m2
#   examples/library/run.sh
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$HERE/../.." && pwd -P)
# shellcheck source=../../scripts/find-jdk.sh
source "$ROOT/scripts/find-jdk.sh"
# MAVEN_REPO: another local repository than ~/.m2/repository (the one `./mvnw install -Dmaven.repo.local=...` filled)
mvn=("$ROOT/mvnw" -B -ntp -q -f "$HERE/pom.xml" ${MAVEN_REPO:+"-Dmaven.repo.local=$MAVEN_REPO"})
"${mvn[@]}" package
"${mvn[@]}" dependency:build-classpath -Dmdep.outputFile="$HERE/target/classpath.txt"
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -cp "$HERE/target/classes:$(cat "$HERE/target/classpath.txt")" \
    example.EmbedAGraph
