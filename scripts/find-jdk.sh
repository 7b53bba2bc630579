# shellcheck shell=bash
# Finds a JDK 21 or newer and exports JAVA_HOME (and MAVEN_OPTS on JDK 24+).
#
# Sourced by ./gmi, ./run-tests and .ci/run:   source "$ROOT/scripts/find-jdk.sh"
# Looks at $JAVA_HOME first, then the usual install folders, then `java` on the PATH, and
# takes the first whose java.specification.version is 21 or more. A JDK (with javac) is
# needed because the launcher builds the project on first use. If none is found it prints
# one line naming what it found and exits 1 (it is sourced: this ends the calling script).
#
# Exports: JAVA_HOME, GMI_JAVA (the java binary), GMI_JAVA_VERSION (the feature number, e.g. 25),
# and, on JDK 24+, MAVEN_OPTS with --sun-misc-unsafe-memory-access=allow (hides Maven's
# sun.misc.Unsafe warnings; a JDK below 24 refuses that flag, so it is removed there).

# The feature version of the JDK at $1 ("" when it is not a working JDK).
__gmi_jdk_version() {
    local home=$1 spec
    [[ -x "$home/bin/java" && -x "$home/bin/javac" ]] || return 0
    spec=$("$home/bin/java" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = *\([0-9.]*\).*$/\1/p' | head -n 1)
    spec=${spec#1.}        # Java 8 and older say 1.8
    spec=${spec%%.*}
    [[ $spec =~ ^[0-9]+$ ]] && printf '%s\n' "$spec"
    return 0
}

__gmi_find_jdk() {
    local candidates=() found=() home version real java_on_path
    local -A seen=()
    [[ -n ${JAVA_HOME:-} ]] && candidates+=("$JAVA_HOME")
    local pattern
    for pattern in /usr/lib/jvm/* /opt/java/* /opt/jdk* /opt/*jdk* /usr/local/*jdk* /usr/local/java/* \
                   /usr/java/* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* \
                   /Library/Java/JavaVirtualMachines/*/Contents/Home; do
        [[ -d $pattern ]] && candidates+=("$pattern")
    done
    if java_on_path=$(command -v java 2>/dev/null); then
        real=$(readlink -f "$java_on_path" 2>/dev/null || printf '%s' "$java_on_path")
        candidates+=("$(dirname "$(dirname "$real")")")
    fi
    for home in "${candidates[@]}"; do
        real=$(cd "$home" 2>/dev/null && pwd -P) || continue
        [[ -n ${seen[$real]:-} ]] && continue
        seen[$real]=1
        version=$(__gmi_jdk_version "$home")
        if [[ -z $version ]]; then
            continue
        fi
        if (( version >= 21 )); then
            export JAVA_HOME=$home
            export GMI_JAVA="$home/bin/java"
            export GMI_JAVA_VERSION=$version
            return 0
        fi
        found+=("$home ($version)")
    done
    local list="none"
    if (( ${#found[@]} > 0 )); then
        list=$(IFS=,; printf '%s' "${found[*]}")
        list=${list//,/, }
    fi
    printf 'gmi-java needs a JDK 21 or newer (found: %s). Install one (e.g. Temurin 21+) and set JAVA_HOME.\n' \
        "$list" >&2
    return 1
}

if ! __gmi_find_jdk; then
    exit 1
fi

__gmi_unsafe_flag=--sun-misc-unsafe-memory-access=allow
if (( GMI_JAVA_VERSION >= 24 )); then
    case " ${MAVEN_OPTS:-} " in
        *" $__gmi_unsafe_flag "*) ;;
        *) export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }$__gmi_unsafe_flag" ;;
    esac
elif [[ -n ${MAVEN_OPTS:-} ]]; then
    __gmi_opts=" $MAVEN_OPTS "
    __gmi_opts=${__gmi_opts// $__gmi_unsafe_flag / }
    __gmi_opts=${__gmi_opts# }
    export MAVEN_OPTS=${__gmi_opts% }
    unset __gmi_opts
fi
unset __gmi_unsafe_flag
unset -f __gmi_jdk_version __gmi_find_jdk
