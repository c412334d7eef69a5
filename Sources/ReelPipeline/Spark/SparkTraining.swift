import Foundation
import ReelCore
import ReelLakehouse
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
            throw ReelError(.usage, "--engine spark trains implicit ALS only (Spark MLlib's explicit ALS is not wired); use --mode implicit or --engine reel")
        }
        let job = home.path("pipeline", "spark", "train.py")
        guard FileSystem.exists(job) else {
            throw ReelError(.notFound, "\(job) is missing; this home has no Spark jobs (copy pipeline/spark/ from the Reel checkout)")
        }
        let table = Path.join(home.silver, "ratings")
        guard FileSystem.isDirectory(Path.join(table, "_delta_log")) else {
            throw ReelError(.notFound, "\(table) is not a Delta table; run `reel etl` first")
        }
        let submit = try resolveExecutable(settings.sparkSubmit)
        if let (host, port) = settings.standaloneAddress, !TCPProbe.accepts(host: host, port: port, timeout: 3) {
            throw ReelError(.io, "the Spark master \(settings.master) is not reachable (nothing accepts connections at \(host):\(port)); start it (pipeline/spark/local-cluster.sh start) or set engine.master")
        }
        let runID = Clock.runID()
        let out = Path.join(home.output, "spark", runID)
        try FileSystem.createDirectory(Path.parent(out))
        let reg = regParam(lambda: params.lambda, ratings: silver.ratings.ratingCount, users: silver.ratings.userCount)
        let arguments = ["--master", settings.master, "--executor-memory", settings.executorMemory,
                         "--conf", "spark.ui.enabled=false", job,
                         "--ratings", table, "--out", out, "--rank", String(params.rank),
                         "--reg-param", String(reg), "--alpha", String(params.alpha),
                         "--iterations", String(params.iterations), "--seed", String(params.seed % UInt64(Int32.max))]
        Console.info("train", "spark: submitting \(job) to \(settings.master) (rank \(params.rank), λ \(params.lambda) → regParam \(String(format: "%.4g", reg)), α \(params.alpha), \(params.iterations) iterations)")
        let started = Clock.monotonic()
        let log = out + ".log"
        try submitJob(submit, arguments: arguments, log: log)
        let seconds = Clock.monotonic() - started
        Console.info("train", "spark: job finished in \(Console.duration(seconds)); importing \(out)")
        var recorded = params
        recorded.threads = 0
        let record = try FactorTableImport.run(home: home, silver: silver,
                                               source: .init(folder: out, params: recorded, engine: "spark"),
                                               seconds: seconds)
        try? FileSystem.removeTree(out)
        return record
    }

    /// A name on PATH or a path, as an absolute executable path.
    static func resolveExecutable(_ name: String) throws -> String {
        if name.contains("/") {
            guard access(name, X_OK) == 0 else {
                throw ReelError(.notFound, "spark-submit not found at \(name) (engine.spark_submit); install pyspark (pip install pyspark) and Java")
            }
            return name
        }
        for dir in (ProcessEnvironment.all()["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = Path.join(String(dir), name)
            if access(candidate, X_OK) == 0 { return candidate }
        }
        throw ReelError(.notFound, "\(name) is not on PATH (engine.spark_submit); install pyspark (pip install pyspark) and Java, or give its path")
    }

    /// Runs spark-submit, forwarding `reel-spark:` lines from its output to
    /// the log and keeping everything in `log`; throws with the job's own
    /// error line (or the log's tail) when it exits non-zero.
    static func submitJob(_ executable: String, arguments: [String], log: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        // A spark-submit inside a virtualenv runs the job with that venv's Python.
        let venvPython = Path.join(Path.parent(executable), "python")
        if environment["PYSPARK_PYTHON"] == nil, FileSystem.exists(venvPython) {
            environment["PYSPARK_PYTHON"] = venvPython
            environment["PYSPARK_DRIVER_PYTHON"] = venvPython
        }
        p.environment = environment
        guard FileManager.default.createFile(atPath: log, contents: nil), let logHandle = FileHandle(forWritingAtPath: log) else {
            throw ReelError(.io, "cannot create \(log)")
        }
        defer { try? logHandle.close() }
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        do { try p.run() } catch {
            throw ReelError(.io, "cannot run \(executable): \(error.localizedDescription)")
        }
        var lastError: String?
        var tail: [String] = []
        var pending = Data()
        let reader = pipe.fileHandleForReading
        while true {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            logHandle.write(chunk)
            pending.append(chunk)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                if line.hasPrefix("reel-spark: ") {
                    let text = String(line.dropFirst("reel-spark: ".count))
                    if text.contains(": error: ") { lastError = text } else { Console.info("train", "spark: \(text)") }
                }
                tail.append(line)
                if tail.count > 8 { tail.removeFirst() }
            }
        }
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            let cause = lastError ?? tail.filter { !$0.isEmpty }.suffix(4).joined(separator: " | ")
            throw ReelError(.io, "the Spark job failed (exit \(p.terminationStatus)): \(cause) — full log: \(log)")
        }
    }
}
