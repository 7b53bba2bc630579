#!/usr/bin/env bash
# spark-cluster.sh: a real Spark standalone cluster on this machine, from the project's own jars (no
# Spark download): one master and WORKERS workers, each a separate JVM, executors launched by the
# workers as Spark does on real machines.
#
#   scripts/spark-cluster.sh start               master on spark://127.0.0.1:7077, workers 1..WORKERS
#   scripts/spark-cluster.sh train ARGS...       ./gmi train --engine spark --master spark://127.0.0.1:7077 ARGS
#   scripts/spark-cluster.sh submit ARGS...      the same through spark-submit's own launcher (SparkSubmit, client
#                                                mode) and the gmi-spark jar's entry point, org.gmi.spark.SubmitMain
#   scripts/spark-cluster.sh kill-worker N       SIGKILL worker N (its executor exits with it)
#   scripts/spark-cluster.sh stop                stop every JVM this script started
#   scripts/spark-cluster.sh demo                start, train GMI on Cora, stop
#   scripts/spark-cluster.sh fault-demo          start, train twice, kill a worker in the second run, compare
#   scripts/spark-cluster.sh resume-demo         start, train through spark-submit; train with checkpoints, kill the
#                                                driver (SIGKILL) after epoch 6, gmi train --resume; compare
#   scripts/spark-cluster.sh hdfs-demo           start the cluster and an HDFS (scripts/hdfs.sh), train with the graph
#                                                and the outputs in HDFS, and from a folder; compare
#
# Environment: WORKERS (default 2), WORKER_CORES (default 1), WORKER_MEMORY (default 2g),
# SPARK_PORT (default 7077). Logs and pids: spark/target/cluster/. The executors' heap is
# spark.executor.memory (JAVA_OPTS="-Dspark.executor.memory=4g ./..."; default 1g).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
# shellcheck source=scripts/find-jdk.sh
source "$ROOT/scripts/find-jdk.sh"
DAEMONS_NAME=spark-cluster
# shellcheck source=scripts/daemons.sh
source "$ROOT/scripts/daemons.sh"
WORKERS=${WORKERS:-2}
WORKER_CORES=${WORKER_CORES:-1}
WORKER_MEMORY=${WORKER_MEMORY:-2g}
PORT=${SPARK_PORT:-7077}
MASTER="spark://127.0.0.1:$PORT"
STATE="$ROOT/spark/target/cluster"
# SPARK_HOME as the workers' launcher needs it: jars/ (Spark's and this project's) and a RELEASE file
SPARK_HOME_DIR="$ROOT/spark/target/spark-home"

export SPARK_LOCAL_IP=127.0.0.1 SPARK_SCALA_VERSION=2.13 SPARK_HOME="$SPARK_HOME_DIR"
OPENS=()
for pkg in java.lang java.lang.invoke java.nio sun.nio.ch java.util sun.util.calendar; do
    OPENS+=("--add-opens=java.base/$pkg=ALL-UNNAMED")
done

build() {
    if [[ ! -f $ROOT/spark/target/gmi-spark.jar || ${GMI_SKIP_BUILD:-0} != 1 ]]; then
        echo "spark-cluster: building gmi-spark..." >&2
        (cd "$ROOT" && ./mvnw -B -q -ntp -DskipTests install -pl cli,study,spark -am) >&2
    fi
    rm -rf "$SPARK_HOME_DIR"
    mkdir -p "$SPARK_HOME_DIR/jars"
    ln -s "$ROOT"/spark/target/lib/*.jar "$ROOT/spark/target/gmi-spark.jar" "$SPARK_HOME_DIR/jars/"
    : >"$SPARK_HOME_DIR/RELEASE"
}

# start_jvm NAME CLASS ARGS...: a daemon JVM whose pid goes to $STATE/NAME.pid
start_jvm() {
    local name=$1
    shift
    nohup "$GMI_JAVA" "${OPENS[@]}" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx512m \
        -Dlog4j2.configurationFile="$STATE/log4j2-daemons.properties" -cp "$SPARK_HOME_DIR/jars/*" "$@" \
        >"$STATE/$name.log" 2>&1 &
    echo $! >"$STATE/$name.pid"
}


start() {
    stop quiet
    build
    mkdir -p "$STATE"
    # the daemons log at INFO (gmi-spark's own log4j2.properties, for the driver, says only warnings)
    printf '%s\n' 'rootLogger.level = info' 'rootLogger.appenderRef.stderr.ref = console' 'appender.console.type = Console' \
        'appender.console.name = console' 'appender.console.target = SYSTEM_ERR' 'appender.console.layout.type = PatternLayout' \
        'appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n%ex' >"$STATE/log4j2-daemons.properties"
    start_jvm master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$PORT" --webui-port 0
    wait_for "$STATE/master.log" "Starting Spark master" "the master"
    local w
    for ((w = 1; w <= WORKERS; w++)); do
        start_jvm "worker$w" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores "$WORKER_CORES" \
            --memory "$WORKER_MEMORY" --webui-port 0 --work-dir "$STATE/work$w" "$MASTER"
    done
    for ((w = 1; w <= WORKERS; w++)); do
        wait_for "$STATE/worker$w.log" "Successfully registered with master" "worker $w"
    done
    echo "spark-cluster: master $MASTER, $WORKERS workers of $WORKER_CORES core(s) and $WORKER_MEMORY (logs in $STATE)" >&2
}

stop() {
    local f pid
    for f in "$STATE"/*.pid; do
        [[ -f $f ]] || continue
        pid=$(cat "$f")
        # the worker's executors are its children
        pkill -TERM -P "$pid" 2>/dev/null || true
        kill "$pid" 2>/dev/null || true
        rm -f "$f"
    done
    [[ ${1:-} == quiet ]] || echo "spark-cluster: stopped" >&2
}

kill_worker() {
    local f="$STATE/worker$1.pid" pid
    [[ -f $f ]] || { echo "spark-cluster: no worker $1 running" >&2; exit 2; }
    pid=$(cat "$f")
    kill -KILL "$pid"
    rm -f "$f"
    echo "spark-cluster: worker $1 (pid $pid) killed with SIGKILL" >&2
}

train() {
    GMI_SKIP_BUILD=1 "$ROOT/gmi" train --engine spark --master "$MASTER" "$@"
}

# spark-submit without a Spark distribution: the class the spark-submit script runs, in a JVM with the
# flags a driver needs (a real installation puts them in spark-defaults.conf or SPARK_SUBMIT_OPTS)
submit() {
    [[ -f $SPARK_HOME_DIR/RELEASE ]] || build
    local jars
    jars=$(ls "$ROOT"/spark/target/lib/gmi-*.jar "$ROOT"/spark/target/lib/{ejml,fastutil,picocli}*.jar | paste -sd, -)
    "$GMI_JAVA" "${OPENS[@]}" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx${GMI_XMX:-4g} \
        -cp "$SPARK_HOME_DIR/jars/*" org.apache.spark.deploy.SparkSubmit --master "$MASTER" --deploy-mode client \
        --class org.gmi.spark.SubmitMain --jars "$jars" "$ROOT/spark/target/gmi-spark.jar" train "$@"
}

# the demos: the cluster, stopped when the script exits, and Cora in the binary layout in $STATE/cora
start_with_cora() {
    start
    trap stop EXIT
    GMI_SKIP_BUILD=1 "$ROOT/gmi" convert cora --out "$STATE/cora" --force >/dev/null
}

case ${1:-} in
    start) start ;;
    stop) stop ;;
    kill-worker) kill_worker "${2:?worker number}" ;;
    train) shift; train "$@" ;;
    submit) shift; submit "$@" ;;
    demo)
        start_with_cora
        train --method gmi --dataset "$STATE/cora" --batch-size 512 --epochs 20 --threads 1 --out "$STATE/demo-gmi" --force
        ;;
    fault-demo)
        # the same training twice on the cluster, the second with worker 1 killed (SIGKILL) mid-run
        start_with_cora
        args=(--method gmi --dataset "$STATE/cora" --batch-size 512 --partitions 2 --epochs 12 --patience 100 --threads 1 --no-eval)
        train "${args[@]}" --out "$STATE/undisturbed" --force 2>"$STATE/undisturbed.log"
        train "${args[@]}" --out "$STATE/disturbed" --force 2>"$STATE/disturbed.log" &
        run=$!
        wait_for "$STATE/disturbed.log" "epoch  *4/" "the disturbed run's fourth epoch"
        kill_worker 1
        wait "$run" || { echo "spark-cluster: the run with a worker killed failed; see $STATE/disturbed.log" >&2; exit 1; }
        grep -E "^trained|^spark:" "$STATE/disturbed.log" >&2
        if cmp -s "$STATE/undisturbed/embeddings.npy" "$STATE/disturbed/embeddings.npy"; then
            echo "spark-cluster: worker 1 killed after epoch 4: the run completed with embeddings identical to the undisturbed run's"
        else
            echo "spark-cluster: the embeddings differ from the undisturbed run's" >&2
            exit 1
        fi
        ;;
    resume-demo)
        start_with_cora
        args=(--method gmi --dataset "$STATE/cora" --batch-size 512 --partitions 2 --epochs 16 --patience 100 --threads 1 --no-eval)
        submit "${args[@]}" --out "$STATE/submitted" --force 2>"$STATE/submitted.log"
        train "${args[@]}" --checkpoint-every 2 --out "$STATE/stopped" --force 2>"$STATE/stopped.log" &
        run=$!
        wait_for "$STATE/stopped.log" "epoch  *7/" "the checkpointed run's seventh epoch"
        pkill -KILL -f -- "org.gmi.cli.Main train .*--out $STATE/stopped" || true
        wait "$run" 2>/dev/null || true
        echo "spark-cluster: driver killed with SIGKILL during epoch 7; resuming" >&2
        GMI_SKIP_BUILD=1 "$ROOT/gmi" train --resume "$STATE/stopped" 2>"$STATE/resumed.log"
        grep -E "^resuming|^trained|^spark:" "$STATE/resumed.log" >&2
        if cmp -s "$STATE/submitted/embeddings.npy" "$STATE/stopped/embeddings.npy" \
            && cmp -s "$STATE/submitted/encoder.gmi" "$STATE/stopped/encoder.gmi"; then
            echo "spark-cluster: the resumed run's embeddings and encoder are identical to the spark-submit run's"
        else
            echo "spark-cluster: the resumed run's outputs differ from the spark-submit run's" >&2
            exit 1
        fi
        ;;
    hdfs-demo)
        "$ROOT/scripts/hdfs.sh" start >&2
        start
        trap 'stop; "$ROOT/scripts/hdfs.sh" stop >&2' EXIT
        GMI_SKIP_BUILD=1 "$ROOT/gmi" convert cora --out "$STATE/cora" --force >/dev/null
        "$ROOT/scripts/hdfs.sh" put "$STATE/cora" /gmi-demo/cora-bin
        "$ROOT/scripts/hdfs.sh" fs -rm -r -f /gmi-demo/run >/dev/null
        hdfs="hdfs://127.0.0.1:${HDFS_PORT:-9000}/gmi-demo"
        args=(--method gmi --batch-size 512 --partitions 2 --epochs 6 --threads 1 --no-eval)
        train "${args[@]}" --dataset "$STATE/cora" --out "$STATE/from-folder" --force 2>"$STATE/from-folder.log"
        JAVA_OPTS="${JAVA_OPTS:-} -Dspark.hadoop.dfs.replication=1" \
            train "${args[@]}" --dataset "$hdfs/cora-bin" --out "$hdfs/run" 2>"$STATE/from-hdfs.log"
        grep -E "^spark:|^wrote" "$STATE/from-hdfs.log" >&2
        rm -rf "$STATE/from-hdfs"
        "$ROOT/scripts/hdfs.sh" get /gmi-demo/run "$STATE/from-hdfs"
        if cmp -s "$STATE/from-folder/embeddings.npy" "$STATE/from-hdfs/embeddings.npy"; then
            echo "spark-cluster: the graph and the outputs in HDFS: embeddings identical to the run from a folder"
        else
            echo "spark-cluster: the embeddings written to HDFS differ from the run from a folder" >&2
            exit 1
        fi
        ;;
    *) sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
