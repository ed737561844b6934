#!/usr/bin/env bash
# scripts/venv.sh [EXTRAS] — make .venv exist and hold ketnap installed (editable) with the pinned
# versions of requirements/constraints.txt.
#
#   scripts/venv.sh                 runtime only (what `make demo` needs)
#   scripts/venv.sh test,postgres   runtime + the test and PostgreSQL extras (what `make test` needs)
#
# The install is skipped when .venv/.ketnap-install already records the same sha256 of pyproject.toml +
# requirements/constraints.txt and a superset of the wanted extras. Source edits need no reinstall
# (editable install). Environment: PYTHON (default python3.11), VENV (default .venv).
set -euo pipefail
cd "$(dirname "$0")/.."

EXTRAS=${1:-}
PYTHON=${PYTHON:-python3.11}
VENV=${VENV:-.venv}
STAMP="$VENV/.ketnap-install"
export PIP_DISABLE_PIP_VERSION_CHECK=1

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# --- the interpreter ---------------------------------------------------------------------------------
if ! command -v "$PYTHON" >/dev/null 2>&1; then
    # Debian 12's python3 *is* 3.11; accept it under that name.
    if command -v python3 >/dev/null 2>&1 \
        && python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
        PYTHON=python3
    else
        die "$PYTHON not found: ketnap needs Python 3.11 (Debian 12: apt-get install python3.11 python3.11-venv)"
    fi
fi

venv_ok() {
    [ -x "$VENV/bin/python" ] \
        && "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null \
        && "$VENV/bin/python" -m pip --version >/dev/null 2>&1
}

make_venv() {
    "$PYTHON" -m venv "$VENV"
}

if ! venv_ok; then
    if [ -f "$VENV/pyvenv.cfg" ]; then
        say "$VENV is broken or not Python 3.11: recreating it"
        rm -rf "$VENV"
    elif [ -e "$VENV" ]; then
        die "$VENV exists but is not a virtual environment; move it away"
    fi
    say "creating $VENV with $PYTHON"
    if ! make_venv; then
        rm -rf "$VENV"
        # Debian splits venv/ensurepip off into python3.11-venv.
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            say "installing python3.11-venv (Debian keeps ensurepip in a separate package)"
            export DEBIAN_FRONTEND=noninteractive
            apt-get -o DPkg::Lock::Timeout=600 update -qq
            apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends python3.11-venv >/dev/null
            make_venv || { rm -rf "$VENV"; die "could not create $VENV"; }
        else
            die "could not create $VENV; on Debian run as root: apt-get install python3.11-venv"
        fi
    fi
    venv_ok || die "$VENV was created but has no working pip"
fi

# --- the install, skipped when nothing it depends on changed -----------------------------------------
[ -s requirements/constraints.txt ] || die "requirements/constraints.txt is missing (make constraints)"
KEY=$(cat pyproject.toml requirements/constraints.txt | sha256sum | cut -d' ' -f1)

# The stamp holds "<key> <extras>"; it satisfies us if the key matches and every wanted extra is there.
if [ -f "$STAMP" ] && [ -x "$VENV/bin/ketnap" ]; then
    read -r old_key old_extras <"$STAMP" || true
    if [ "${old_key:-}" = "$KEY" ]; then
        missing=0
        IFS=, read -r -a wanted <<<"$EXTRAS"
        for extra in "${wanted[@]}"; do
            [ -n "$extra" ] || continue
            case ",${old_extras:-}," in *",$extra,"*) ;; *) missing=1 ;; esac
        done
        if [ "$missing" = 0 ]; then
            exit 0
        fi
    fi
fi

target="."
[ -z "$EXTRAS" ] || target=".[$EXTRAS]"
say "installing ketnap ($target) into $VENV with requirements/constraints.txt"
rm -f "$STAMP"
"$VENV/bin/python" -m pip install -q -c requirements/constraints.txt -e "$target"
printf '%s %s\n' "$KEY" "$EXTRAS" >"$STAMP"
