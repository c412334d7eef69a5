"""Lists the live data files of a Delta Lake table by replaying its `_delta_log`.

delta-spark's JARs cannot be fetched on every host (they come from Maven), so the Spark jobs read
Reel's Delta tables the way the protocol defines them: the JSON commits, in version order, add and
remove files; what remains added is the table. Checkpoints are not needed: Reel's writer and this
module never write them, and a log that has one is refused with a clear message rather than read
wrongly.
"""
import json
import os
from urllib.parse import unquote


class DeltaLogError(Exception):
    pass


def live_files(table_dir):
    """Absolute paths of the table's current data files, in commit order."""
    log_dir = os.path.join(table_dir, "_delta_log")
    if not os.path.isdir(log_dir):
        raise DeltaLogError(f"{table_dir}: not a Delta table (no _delta_log/); run `reel etl` first")
    names = sorted(n for n in os.listdir(log_dir) if n.endswith(".json") and n[:20].isdigit())
    if any(n.endswith(".checkpoint.parquet") for n in os.listdir(log_dir)) and not names:
        raise DeltaLogError(f"{log_dir}: only checkpoints, which this reader does not read")
    if not names:
        raise DeltaLogError(f"{log_dir}: no commits")
    files = {}
    for name in names:
        with open(os.path.join(log_dir, name), encoding="utf-8") as f:
            for line_no, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    action = json.loads(line)
                except json.JSONDecodeError as e:
                    raise DeltaLogError(f"{log_dir}/{name}:{line_no}: not JSON ({e})")
                if "add" in action:
                    files[action["add"]["path"]] = True
                elif "remove" in action:
                    files.pop(action["remove"]["path"], None)
    return [os.path.join(table_dir, unquote(p)) for p in files]
