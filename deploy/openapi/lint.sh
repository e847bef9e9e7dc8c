#!/usr/bin/env bash
# Lints the committed OpenAPI documents with Spectral (spectral:oas + .spectral.yaml): any error, warning, information
# or hint fails. Installs the pinned Spectral from npm on first use.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x node_modules/.bin/spectral ]; then
  npm ci --no-audit --no-fund
fi
node_modules/.bin/spectral lint --ruleset .spectral.yaml --fail-severity hint ../../docs/openapi/*.json
