#!/usr/bin/env bash
# Installs the web app's third-party front-end code (Chart.js, Swagger UI for /docs) from the npm registry with the
# committed lock file, and copies the built files into src/kasuhara/web/static/vendor/ (git-ignored).
# Idempotent and fast: skips everything when vendor/ already matches web-assets/package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."
ASSETS=web-assets
VENDOR=src/kasuhara/web/static/vendor
STAMP="$VENDOR/.lock-sha256"
want=$(sha256sum "$ASSETS/package-lock.json" | cut -d' ' -f1)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && [ -f "$VENDOR/chart.umd.js" ] && [ -f "$VENDOR/swagger-ui/swagger-ui-bundle.js" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "build_assets: npm is not installed; charts will show as tables (install nodejs/npm and re-run)" >&2
  exit 0
fi
( cd "$ASSETS" && npm ci --no-audit --no-fund --loglevel=error )
mkdir -p "$VENDOR"
cp "$ASSETS/node_modules/chart.js/dist/chart.umd.js" "$VENDOR/chart.umd.js"
cp "$ASSETS/node_modules/chart.js/LICENSE.md" "$VENDOR/chart.js.LICENSE.md"
mkdir -p "$VENDOR/swagger-ui"
for f in swagger-ui-bundle.js swagger-ui.css LICENSE NOTICE; do
  cp "$ASSETS/node_modules/swagger-ui-dist/$f" "$VENDOR/swagger-ui/$f"
done
echo "$want" > "$STAMP"
echo "build_assets: vendor files in $VENDOR"
