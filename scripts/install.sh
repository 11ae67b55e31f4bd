#!/usr/bin/env bash
# Installs kasuhara into ./.venv (created if missing), the Debian packages it needs (scripts/install_system.sh)
# and the web app's front-end files from npm (scripts/build_assets.sh). `--dev` adds the test tools.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
  .venv/bin/pip install -q -U pip setuptools wheel
fi
if [ "${1:-}" = "--dev" ]; then
  .venv/bin/pip install -q -e '.[dev]'
  bash scripts/install_system.sh --dev
else
  .venv/bin/pip install -q -e .
  bash scripts/install_system.sh
fi
bash scripts/build_assets.sh
