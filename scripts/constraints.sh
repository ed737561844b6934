#!/usr/bin/env bash
# scripts/constraints.sh — regenerate requirements/constraints.txt (`make constraints`): install
# ketnap[test,postgres] into a throwaway venv from the ranges in pyproject.toml and pin what pip resolved.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
export PIP_DISABLE_PIP_VERSION_CHECK=1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ketnap-constraints.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$PYTHON" -m venv "$tmp/venv"
# -e so that the freeze can leave ketnap itself out (--exclude-editable); no -c: resolve afresh.
"$tmp/venv/bin/pip" install -q -e ".[test,postgres]"
{
    cat <<'HEADER'
# Exact versions of every package ketnap installs (runtime + the `test` and `postgres` extras, transitive too),
# as resolved in a fresh Python 3.11 venv. pyproject.toml keeps the ranges; this file makes installs repeatable:
#   pip install -c requirements/constraints.txt -e ".[test,postgres]"
# Regenerate after changing dependencies in pyproject.toml (needs network access to PyPI):
#   make constraints
# which runs, in a throwaway venv:
#   python3.11 -m venv /tmp/cvenv && /tmp/cvenv/bin/pip install -e ".[test,postgres]"
#   /tmp/cvenv/bin/pip freeze --exclude-editable
HEADER
    "$tmp/venv/bin/pip" freeze --exclude-editable
} >"$tmp/constraints.txt"
mv "$tmp/constraints.txt" requirements/constraints.txt
echo "requirements/constraints.txt: $(grep -vc '^#' requirements/constraints.txt) pins"
