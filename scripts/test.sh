#!/usr/bin/env bash
# scripts/test.sh [PYTEST_ARGS...] — what `make test` (and .ci/run) runs: set up everything the tests need
# on a fresh Debian 12 machine, then run the static checks and the whole suite on SQLite and PostgreSQL.
# Exits non-zero if any leg fails; prints a summary with each leg's result and duration at the end.
#
# Steps:
#   1. .venv with ketnap[test,postgres] at the pinned versions (scripts/venv.sh; skipped when unchanged).
#   2. Debian packages the tests need (scripts/system-packages.txt, its "run" and "test" sections: chromium, fonts,
#      Pango (PDF), LibreOffice Writer (.docx → PDF), poppler-utils, gettext, postgresql), installed with apt-get
#      only when missing and only as root.
#      Not root: a message, and the tests that need a missing piece decide (browser tests skip, unless CI=true).
#   3. Legs: static (ruff, ketnap check, makemigrations --check, check --deploy with production settings),
#      sqlite (-m "not browser", xdist), browser (-m browser, no xdist; "no tests collected" is a pass),
#      postgres (-m "not browser", xdist, against a throwaway cluster started here and deleted on exit);
#      and, only when asked (make test-fast), fast (-m "not slow and not browser", xdist, SQLite).
#
# Every leg gets its own throwaway KETNAP_DATA_DIR. KETNAP_* settings from the caller's environment
# (other than the KETNAP_TEST_* knobs below) and DATABASE_URL are cleared so results do not depend on them.
#
# Knobs (environment):
#   KETNAP_TEST_LEGS     comma list of legs to run (default: static,sqlite,browser,postgres; or fast)
#   KETNAP_TEST_WORKERS  pytest-xdist workers (default: 2)
#   KETNAP_TEST_GOLDEN   1 (default) runs tests/test_stats_golden.py (the statistics against recorded figures), 0 skips
#   KETNAP_TEST_PG_PORT  port for the throwaway PostgreSQL (default: 54329 if free, else any free port)
#   CI=true              a PostgreSQL leg that cannot run fails instead of being skipped (as do the
#                        browser tests without chromium: that rule lives in the tests)
# Extra arguments are passed to every pytest call (e.g. scripts/test.sh -k dates -x).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=scripts/system-packages.sh
source scripts/system-packages.sh  # missing_packages, pg_server_bin

VENV=${VENV:-.venv}
BIN="$ROOT/$VENV/bin"
[[ "$VENV" = /* ]] && BIN="$VENV/bin"
LEGS=",${KETNAP_TEST_LEGS:-static,sqlite,browser,postgres},"
WORKERS=${KETNAP_TEST_WORKERS:-2}
# CI (any value but empty/false/0/no) makes a PostgreSQL leg that cannot run a failure. CI itself is passed
# to pytest untouched: the browser tests read it too.
case "${CI:-}" in "" | [Ff]alse | FALSE | 0 | [Nn]o) STRICT=false ;; *) STRICT=true ;; esac
PYTEST_EXTRA=("$@")
IS_ROOT=false
[ "$(id -u)" = 0 ] && IS_ROOT=true

export PIP_DISABLE_PIP_VERSION_CHECK=1

# Clear the caller's app configuration: each leg sets exactly what it needs.
unset DATABASE_URL
while read -r var; do
    case "$var" in KETNAP_TEST_*) ;; KETNAP_*) unset "$var" ;; esac
done < <(compgen -e)

# The statistics' golden figures build a demo (half a minute): part of every run unless a caller says 0.
export KETNAP_TEST_GOLDEN="${KETNAP_TEST_GOLDEN:-1}"

bold() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
warn() { printf '\033[1;33mWARNING: %s\033[0m\n' "$*" >&2; }
want_leg() { [[ "$LEGS" == *",$1,"* ]]; }
now() { printf '%s' "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# --- clean-up of everything this run creates (temp dirs, the PostgreSQL cluster) ----------------------
TMP_DIRS=()
PG_DIR=""
PG_BIN=""
as_pg() {  # run a PostgreSQL server binary as the cluster's owner (initdb/postgres refuse to run as root)
    if $IS_ROOT; then
        (cd "$PG_DIR" && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}
pg_stop() {
    [ -n "$PG_DIR" ] && [ -d "$PG_DIR/data" ] || return 0
    if [ -f "$PG_DIR/data/postmaster.pid" ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
            || as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 30 stop >/dev/null 2>&1 \
            || { pid=$(head -1 "$PG_DIR/data/postmaster.pid" 2>/dev/null) && [ -n "$pid" ] && kill -9 "$pid"; } \
            || true
    fi
}
cleanup() {
    local rc=$?
    set +e
    if [ -n "$PG_DIR" ]; then
        pg_stop
        rm -rf "$PG_DIR"
        PG_DIR=""
    fi
    for d in "${TMP_DIRS[@]}"; do rm -rf "$d"; done
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

new_data_dir() {  # sets DATA: a throwaway KETNAP_DATA_DIR, secret key written once (xdist workers share it)
    # Not a $(…) function: the directory must be recorded in this shell for the clean-up.
    DATA=$(mktemp -d "${TMPDIR:-/tmp}/ketnap-test-data.XXXXXX")
    TMP_DIRS+=("$DATA")
    "$BIN/python" -c 'import secrets, sys; print(secrets.token_urlsafe(64), file=open(sys.argv[1], "w"))' \
        "$DATA/secret_key"
    chmod 600 "$DATA/secret_key"
}

# --- results -------------------------------------------------------------------------------------------
RESULT_NAMES=()
RESULT_STATES=()
RESULT_TIMES=()
FAILED=0
record() {  # name state seconds
    RESULT_NAMES+=("$1")
    RESULT_STATES+=("$2")
    RESULT_TIMES+=("$3")
    case "$2" in FAIL*) FAILED=1 ;; esac
}
step() {  # name command... — run one check, record PASS/FAIL and its duration, never abort the run
    local name=$1 start rc=0
    shift
    bold "$name: $*"
    start=$(now)
    "$@" || rc=$?
    if [ "$rc" = 0 ]; then record "$name" PASS "$(elapsed "$start")"; else record "$name" "FAIL (exit $rc)" "$(elapsed "$start")"; fi
}
pytest_leg() {  # name allow_empty env-assignments... -- pytest-args...
    local name=$1 allow_empty=$2 start rc=0
    shift 2
    local envs=()
    while [ "$1" != "--" ]; do envs+=("$1"); shift; done
    shift
    bold "$name: pytest $*"
    start=$(now)
    env "${envs[@]}" "$BIN/python" -m pytest -p no:cacheprovider "$@" "${PYTEST_EXTRA[@]}" || rc=$?
    if [ "$rc" = 0 ]; then
        record "$name" PASS "$(elapsed "$start")"
    elif [ "$rc" = 5 ] && [ "$allow_empty" = yes ]; then
        record "$name" "PASS (no tests collected)" "$(elapsed "$start")"
    elif [ "$rc" = 5 ]; then
        record "$name" "FAIL (no tests collected)" "$(elapsed "$start")"
    else
        record "$name" "FAIL (exit $rc)" "$(elapsed "$start")"
    fi
}
summary() {
    local i
    printf '\n\033[1m==> Summary\033[0m\n'
    for i in "${!RESULT_NAMES[@]}"; do
        printf '  %-32s %-38s %8ss\n' "${RESULT_NAMES[$i]}" "${RESULT_STATES[$i]}" "${RESULT_TIMES[$i]}"
    done
    if [ "$FAILED" = 0 ] && [[ "${RESULT_STATES[*]}" == *SKIPPED* || "${RESULT_STATES[*]}" == *WARN* ]]; then
        printf '\033[1;33mPASSED, but with warnings or skipped legs (see above)\033[0m\n'
    elif [ "$FAILED" = 0 ]; then
        printf '\033[1;32mALL PASSED\033[0m\n'
    else
        printf '\033[1;31mFAILED\033[0m\n'
    fi
}

# --- 1. Python environment -----------------------------------------------------------------------------
T0=$(now)
bold "Python environment ($VENV, ketnap[test,postgres])"
start=$(now)
VENV=$VENV bash scripts/venv.sh test,postgres
record "setup: venv" PASS "$(elapsed "$start")"

# --- 2. Debian packages --------------------------------------------------------------------------------
bold "System packages"
start=$(now)
mapfile -t MISSING < <(missing_packages run test)
if [ "${#MISSING[@]}" = 0 ]; then
    echo "all present"
    record "setup: system packages" PASS "$(elapsed "$start")"
elif $IS_ROOT && command -v apt-get >/dev/null 2>&1; then
    echo "installing: ${MISSING[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # DPkg::Lock::Timeout: wait for another apt/dpkg (e.g. unattended-upgrades) instead of failing.
    APT_LOG=$(mktemp "${TMPDIR:-/tmp}/ketnap-apt.XXXXXX")
    TMP_DIRS+=("$APT_LOG")
    if apt-get -o DPkg::Lock::Timeout=600 update >"$APT_LOG" 2>&1 \
        && apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${MISSING[@]}" >>"$APT_LOG" 2>&1; then
        echo "installed"
        record "setup: system packages" "PASS (installed)" "$(elapsed "$start")"
    else
        tail -n 30 "$APT_LOG" >&2
        warn "apt-get could not install: ${MISSING[*]} — the tests that need them will skip or fail"
        record "setup: system packages" "WARN (apt-get failed)" "$(elapsed "$start")"
    fi
else
    warn "missing system packages: ${MISSING[*]}"
    warn "not running as root, so not installing them. Install with:"
    warn "  sudo apt-get install -y --no-install-recommends ${MISSING[*]}"
    warn "Browser tests skip without /usr/bin/chromium (they fail instead when CI=true)."
    record "setup: system packages" "WARN (missing: ${MISSING[*]})" "$(elapsed "$start")"
fi

# --- 3a. Static checks ---------------------------------------------------------------------------------
if want_leg static; then
    LINT_PATHS=()
    for p in src tests benchmarks scripts; do [ -e "$p" ] && LINT_PATHS+=("$p"); done
    new_data_dir
    STATIC_DATA=$DATA
    TEST_SECRET=$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(48))')  # 64 characters
    step "static: ruff check" "$BIN/ruff" check --output-format=concise "${LINT_PATHS[@]}"
    step "static: ruff format" "$BIN/ruff" format --check "${LINT_PATHS[@]}"
    step "static: ketnap check" env KETNAP_DATA_DIR="$STATIC_DATA" "$BIN/ketnap" check
    step "static: makemigrations" env KETNAP_DATA_DIR="$STATIC_DATA" \
        "$BIN/ketnap" makemigrations --check --dry-run
    step "static: check --deploy" env KETNAP_DATA_DIR="$STATIC_DATA" KETNAP_PRODUCTION=true \
        KETNAP_SECRET_KEY="$TEST_SECRET" "$BIN/ketnap" check --deploy --fail-level WARNING
fi

# --- 3b. SQLite ----------------------------------------------------------------------------------------
if want_leg sqlite; then
    new_data_dir
    pytest_leg "sqlite" no KETNAP_DATA_DIR="$DATA" -- -m "not browser" -n "$WORKERS"
fi

# --- 3b'. SQLite without the slow tests (make test-fast: never a default leg) --------------------------------------
if want_leg fast; then
    new_data_dir
    pytest_leg "fast" no KETNAP_DATA_DIR="$DATA" -- -m "not slow and not browser" -n "$WORKERS"
fi

# --- 3c. Browser (SQLite, one process: live_server + Chromium) ----------------------------------------
if want_leg browser; then
    [ -x /usr/bin/chromium ] || warn "/usr/bin/chromium is missing: browser tests will skip (fail when CI=true)"
    new_data_dir
    pytest_leg "browser" yes KETNAP_DATA_DIR="$DATA" -- -m browser
fi

# --- 3d. PostgreSQL on a throwaway cluster --------------------------------------------------------------
free_port() {
    "$BIN/python" - "$1" <<'EOF'
import socket, sys
def free(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will: TIME_WAIT is fine
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return None
        return s.getsockname()[1]
print(free(int(sys.argv[1])) or free(0))
EOF
}

pg_start() {  # sets PG_DIR, PG_BIN, DATABASE_URL; returns non-zero on failure
    local port password
    PG_BIN=$(pg_server_bin)
    [ -n "$PG_BIN" ] || return 2
    if $IS_ROOT; then
        id postgres >/dev/null 2>&1 || { warn "no 'postgres' user to run the cluster as"; return 1; }
        # /tmp, not $TMPDIR: the postgres user must be able to reach it.
        PG_DIR=$(mktemp -d /tmp/ketnap-pg.XXXXXX)
        chown postgres: "$PG_DIR"
    else
        PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ketnap-pg.XXXXXX")
    fi
    chmod 700 "$PG_DIR"
    as_pg mkdir "$PG_DIR/sock"
    port=$(free_port "${KETNAP_TEST_PG_PORT:-54329}")
    password=$("$BIN/python" -c 'import secrets; print(secrets.token_hex(16))')
    echo "cluster: $PG_DIR ($("$PG_BIN/postgres" --version)), port $port"

    as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
        || { cat "$PG_DIR/initdb.log" >&2; return 1; }
    # Throwaway: only loopback, socket inside the temp dir, durability off for speed.
    as_pg tee -a "$PG_DIR/data/postgresql.conf" >/dev/null <<EOF

# --- ketnap scripts/test.sh: throwaway test cluster ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$PG_DIR/sock'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
EOF
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start >/dev/null \
        || { cat "$PG_DIR/server.log" >&2; return 1; }
    as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR/sock" -p "$port" -U postgres -d postgres \
        -c "CREATE ROLE ketnap LOGIN CREATEDB PASSWORD '$password'" \
        -c "CREATE DATABASE ketnap OWNER ketnap" || return 1
    DATABASE_URL="postgres://ketnap:$password@127.0.0.1:$port/ketnap"
}

if want_leg postgres; then
    bold "PostgreSQL: starting a throwaway cluster"
    start=$(now)
    pg_rc=0
    pg_start || pg_rc=$?
    if [ "$pg_rc" = 0 ]; then
        record "postgres: cluster start" PASS "$(elapsed "$start")"
        new_data_dir
        pytest_leg "postgres" no KETNAP_DATA_DIR="$DATA" DATABASE_URL="$DATABASE_URL" \
            -- -m "not browser" -n "$WORKERS"
        start=$(now)
        pg_stop
        rm -rf "$PG_DIR"
        PG_DIR=""
        record "postgres: cluster stop" PASS "$(elapsed "$start")"
    elif [ "$pg_rc" = 2 ]; then
        printf '\n\033[1;31m'
        printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
        printf '!!! PostgreSQL leg SKIPPED: no server binaries under /usr/lib/postgresql/*/bin\n'
        printf '!!! (run as root to have them installed, or: apt-get install postgresql)\n'
        printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
        printf '\033[0m\n'
        if $STRICT; then
            record "postgres" "FAIL (no server; CI=$CI)" "$(elapsed "$start")"
        else
            record "postgres" "SKIPPED (no server)" "$(elapsed "$start")"
        fi
    else
        warn "could not start the throwaway PostgreSQL cluster (see above)"
        record "postgres: cluster start" "FAIL" "$(elapsed "$start")"
    fi
fi

record "total" "" "$(elapsed "$T0")"
summary
exit "$FAILED"
