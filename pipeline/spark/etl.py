"""Bronze MovieLens CSV → silver Delta tables in Spark, under Reel's data contract.

    spark-submit --master spark://HOST:7077 pipeline/spark/etl.py \
        --bronze lakehouse/bronze/movielens/ml-25m --contract schemas/lakehouse/bronze_tables.yml \
        --silver-contract schemas/lakehouse/silver_tables.yml --out /data/silver --run-id RUN

The rules are *loaded* from schemas/lakehouse/bronze_tables.yml — the file `reel etl` loads — and
applied in its order (contracts.py), so both engines quarantine the same rows with the same rule
names and reconcile every table the same way: read = accepted + rejected + deduplicated.

Output, under --out:
    ratings/, movies/, tags/       Delta tables with exactly the columns of `open_tables:` in
                                   schemas/lakehouse/silver_tables.yml (what `reel etl` writes to
                                   lakehouse/silver/<table>); the Delta log is written by this job
                                   (delta-spark's JARs are not needed)
    _quarantine/<run-id>/<table>.rejects.csv   line,rule,original — every rejected row
    _reports/<run-id>.json         per table read / accepted / rejected / deduplicated, rules

A table whose reject rate exceeds --reject-threshold fails the job (exit 3) before any table is
committed, as `reel etl` fails before switching silver. Movies and links — tens of thousands of
rows — are validated on the driver (the `unique` rule is sequential by nature); ratings and tags,
the big tables, on the executors, with the movie ids broadcast for the `reference` rule.

Not covered (docs/scaling.md): bronze events (Reel's `reel events ingest` + `reel etl` handle
them), and quoted fields that span lines (refused as `field_count`, which MovieLens never has).
"""
import argparse
import json
import os
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import contracts  # noqa: E402
from delta_commit import commit_overwrite  # noqa: E402
from progress import fail, say  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bronze", required=True, help="folder with movies.csv, links.csv, ratings.csv, tags.csv")
    p.add_argument("--contract", required=True, help="schemas/lakehouse/bronze_tables.yml")
    p.add_argument("--silver-contract", required=True, help="schemas/lakehouse/silver_tables.yml")
    p.add_argument("--out", required=True, help="folder of the silver Delta tables")
    p.add_argument("--run-id", default=time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))
    p.add_argument("--run-clock", type=int, default=int(time.time()), help="Unix seconds of 'now' (timestamp_in_future)")
    p.add_argument("--reject-threshold", type=float, default=0.01)
    return p.parse_args()


def read_lines(path):
    """(line number, text) of every data line of a small CSV, on the driver."""
    # Bytes that are not UTF-8 survive as lone surrogates for the contract's `utf8` rule.
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as f:
        text = f.read()
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [l[:-1] if l.endswith("\r") else l for l in lines]
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    return lines[0] if lines else "", [(i + 2, l) for i, l in enumerate(lines[1:])]


def check_header(table, header, path):
    expected = ",".join(c["name"] for c in table["columns"])
    if header != expected:
        fail("etl", f"{path}: header is {header!r}, the contract says {expected!r}", code=1)


class Counts:
    def __init__(self):
        self.tables = {}

    def add(self, name, read, accepted, rejected, deduplicated, by_rule):
        assert read == accepted + rejected + deduplicated, f"{name}: reconciliation broken"
        self.tables[name] = {"table": name, "read": read, "accepted": accepted, "rejected": rejected,
                             "deduplicated": deduplicated, "rejectsByRule": dict(sorted(by_rule.items()))}
        say("etl", f"{name}: read {read} = accepted {accepted} + rejected {rejected} + deduplicated {deduplicated}")


def driver_table(table, rules, lines, movie_ids=None):
    """Sequential validation (movies, links): accepted rows as dicts, rejects [(line, rule, text)]."""
    accepted, rejects, seen = [], [], {}
    for line_no, text in lines:
        values, broken, pending = rules.check_row(text)
        if broken is None:
            for name, check, col, extra in pending:
                if check == "local" and not extra:
                    broken = name
                elif check == "unique" and values[col] in seen.get(col, ()):
                    broken = name
                elif check == "reference" and int(values[col]) not in movie_ids:
                    broken = name
                if broken:
                    break
        if broken:
            rejects.append((line_no, broken, text))
            continue
        for name, check, col, _ in pending:
            if check == "unique":
                seen.setdefault(col, set()).add(values[col])
        values["_line"] = line_no
        accepted.append(values)
    return accepted, rejects


def split_title(title):
    """The Swift MovieTitle.removeYear: trim, then a trailing "(YYYY)" becomes the year."""
    t = title.strip(" \t")
    if len(t) >= 6 and t.endswith(")") and t[-6] == "(" and t[-5:-1].isascii() and t[-5:-1].isdigit():
        rest = t[:-6].rstrip(" \t")
        if rest:
            return rest, int(t[-5:-1])
        return t, int(t[-5:-1])
    return t, None


def main():
    a = parse_args()
    started = time.monotonic()
    try:
        tables = contracts.load(a.contract)
    except (OSError, contracts.ContractError) as e:
        fail("etl", str(e), code=1)
    for name in ("movies", "links", "ratings", "tags"):
        if not os.path.exists(os.path.join(a.bronze, tables[name]["file"])):
            fail("etl", f"{os.path.join(a.bronze, tables[name]['file'])} is missing", code=2)

    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
    from pyspark.sql.window import Window
    from pyspark import StorageLevel

    spark = (SparkSession.builder.appName("reel-etl")
             .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MILLIS")
             .config("spark.sql.parquet.compression.codec", "zstd")
             .config("spark.sql.session.timeZone", "UTC")
             # Let adaptive execution coalesce the shuffles of cached plans too: the deduplicated
             # ratings are cached, and at spark.sql.shuffle.partitions (200) tiny partitions every
             # later job over them pays 200 tasks' overhead.
             .config("spark.sql.optimizer.canChangeCachedPlanOutputPartitioning", "true")
             .getOrCreate())
    spark.sparkContext.setLogLevel("WARN")
    # The executors' Python workers import the contract rules too; ship the module with the job.
    spark.sparkContext.addPyFile(contracts.__file__)
    say("etl", f"run {a.run_id}: {a.bronze} -> {a.out} on {spark.sparkContext.master}")
    counts = Counts()
    quarantine = os.path.join(a.out, "_quarantine", a.run_id)
    os.makedirs(quarantine, exist_ok=True)

    def write_rejects(name, rejects):
        path = os.path.join(quarantine, f"{name}.rejects.csv")
        with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:  # original bytes, as read
            f.write("line,rule,original\n")
            for line_no, rule, text in sorted(rejects):
                f.write(f'{line_no},{rule},"{text.replace(chr(34), chr(34) * 2)}"\n')

    # Movies and links on the driver.
    small = {}
    for name in ("movies", "links"):
        path = os.path.join(a.bronze, tables[name]["file"])
        header, lines = read_lines(path)
        check_header(tables[name], header, path)
        rules = contracts.TableRules(tables[name], a.run_clock)
        ids = {int(m["movieId"]) for m in small["movies"][0]} if name == "links" else None
        small[name] = driver_table(tables[name], rules, lines, ids)
        write_rejects(name, small[name][1])
    movies_ok, movie_rejects = small["movies"]
    movie_ids = sorted(int(m["movieId"]) for m in movies_ok)
    links_ok, link_rejects = small["links"]
    latest_link = {}
    for row in links_ok:
        latest_link[int(row["movieId"])] = row  # keep: last_line
    by_rule = lambda rejects: {r: sum(1 for x in rejects if x[1] == r) for r in {x[1] for x in rejects}}  # noqa: E731
    counts.add("movies", len(movies_ok) + len(movie_rejects), len(movies_ok), len(movie_rejects), 0, by_rule(movie_rejects))
    counts.add("links", len(links_ok) + len(link_rejects), len(latest_link), len(link_rejects),
               len(links_ok) - len(latest_link), by_rule(link_rejects))

    # Ratings and tags on the executors: each line goes through Python once. The result is a
    # DataFrame (line, rule, original, the row's typed columns) kept by the JVM, memory then disk;
    # every later step (rejects, counts, deduplication, writes) reads it without Python.
    known = spark.sparkContext.broadcast(frozenset(movie_ids))
    run_clock = a.run_clock
    # Both plans of a bronze file (the partition sizes below, the lines) must split it alike:
    # pin the split count instead of letting it follow the executors registered at planning time.
    spark.conf.set("spark.sql.files.minPartitionNum", str(max(2, spark.sparkContext.defaultParallelism)))

    def big_table(name, shape):
        """`shape`: [(output column, Spark type, contract column, converter)] of an accepted row."""
        path = os.path.join(a.bronze, tables[name]["file"])
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            header = f.readline().rstrip("\r\n").lstrip("\ufeff")
        check_header(tables[name], header, path)
        text = spark.read.text(path)
        # Line numbers without a pass through Python: rows per file split, counted in the JVM.
        sizes = dict(text.groupBy(F.spark_partition_id().alias("p")).count().collect())
        starts, first = {}, 0
        for p in range(max(sizes, default=-1) + 1):
            starts[p], first = first, first + sizes.get(p, 0)
        # Bytes, not text: textFile (even with use_unicode=False) goes through a Java String, which
        # turns bytes that are not UTF-8 into U+FFFD and hides them from the `utf8` rule. The text
        # source keeps a line's bytes as they are, and a cast to binary hands them over unchanged
        # (contracts.decode then keeps the bad ones visible).
        lines = text.select(F.col("value").cast("binary")).rdd
        definition = tables[name]  # travels with the closure: executors need not see the YAML file
        columns = [(col, convert) for _, _, col, convert in shape]
        blank = (None,) * len(shape)

        def validate(part, rows):
            rules = contracts.TableRules(definition, run_clock)
            ids = known.value
            index = starts.get(part, 0)  # 0-based over the file: the header is 0
            for row in rows:
                if index > 0:
                    raw = bytes(row[0])
                    text = contracts.decode(raw)
                    if text.endswith("\r"):
                        text, raw = text[:-1], raw[:-1]
                    values, broken, pending = rules.check_row(text)
                    if broken is None:
                        for rule, check, col, extra in pending:
                            if (check == "local" and not extra) or (check == "reference" and values[col] not in ids) \
                                    or check == "unique":
                                broken = rule
                                break
                    if broken is None:
                        yield (index + 1, None, None) + tuple(convert(values[col]) for col, convert in columns)
                    else:
                        yield (index + 1, broken, raw) + blank
                index += 1
            if index - starts.get(part, 0) != sizes.get(part, 0):
                raise RuntimeError(f"{path}: split {part} has {index - starts.get(part, 0)} lines, "
                                   f"{sizes.get(part, 0)} when counted; line numbers would be wrong")

        schema = T.StructType([T.StructField("line", T.LongType(), False), T.StructField("rule", T.StringType(), True),
                               T.StructField("original", T.BinaryType(), True)]
                              + [T.StructField(out, kind, True) for out, kind, _, _ in shape])
        checked = spark.createDataFrame(lines.mapPartitionsWithIndex(validate), schema, verifySchema=False)
        checked = checked.persist(StorageLevel.MEMORY_AND_DISK)
        rejects = [(r[0], r[1], contracts.decode(bytes(r[2])))
                   for r in checked.filter(F.col("rule").isNotNull()).select("line", "rule", "original").collect()]
        write_rejects(name, rejects)
        accepted = checked.filter(F.col("rule").isNull()).select(*[out for out, _, _, _ in shape], "line")
        return checked, accepted, rejects

    checked, accepted, rating_rejects = big_table("ratings", [
        ("userId", T.IntegerType(), "userId", int), ("movieId", T.IntegerType(), "movieId", int),
        ("rating", T.FloatType(), "rating", float), ("ts", T.LongType(), "timestamp", int)])
    read_ratings = checked.count()
    newest = Window.partitionBy("userId", "movieId").orderBy(F.col("ts").desc(), F.col("line").desc())
    ratings = accepted.withColumn("n", F.row_number().over(newest)).filter("n = 1").drop("n").cache()
    kept = ratings.count()
    # `checked` stays persisted: unpersisting it would drop `ratings`' cache too (Spark re-plans the
    # caches built on it) and the writes below would validate every line again.
    counts.add("ratings", read_ratings, kept, len(rating_rejects),
               read_ratings - len(rating_rejects) - kept, by_rule(rating_rejects))
    checked, tags, tag_rejects = big_table("tags", [
        ("userId", T.IntegerType(), "userId", int), ("movieId", T.IntegerType(), "movieId", int),
        ("tag", T.StringType(), "tag", str), ("ts", T.LongType(), "timestamp", int)])
    tag_count = checked.count() - len(tag_rejects)
    counts.add("tags", tag_count + len(tag_rejects), tag_count, len(tag_rejects), 0, by_rule(tag_rejects))

    # The reject threshold, before anything is committed.
    over = [t for t in counts.tables.values() if t["read"] and t["rejected"] / t["read"] > a.reject_threshold]
    report = {"runId": a.run_id, "engine": "spark", "bronze": a.bronze, "runClock": a.run_clock,
              "rejectThreshold": a.reject_threshold, "tables": list(counts.tables.values()),
              "quarantine": quarantine, "seconds": None}
    os.makedirs(os.path.join(a.out, "_reports"), exist_ok=True)
    report_path = os.path.join(a.out, "_reports", f"{a.run_id}.json")
    if over:
        report["failed"] = [t["table"] for t in over]
        with open(report_path, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=2)
        fail("etl", "; ".join(f"{t['table']}: {t['rejected']} of {t['read']} rows rejected, above the threshold {a.reject_threshold}"
                              for t in over) + f" (quarantine: {quarantine}); nothing was committed", code=3)

    # Silver tables, with the columns of open_tables in silver_tables.yml.
    stats = ratings.groupBy("movieId").agg(F.count("*").alias("ratingCount"), F.avg("rating").alias("ratingMean"))
    genre_rule = next(r for r in tables["movies"]["rules"] if r["check"] == "genre_list")
    vocab = genre_rule["vocabulary"]
    movie_rows = []
    for m in movies_ok:
        title, year = split_title(m["title"])
        mask = m["genres"]
        genres = "|".join(g for i, g in enumerate(vocab) if mask & (1 << i))
        link = latest_link.get(int(m["movieId"]))
        imdb = int(link["imdbId"]) if link and link.get("imdbId") not in (None, "") else None
        tmdb = int(link["tmdbId"]) if link and link.get("tmdbId") not in (None, "") else None
        movie_rows.append((int(m["movieId"]), title, year, genres, imdb, tmdb))
    movies = spark.createDataFrame(movie_rows, T.StructType([
        T.StructField("movieId", T.IntegerType(), False), T.StructField("title", T.StringType(), False),
        T.StructField("year", T.IntegerType(), True), T.StructField("genres", T.StringType(), False),
        T.StructField("imdbId", T.LongType(), True), T.StructField("tmdbId", T.IntegerType(), True)]))
    movies = (movies.join(stats, "movieId", "left")
              .select("movieId", "title", "year", "genres",
                      F.coalesce(F.col("ratingCount"), F.lit(0)).cast("int").alias("ratingCount"),
                      F.col("ratingMean").cast("float").alias("ratingMean"), "imdbId", "tmdbId")
              .orderBy("movieId"))
    out_tables = {
        "ratings": ratings.orderBy("userId", "movieId").select(
            "userId", "movieId", "rating", F.timestamp_seconds("ts").alias("timestamp")),
        "movies": movies,
        "tags": tags.orderBy("movieId", "line").select(
            "userId", "movieId", "tag", F.timestamp_seconds("ts").alias("timestamp")),
    }
    schemas = contracts.open_table_schemas(a.silver_contract)
    for name, df in out_tables.items():
        staging = os.path.join(a.out, name, f"_staging-{uuid.uuid4().hex[:12]}")
        # At most 8 files (coalesce never adds partitions). Not df.rdd.getNumPartitions(): under
        # adaptive execution that runs the whole sort once more just to count its partitions.
        df.coalesce(8).write.parquet(staging)
        version = commit_overwrite(os.path.join(a.out, name), staging, schemas[name],
                                   {"engine": "spark", "runId": a.run_id})
        say("etl", f"{name}: committed version {version} of {os.path.join(a.out, name)}")
    spark.stop()
    report["seconds"] = round(time.monotonic() - started, 3)
    with open(report_path, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    say("etl", f"done; report {report_path}")


if __name__ == "__main__":
    main()
