#!/usr/bin/env bash
# hdfs.sh: a real HDFS on this machine (one NameNode, one DataNode, each a separate JVM) from Hadoop's
# own jars, fetched once through Maven (scripts/hdfs/pom.xml): storage for gmi train --engine spark's
# --dataset and --out, as a cluster's HDFS is.
#
#   scripts/hdfs.sh start              format (first time) and start: hdfs://127.0.0.1:9000
#   scripts/hdfs.sh put LOCAL PATH     copy the local folder LOCAL to PATH in HDFS
#   scripts/hdfs.sh get PATH LOCAL     copy PATH in HDFS to the local folder LOCAL
#   scripts/hdfs.sh fs ARGS...         any Hadoop file system shell command (ls -R /, rm -r /x, ...)
#   scripts/hdfs.sh stop               stop both daemons
#
# Environment: HDFS_PORT (default 9000). Jars, data, logs and pids: spark/target/hdfs/.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
# shellcheck source=scripts/find-jdk.sh
source "$ROOT/scripts/find-jdk.sh"
DAEMONS_NAME=hdfs
# shellcheck source=scripts/daemons.sh
source "$ROOT/scripts/daemons.sh"
PORT=${HDFS_PORT:-9000}
URI="hdfs://127.0.0.1:$PORT"
STATE="$ROOT/spark/target/hdfs"
CONF="$STATE/conf"
OPENS=()
for pkg in java.lang java.nio sun.nio.ch java.util; do
    OPENS+=("--add-opens=java.base/$pkg=ALL-UNNAMED")
done

fetch() {
    if [[ ! -f $STATE/lib/hadoop-hdfs-3.5.0.jar ]]; then
        echo "hdfs: fetching Hadoop's HDFS jars..." >&2
        (cd "$ROOT" && ./mvnw -B -q -ntp -f scripts/hdfs/pom.xml dependency:copy-dependencies -DoutputDirectory="$STATE/lib") >&2
    fi
}

configure() {
    # the NameNode's and DataNode's web servers look for webapps/ on the class path: empty ones do
    mkdir -p "$CONF"/webapps/{hdfs,datanode,static,secondary} "$STATE/data"
    cat >"$CONF/core-site.xml" <<XML
<configuration>
  <property><name>fs.defaultFS</name><value>$URI</value></property>
  <property><name>hadoop.tmp.dir</name><value>$STATE/data/tmp</value></property>
</configuration>
XML
    cat >"$CONF/hdfs-site.xml" <<XML
<configuration>
  <property><name>dfs.namenode.name.dir</name><value>$STATE/data/name</value></property>
  <property><name>dfs.datanode.data.dir</name><value>$STATE/data/data</value></property>
  <property><name>dfs.replication</name><value>1</value></property>
  <property><name>dfs.permissions.enabled</name><value>false</value></property>
  <property><name>dfs.namenode.http-address</name><value>127.0.0.1:0</value></property>
  <property><name>dfs.datanode.address</name><value>127.0.0.1:0</value></property>
  <property><name>dfs.datanode.http.address</name><value>127.0.0.1:0</value></property>
  <property><name>dfs.datanode.ipc.address</name><value>127.0.0.1:0</value></property>
</configuration>
XML
    printf '%s\n' 'log4j.rootLogger=INFO,console' 'log4j.appender.console=org.apache.log4j.ConsoleAppender' \
        'log4j.appender.console.target=System.err' 'log4j.appender.console.layout=org.apache.log4j.PatternLayout' \
        'log4j.appender.console.layout.ConversionPattern=%d{HH:mm:ss} %p %c{1}: %m%n' >"$CONF/log4j.properties"
}

java_hadoop() {
    "$GMI_JAVA" "${OPENS[@]}" --enable-native-access=ALL-UNNAMED -Xmx512m -cp "$CONF:$STATE/lib/*" "$@"
}


start() {
    stop quiet
    fetch
    configure
    if [[ ! -d $STATE/data/name/current ]]; then
        java_hadoop org.apache.hadoop.hdfs.server.namenode.NameNode -format -nonInteractive >"$STATE/format.log" 2>&1
    fi
    nohup "$GMI_JAVA" "${OPENS[@]}" --enable-native-access=ALL-UNNAMED -Xmx512m -cp "$CONF:$STATE/lib/*" \
        org.apache.hadoop.hdfs.server.namenode.NameNode >"$STATE/namenode.log" 2>&1 &
    echo $! >"$STATE/namenode.pid"
    wait_for "$STATE/namenode.log" "IPC Server listener on $PORT: starting" "the NameNode"
    nohup "$GMI_JAVA" "${OPENS[@]}" --enable-native-access=ALL-UNNAMED -Xmx512m -cp "$CONF:$STATE/lib/*" \
        org.apache.hadoop.hdfs.server.datanode.DataNode >"$STATE/datanode.log" 2>&1 &
    echo $! >"$STATE/datanode.pid"
    wait_for "$STATE/datanode.log" "Successfully sent block report" "the DataNode"
    # a restarted NameNode stays read-only until the DataNode has reported the blocks it holds
    java_hadoop org.apache.hadoop.hdfs.tools.DFSAdmin -safemode wait >/dev/null 2>&1
    echo "hdfs: $URI (NameNode and DataNode; logs in $STATE)"
}

stop() {
    local p
    for p in datanode namenode; do
        if [[ -f $STATE/$p.pid ]]; then
            kill "$(cat "$STATE/$p.pid")" 2>/dev/null || true
            rm -f "$STATE/$p.pid"
        fi
    done
    [[ ${1:-} == quiet ]] || echo "hdfs: stopped"
}

fs() {
    java_hadoop org.apache.hadoop.fs.FsShell "$@" 2> >(grep -v -E ' (INFO|WARN) |^WARNING' >&2)
}

case ${1:-} in
    start) start ;;
    stop) stop ;;
    put) fs -mkdir -p "$URI$(dirname "$3")" && fs -put -f "$2" "$URI$3" ;;
    get) fs -get -f "$URI$2" "$3" ;;
    fs) shift; fs "$@" ;;
    *) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
