#!/usr/bin/env bash
# Installs kasuhara and runs the main job on its embedded default: SQLite under ./var, demo data,
# the web app on http://127.0.0.1:8000 (KASUHARA_PORT to change it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/kasuhara demo "$@"
