#!/usr/bin/env bash
# The end-to-end browser test of the web face (issue 19): a real daemon on a synthetic release,
# driven by Selenium in headless Chromium from Debian (no browser download).
#
#   Tests/Browser/run.sh [REEL_BINARY]      # default .build/debug/reel
#
# Screenshots land in .build/browser-test/. Skips (exit 0, with the reason) only when Chromium,
# its driver or Selenium cannot be had; any failed check exits 1.
set -euo pipefail
cd "$(dirname "$0")/../.."
reel="${1:-.build/debug/reel}"
out=.build/browser-test
venv=.build/browser-venv
skip() { echo "browser test skipped: $*"; exit 0; }

chromium=$(command -v chromium || command -v chromium-browser || true)
driver=$(command -v chromedriver || true)
[ -n "$chromium" ] || skip "no chromium on PATH (apt-get install chromium chromium-driver)"
[ -n "$driver" ] || skip "no chromedriver on PATH (apt-get install chromium-driver)"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import selenium, xxhash" 2>/dev/null; then
  python3 -m venv "$venv" >/dev/null 2>&1 || skip "python3 -m venv failed (apt-get install python3-venv)"
  "$venv/bin/pip" install -q selenium xxhash >/dev/null 2>&1 || skip "could not install selenium and xxhash from PyPI"
fi
[ -x "$reel" ] || { echo "browser test: no reel binary at $reel (swift build first)"; exit 1; }
mkdir -p "$out"
exec "$venv/bin/python" Tests/Browser/explore_test.py --reel "$reel" --chromium "$chromium" --driver "$driver" --out "$out"
