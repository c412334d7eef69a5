#!/usr/bin/env bash
# Applies swift-format in place, with the repository's .swift-format, to every file
# scripts/lint.sh checks. The tree was reformatted whole once (2026-12-07); since then lint is
# strict, and this fixes whatever formatting a change brought in (`make format`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/swift-format-paths.sh
if [ ${#SWIFT_FORMAT[@]} = 0 ]; then echo "format-all: no swift-format (swift format) in this toolchain" >&2; exit 1; fi
"${SWIFT_FORMAT[@]}" format --in-place --parallel --configuration .swift-format -r "${FORMAT_PATHS[@]}"
git diff --shortstat -- "${FORMAT_PATHS[@]}"
