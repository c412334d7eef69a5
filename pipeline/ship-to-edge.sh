#!/usr/bin/env bash
# Ships the current release to edge hosts and activates it there.
#
#   pipeline/ship-to-edge.sh [--hosts FILE] [--root DIR] [--dry-run]
#
# For each host in FILE (one per line, `user@host[:/remote/reel/root]`, # comments allowed):
#   1. `reel bundle` (once, locally): output/bundles/<release>.reel.zst + .manifest.json
#   2. rsync the bundle and its manifest to <remote root>/incoming/ (partial files hidden,
#      so a broken copy never looks complete)
#   3. ssh host 'reel activate <bundle>': verifies size and xxh3, installs into
#      output/releases/, switches output/current atomically; the daemon there hot-swaps.
# A host that fails is reported and the others continue; the exit code is the number of failures.
set -uo pipefail

ROOT="${REEL_ROOT:-$(pwd)}"
HOSTS_FILE="pipeline/edge-hosts.txt"
DRY_RUN=0
REMOTE_DEFAULT_ROOT="/srv/reel"
while [ $# -gt 0 ]; do
  case "$1" in
    --hosts) HOSTS_FILE="$2"; shift 2 ;;
    --root) ROOT="$2"; shift 2 ;;
    --dry-run) DRY_RUN=1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 64 ;;
  esac
done

REEL="${REEL:-$ROOT/bin/reel}"
[ -x "$REEL" ] || REEL="$(command -v reel || true)"
[ -n "$REEL" ] || { echo "error: reel binary not found (set REEL=/path/to/reel)" >&2; exit 64; }
[ -f "$HOSTS_FILE" ] || { echo "error: hosts file $HOSTS_FILE not found (one user@host[:/root] per line)" >&2; exit 64; }

run() { if [ "$DRY_RUN" = 1 ]; then echo "+ $*"; else "$@"; fi; }

# rsync and ssh are checked in --dry-run too: a dry run that says ok must mean the real one can run.
missing=""
for tool in rsync ssh; do command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"; done
if [ -n "$missing" ]; then
  echo "error: not installed:$missing (sudo apt-get install rsync openssh-client; make setup installs them)" >&2
  exit 64
fi

if [ "$DRY_RUN" = 1 ]; then
  # A dry run writes nothing: it names the bundle `reel bundle` would write.
  current="$(readlink "$ROOT/output/current" 2>/dev/null || true)"
  [ -n "$current" ] || { echo "error: no current release in $ROOT/output (run reel nightly)" >&2; exit 2; }
  id="$(basename "$current" .reel)"
  bundle="$ROOT/output/bundles/$id.reel.zst"; manifest="$ROOT/output/bundles/$id.manifest.json"
  echo "+ $REEL bundle --root $ROOT"
  echo "bundle (not written, --dry-run): $bundle"
else
  # `reel bundle` prints the bundle path, then the manifest path.
  mapfile -t paths < <("$REEL" bundle --root "$ROOT") || true
  bundle="${paths[0]:-}"; manifest="${paths[1]:-}"
  [ -f "$bundle" ] && [ -f "$manifest" ] || { echo "error: reel bundle failed" >&2; exit 1; }
  echo "bundle: $bundle"
fi

failures=0
while read -r line; do
  line="${line%%#*}"; line="$(echo "$line" | xargs)"
  [ -z "$line" ] && continue
  host="${line%%:*}"
  remote_root="$REMOTE_DEFAULT_ROOT"
  [ "$line" != "$host" ] && remote_root="${line#*:}"
  echo "== $host ($remote_root)"
  if run rsync -a --partial-dir=.rsync-partial --mkpath "$bundle" "$manifest" "$host:$remote_root/incoming/" \
     && run ssh "$host" "$remote_root/bin/reel" activate --root "$remote_root" --manifest "$remote_root/incoming/$(basename "$manifest")" "$remote_root/incoming/$(basename "$bundle")"; then
    if [ "$DRY_RUN" = 1 ]; then echo "would ship: $host (dry run: nothing copied)"; else echo "ok: $host"; fi
  else
    echo "FAILED: $host (its current release is unchanged)" >&2
    failures=$((failures + 1))
  fi
done < "$HOSTS_FILE"
exit "$failures"
