# shellcheck shell=bash
# Helpers for the scripts that start daemon JVMs (spark-cluster.sh, hdfs.sh): source it after setting
# DAEMONS_NAME, the prefix of their messages.

# wait_for FILE PATTERN WHAT: waits up to a minute for a line matching PATTERN in the log FILE, else
# says that WHAT did not start and exits 1.
wait_for() {
    local file=$1 pattern=$2 what=$3 i
    for ((i = 0; i < 120; i++)); do
        grep -q "$pattern" "$file" 2>/dev/null && return 0
        sleep 0.5
    done
    echo "$DAEMONS_NAME: $what did not start; see $file" >&2
    exit 1
}
