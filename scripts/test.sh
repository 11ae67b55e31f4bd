#!/usr/bin/env bash
# Installs kasuhara with its test tools and runs the whole suite: ruff, mypy, pytest
# (SQLite and PostgreSQL, browser journeys in Debian's chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --dev
.venv/bin/ruff check src tests benchmarks evaluation
.venv/bin/mypy
.venv/bin/python -m pytest -n 2 "$@"
