"""Progress lines that `reel` forwards into its own log (every line starts with `reel-spark:`)."""
import sys
import time

_start = time.monotonic()


def say(stage, message):
    print(f"reel-spark: {stage}: {message} [{time.monotonic() - _start:.1f}s]", flush=True)


def fail(stage, message, code=2):
    print(f"reel-spark: {stage}: error: {message}", file=sys.stderr, flush=True)
    sys.exit(code)
