#!/usr/bin/env bash
# Installs kasuhara into ./.venv (created if missing). `--dev` adds the test tools and Debian's chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
  .venv/bin/pip install -q -U pip setuptools wheel
fi
if [ "${1:-}" = "--dev" ]; then
  .venv/bin/pip install -q -e '.[dev]'
  if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
      echo "chromium is not installed and we are not root: browser tests will skip (apt-get install chromium)" >&2
    fi
  fi
else
  .venv/bin/pip install -q -e .
fi
if [ -f scripts/build_assets.sh ]; then
  bash scripts/build_assets.sh
fi
