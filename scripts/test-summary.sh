#!/usr/bin/env bash
# Summarises a `swift test` log for `make test`: the closing line, every failure, and every
# skipped test or suite with its reason (Swift Testing prints `… skipped: "reason"`; tests that
# skip a part themselves print a line containing `skipped (` or `skipping`).
#
#   scripts/test-summary.sh .build/test.log
set -uo pipefail
log="${1:?usage: scripts/test-summary.sh LOG}"
[ -f "$log" ] || { echo "no test log at $log" >&2; exit 2; }
echo "== test summary ($log has the full output)"
failures=$(grep -E '✘|recorded an issue|error: ' "$log" | grep -v 'passed' || true)
skips=$(grep -E 'skipped:|skipped \(|skipping' "$log" | sed -E 's/^[^A-Za-z]*//' | sort -u || true)
if [ -n "$skips" ]; then
  echo "skipped ($(printf '%s\n' "$skips" | wc -l)):"
  printf '%s\n' "$skips" | sed 's/^/  /'
else
  echo "skipped: none"
fi
if [ -n "$failures" ]; then
  echo "failures:"
  printf '%s\n' "$failures" | head -n 50 | sed 's/^/  /'
fi
if ! grep -E 'Test run with|Executed [0-9]+ tests' "$log" | tail -n 2; then
  # A crash ends the run without a closing line: name the test that was running and the
  # runtime's own message, so a CI log's tail is enough to find it.
  echo "no closing line: the run did not finish (a crash?)"
  started=$(grep -E '^◇ Test .* started\.$' "$log" | sed -E 's/^◇ Test (.*) started\.$/\1/' | tail -n 1)
  [ -n "$started" ] && echo "last test started: $started"
  grep -E 'Fatal error|fatal error|Crash|crashed|Precondition failed|Assertion failed|Illegal instruction|Thread [0-9]+ crashed|at /.*\.swift:[0-9]+' "$log" | head -n 20 | sed 's/^/  /'
fi
