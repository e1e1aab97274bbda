#!/usr/bin/env bash
# Fresh machine -> installed, built, and the main job run on the embedded default driver.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
npm ci --no-audit --no-fund
npm run build
npm start
