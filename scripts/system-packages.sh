#!/usr/bin/env bash
# scripts/system-packages.sh — the Debian packages ketnap itself needs at run time (what `make demo` needs):
# Pango for WeasyPrint (PDF forms and reports), fonts with Vietnamese glyphs (Liberation Serif ≈ Times New
# Roman; DejaVu as fallback) and LibreOffice Writer (headless) to turn the generated .docx forms into PDF.
# Installed with apt-get only when missing and only as root; otherwise a message (ketnap runs without them;
# only PDF downloads answer with an error saying what is missing).
set -euo pipefail
PKGS=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 fonts-dejavu-core libreoffice-writer-nogui)
command -v dpkg-query >/dev/null 2>&1 || exit 0  # not Debian/Ubuntu: nothing to check here
MISSING=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || MISSING+=("$p")
done
[ "${#MISSING[@]}" = 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing ${MISSING[*]} (PDF output)" >&2
    apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null 2>&1 || true
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${MISSING[@]}" >/dev/null 2>&1 \
        || echo "WARNING: apt-get could not install ${MISSING[*]}: PDF downloads will not work" >&2
else
    echo "WARNING: missing ${MISSING[*]} (PDF downloads need them): sudo apt-get install -y ${MISSING[*]}" >&2
fi
