#!/usr/bin/env python3
"""The DuckDB peer of the ETL and events benchmarks: loads one file into an in-memory table.

  python3 Benchmarks/peers/duckdb_load.py csv  ratings.csv     # CREATE TABLE r AS SELECT * FROM read_csv(...)
  python3 Benchmarks/peers/duckdb_load.py json events.ndjson   # ... FROM read_json(..., format='newline_delimited')

Timed as a whole process by the caller (so it includes starting Python and importing duckdb, as
Reel's figures include starting reel). Prints the row count.
"""
import sys

import duckdb

kind, path = sys.argv[1], sys.argv[2]
reader = {"csv": "read_csv(?)", "json": "read_json(?, format='newline_delimited')"}[kind]
con = duckdb.connect()
con.execute(f"CREATE TABLE r AS SELECT * FROM {reader}", [path])
print(con.execute("SELECT count(*) FROM r").fetchone()[0])
