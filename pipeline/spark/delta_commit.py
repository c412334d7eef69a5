"""Commits Parquet files written by Spark to a Delta Lake table, writing the log itself.

delta-spark's JARs come from Maven, which not every cluster can reach; the protocol is small
enough to write directly: move the data files into the table folder, then create the next
`_delta_log/NNNNNNNNNNNNNNNNNNNN.json` *only if absent* (a concurrent writer loses cleanly) with
`remove` actions for the files of the current version, `metaData` with the table's schema from
schemas/lakehouse/silver_tables.yml, and one `add` per new file. Readers — Reel's DeltaTable,
delta-rs, DuckDB, Spark with delta-spark — see the old version or the new one, never a mix.
"""
import json
import os
import time
import uuid

from delta_files import live_files

SPARK_TYPES = {"int32": "integer", "int64": "long", "float": "float", "double": "double",
               "string": "string", "timestamp_ms": "timestamp", "boolean": "boolean"}


def _schema_string(columns):
    return json.dumps({"type": "struct", "fields": [
        {"name": n, "type": SPARK_TYPES[t], "nullable": nullable, "metadata": {}} for n, t, nullable in columns]},
        separators=(",", ":"))


def commit_overwrite(table_dir, staging_dir, columns, parameters):
    """Replaces the table's content with the Parquet files in `staging_dir`; returns the new version."""
    log_dir = os.path.join(table_dir, "_delta_log")
    os.makedirs(log_dir, exist_ok=True)
    versions = sorted(int(n[:20]) for n in os.listdir(log_dir) if n.endswith(".json") and n[:20].isdigit())
    version = versions[-1] + 1 if versions else 0
    old = [os.path.relpath(p, table_dir) for p in live_files(table_dir)] if versions else []
    now = int(time.time() * 1000)
    adds = []
    for name in sorted(os.listdir(staging_dir)):
        if not name.endswith(".parquet"):
            continue
        final = f"part-{len(adds):05d}-{uuid.uuid4()}-c000.zstd.parquet"
        os.rename(os.path.join(staging_dir, name), os.path.join(table_dir, final))
        size = os.path.getsize(os.path.join(table_dir, final))
        adds.append({"add": {"path": final, "partitionValues": {}, "size": size, "modificationTime": now, "dataChange": True}})
    for rest in os.listdir(staging_dir):
        os.remove(os.path.join(staging_dir, rest))
    os.rmdir(staging_dir)
    actions = [{"commitInfo": {"timestamp": now, "operation": "WRITE",
                               "operationParameters": dict(parameters, mode="Overwrite"), "engineInfo": "reel-spark"}}]
    if version == 0:
        actions.append({"protocol": {"minReaderVersion": 1, "minWriterVersion": 2}})
    actions.append({"metaData": {"id": str(uuid.uuid4()), "format": {"provider": "parquet", "options": {}},
                                 "schemaString": _schema_string(columns), "partitionColumns": [],
                                 "configuration": {}, "createdTime": now}})
    actions += [{"remove": {"path": p, "deletionTimestamp": now, "dataChange": True}} for p in old]
    actions += adds
    path = os.path.join(log_dir, f"{version:020d}.json")
    temporary = path + ".tmp-" + uuid.uuid4().hex[:8]
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("\n".join(json.dumps(x, separators=(",", ":")) for x in actions) + "\n")
        f.flush()
        os.fsync(f.fileno())
    try:
        os.link(temporary, path)  # fails if the version exists: another writer committed first
    finally:
        os.remove(temporary)
    dfd = os.open(log_dir, os.O_RDONLY)
    os.fsync(dfd)
    os.close(dfd)
    return version
