#!/usr/bin/env bash
# Installs the Debian packages kasuhara needs, in one apt-get call, and only those missing:
# always the Japanese fonts the PDF documents embed (IPAex Mincho and Gothic, fonts-ipaexfont);
# with --dev also chromium (browser tests), poppler-utils (pdftotext/pdftoppm for document tests) and
# espeak-ng + sox (the live-call loudness tests generate speech and level it at different gains).
# Idempotent: does nothing when everything is present. Installs only as root; otherwise says what is missing.
set -euo pipefail
need=()
[ -f /usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf ] && [ -f /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf ] \
  || need+=(fonts-ipaexfont)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || need+=(fonts-dejavu-core)  # hashes in fixed width
if [ "${1:-}" = "--dev" ]; then
  command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
  command -v sox >/dev/null 2>&1 || need+=(sox)
fi
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "missing ${need[*]}: run as root or 'sudo apt-get install ${need[*]}' (PDF documents need the IPAex fonts, or set KASUHARA_FONT_DIR; browser tests need chromium and skip without it outside CI)" >&2
fi
