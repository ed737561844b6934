#!/usr/bin/env bash
# scripts/system-packages.sh [SECTION...] — the Debian packages of scripts/system-packages.txt that a section needs
# ("run" by default: what `make demo` needs, PDF output), installed with apt-get only when missing and only as root;
# otherwise a message (ketnap runs without them; only PDF downloads answer with an error saying what is missing).
# scripts/test.sh sources this file for missing_packages and installs "run" and "test" its own way.

SYSTEM_PACKAGES_LIST="$(dirname "${BASH_SOURCE[0]}")/system-packages.txt"

pg_server_bin() {  # the newest /usr/lib/postgresql/<major>/bin holding the server binaries
    local d
    printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | while read -r d; do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && [ -x "$d/psql" ]; then
            printf '%s\n' "$d"
        fi
    done | tail -n 1
}

missing_packages() {  # SECTION... — the packages of those sections that are not there, one a line
    local section package check
    while read -r section package check; do
        case "$section" in "" | "#"*) continue ;; esac
        [[ " $* " == *" $section "* ]] || continue
        if [ "$check" = "-" ]; then
            command -v dpkg-query >/dev/null 2>&1 || continue
            dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' && continue
        elif eval "$check" >/dev/null 2>&1; then
            continue
        fi
        printf '%s\n' "$package"
    done <"$SYSTEM_PACKAGES_LIST"
}

[[ "${BASH_SOURCE[0]}" == "$0" ]] || return 0  # sourced: the functions only

set -euo pipefail
SECTIONS=("${@:-run}")
command -v dpkg-query >/dev/null 2>&1 || exit 0  # not Debian/Ubuntu: nothing to check here
mapfile -t MISSING < <(missing_packages "${SECTIONS[@]}")
[ "${#MISSING[@]}" = 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing ${MISSING[*]} (${SECTIONS[*]}; what for: scripts/system-packages.txt)" >&2
    apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null 2>&1 || true
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${MISSING[@]}" >/dev/null 2>&1 \
        || echo "WARNING: apt-get could not install ${MISSING[*]}: PDF downloads will not work" >&2
else
    echo "WARNING: missing ${MISSING[*]} (PDF downloads need them): sudo apt-get install -y ${MISSING[*]}" >&2
fi
