import Foundation
import ReelCore
import ReelSilver
import ReelModel

/// `reel train --engine spark`: submits pipeline/spark/train.py (implicit ALS
/// in Spark MLlib) on the silver ratings Delta table, streams the job's
/// `reel-spark:` progress lines into Reel's log, waits, then imports the
/// factor table (`FactorTableImport`) so every later stage runs unchanged.
///
/// Failures — spark-submit missing, the master unreachable, the job failing
/// mid-way, factors that do not fit silver — throw a `ReelError` naming the
/// cause and the job's log; `output/models/latest` and the served release are
/// untouched then. The job's output folder is removed after a successful
/// import (the verified model.factors holds everything in it) and kept for
/// inspection after a failure.
public enum SparkTraining {
    /// Spark scales regularisation by each row's rating count (ALS-WR) in
    /// implicit mode too; Reel's implicit λ is unscaled. Dividing by the mean
    /// ratings per user penalises an average user alike in both engines.
    public static func regParam(lambda: Float, ratings: Int, users: Int) -> Double {
        guard ratings > 0, users > 0 else { return Double(lambda) }
        return Double(lambda) / (Double(ratings) / Double(users))
    }

    @discardableResult
    public static func run(home: ReelHome, silver: SilverSnapshot, params: ALSParams, settings: SparkSettings) throws -> TrainRecord {
        guard params.mode == .implicit else {
            throw ReelError(
                .usage, "--engine spark trains implicit ALS only (Spark MLlib's explicit ALS is not wired); use --mode implicit or --engine reel")
        }
        let job = home.path("pipeline", "spark", "train.py")
        guard FileSystem.exists(job) else {
            throw ReelError(.notFound, "\(job) is missing; this home has no Spark jobs (copy pipeline/spark/ from the Reel checkout)")
        }
        let table = Path.join(home.silver, "ratings")
        guard FileSystem.isDirectory(Path.join(table, "_delta_log")) else {
            throw ReelError(.notFound, "\(table) is not a Delta table; run `reel etl` first")
        }
        let submit = try SparkJob.submitter(settings)
        let runID = Clock.runID()
        let out = Path.join(home.output, "spark", runID)
        try FileSystem.createDirectory(Path.parent(out))
        let reg = regParam(lambda: params.lambda, ratings: silver.ratings.ratingCount, users: silver.ratings.userCount)
        let arguments = [
            "--master", settings.master, "--executor-memory", settings.executorMemory,
            "--conf", "spark.ui.enabled=false", job,
            "--ratings", table, "--out", out, "--rank", String(params.rank),
            "--reg-param", String(reg), "--alpha", String(params.alpha),
            "--iterations", String(params.iterations), "--seed", String(params.seed % UInt64(Int32.max)),
        ]
        Console.info(
            "train",
            "spark: submitting \(job) to \(settings.master) (rank \(params.rank), λ \(params.lambda) → regParam \(String(format: "%.4g", reg)), α \(params.alpha), \(params.iterations) iterations)"
        )
        let started = Clock.monotonic()
        let log = out + ".log"
        try SparkJob.run(submit, arguments: arguments, log: log, stage: "train")
        let seconds = Clock.monotonic() - started
        Console.info("train", "spark: job finished in \(Console.duration(seconds)); importing \(out)")
        var recorded = params
        recorded.threads = 0
        let record = try FactorTableImport.run(
            home: home, silver: silver,
            source: .init(folder: out, params: recorded, engine: "spark"),
            seconds: seconds)
        try? FileSystem.removeTree(out)
        return record
    }
}
