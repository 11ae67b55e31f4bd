#!/usr/bin/env bash
# Installs the Japanese fonts the PDF documents embed (IPAex Mincho and Gothic, Debian fonts-ipaexfont),
# and poppler-utils (pdftotext/pdftoppm) that the document tests use. Idempotent: does nothing when present.
set -euo pipefail
need=()
[ -f /usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf ] && [ -f /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf ] \
  || need+=(fonts-ipaexfont)
if [ "${1:-}" = "--dev" ]; then
  command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
fi
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "missing ${need[*]}: run as root or 'sudo apt-get install ${need[*]}' (PDF documents need the IPAex fonts; or set KASUHARA_FONT_DIR)" >&2
fi
