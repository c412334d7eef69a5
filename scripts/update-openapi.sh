#!/usr/bin/env bash
# Regenerates docs/openapi.yaml from the one source of the API description,
# Sources/ReelServer/OpenAPI/OpenAPISpec.swift (the daemon serves the same
# document as /openapi.json). The test that checks the two agree writes the
# file when REEL_UPDATE_OPENAPI=1.
set -euo pipefail
cd "$(dirname "$0")/.."
REEL_UPDATE_OPENAPI=1 swift test --filter 'OpenAPITests/yamlInSync' >/dev/null
git --no-pager diff --stat -- docs/openapi.yaml
echo "docs/openapi.yaml is up to date"
