"""Implicit ALS in Spark MLlib on Reel's silver ratings table, writing factor tables Reel imports.

    spark-submit --master spark://HOST:7077 pipeline/spark/train.py \
        --ratings lakehouse/silver/ratings --out output/spark/<run-id> \
        --rank 64 --reg-param 0.2 --alpha 1 --iterations 15 --seed 42

Input: the silver `ratings` Delta table (userId, movieId, rating, timestamp), as `reel etl` or
pipeline/spark/etl.py writes it. Output, read by `reel import factors --from OUT`:

    OUT/users/part-*.parquet   id int32, f0 … f{rank-1} float   one row per user
    OUT/movies/part-*.parquet  id int32, f0 … f{rank-1} float   one row per rated movie
    OUT/factors.json           rank, parameters, counts, seconds

Factors are flat float columns (not an array column) so that any Parquet reader, Reel's
included, reads them without nested-type support; files are ZSTD-compressed.

Spark scales the regularisation by each row's rating count (ALS-WR) in both feedback modes,
Reel's implicit ALS does not (Hu–Koren–Volinsky); `reel train --engine spark` converts Reel's λ
to `--reg-param λ / (ratings per user)` so both penalise an average user alike (docs/scaling.md).
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from delta_files import DeltaLogError, live_files  # noqa: E402
from progress import fail, say  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ratings", required=True, help="silver ratings Delta table (folder with _delta_log/)")
    p.add_argument("--out", required=True, help="output folder (must not exist or be empty)")
    p.add_argument("--rank", type=int, default=64)
    p.add_argument("--reg-param", type=float, required=True, help="Spark's regParam (scaled by row counts)")
    p.add_argument("--alpha", type=float, default=1.0)
    p.add_argument("--iterations", type=int, default=15)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--partitions", type=int, default=0, help="ALS blocks (0: Spark's default parallelism)")
    a = p.parse_args()
    if not 1 <= a.rank <= 1024:
        fail("train", f"--rank {a.rank} is outside 1 ... 1024")
    if not (a.reg_param >= 0 and a.alpha >= 0 and a.iterations >= 1):
        fail("train", "--reg-param and --alpha must be >= 0 and --iterations >= 1")
    return a


def main():
    a = parse_args()
    try:
        files = live_files(a.ratings)
    except DeltaLogError as e:
        fail("train", str(e))
    if os.path.isdir(a.out) and os.listdir(a.out):
        fail("train", f"{a.out} exists and is not empty; give a new folder")

    try:
        from pyspark.ml.recommendation import ALS
    except ModuleNotFoundError as e:  # pyspark.ml needs numpy, which the pyspark wheel does not pull in
        fail("train", f"{e.name} is missing for pyspark.ml (pip install numpy in the Python that runs spark-submit)")
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    spark = SparkSession.builder.appName("reel-train").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    say("train", f"connected to {spark.sparkContext.master}, {len(files)} ratings file(s)")
    started = time.monotonic()
    ratings = (spark.read.parquet(*files)
               .select(F.col("userId").cast("int"), F.col("movieId").cast("int"), F.col("rating").cast("float")))
    if a.partitions > 0:
        ratings = ratings.repartition(a.partitions)
    ratings = ratings.cache()
    count = ratings.count()
    if count == 0:
        fail("train", f"{a.ratings} holds no ratings")
    say("train", f"{count} ratings loaded")

    als = ALS(rank=a.rank, maxIter=a.iterations, regParam=a.reg_param, alpha=a.alpha, implicitPrefs=True,
              userCol="userId", itemCol="movieId", ratingCol="rating", seed=a.seed,
              nonnegative=False, coldStartStrategy="drop")
    if a.partitions > 0:
        als = als.setNumUserBlocks(a.partitions).setNumItemBlocks(a.partitions)
    model = als.fit(ratings)
    trained = time.monotonic()
    say("train", f"ALS rank {a.rank}, {a.iterations} iterations in {trained - started:.1f}s")

    def flat(df):
        return df.select(F.col("id").cast("int").alias("id"),
                         *[F.col("features")[i].cast("float").alias(f"f{i}") for i in range(a.rank)])

    counts = {}
    for name, df in (("users", model.userFactors), ("movies", model.itemFactors)):
        path = os.path.join(a.out, name)
        flat(df).orderBy("id").write.option("compression", "zstd").mode("overwrite").parquet(path)
        counts[name] = spark.read.parquet(path).count()
        say("train", f"wrote {counts[name]} {name[:-1]} factor rows to {path}")
    spark.stop()
    record = {"engine": "spark", "rank": a.rank, "regParam": a.reg_param, "alpha": a.alpha,
              "iterations": a.iterations, "seed": a.seed, "ratings": count, "users": counts["users"],
              "movies": counts["movies"], "trainSeconds": round(trained - started, 3),
              "totalSeconds": round(time.monotonic() - started, 3)}
    with open(os.path.join(a.out, "factors.json"), "w", encoding="utf-8") as f:
        json.dump(record, f, indent=2)
        f.write("\n")
    say("train", "done")


if __name__ == "__main__":
    main()
