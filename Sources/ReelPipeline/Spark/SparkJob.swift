import Foundation
import ReelCore

/// Submitting one of pipeline/spark/'s jobs: finding spark-submit, failing
/// fast (by name) when a standalone master is down, streaming the job's
/// `reel-spark:` progress lines into Reel's log, and turning a failed job
/// into an error that quotes the job's own message and names its log.
/// Shared by `reel train --engine spark` and `reel etl --engine spark`.
enum SparkJob {
    /// spark-submit's path, once the master is known to accept connections.
    static func submitter(_ settings: SparkSettings) throws -> String {
        let submit = try resolveExecutable(settings.sparkSubmit)
        if let (host, port) = settings.standaloneAddress, !TCPProbe.accepts(host: host, port: port, timeout: 3) {
            throw ReelError(
                .io,
                "the Spark master \(settings.master) is not reachable (nothing accepts connections at \(host):\(port)); start it (pipeline/spark/local-cluster.sh start) or set engine.master"
            )
        }
        return submit
    }

    /// A name on PATH or a path, as an absolute executable path (absolute, because
    /// the venv's Python beside it becomes the executors' PYSPARK_PYTHON, which they
    /// start from their own working directory).
    static func resolveExecutable(_ name: String) throws -> String {
        if name.contains("/") {
            guard access(name, X_OK) == 0 else {
                throw ReelError(.notFound, "spark-submit not found at \(name) (engine.spark_submit); install pyspark (pip install pyspark) and Java")
            }
            return name.hasPrefix("/") ? name : Path.join(FileManager.default.currentDirectoryPath, name)
        }
        for dir in (ProcessEnvironment.all()["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = Path.join(String(dir), name)
            if access(candidate, X_OK) == 0 { return candidate }
        }
        throw ReelError(.notFound, "\(name) is not on PATH (engine.spark_submit); install pyspark (pip install pyspark) and Java, or give its path")
    }

    /// Runs spark-submit, forwarding `reel-spark:` lines from its output to
    /// the log (as `stage`) and keeping everything in `log`; throws with the
    /// job's own error line (or the log's tail) when it exits non-zero.
    static func run(_ executable: String, arguments: [String], log: String, stage: String) throws {
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
                    if text.contains(": error: ") { lastError = text } else { Console.info(stage, "spark: \(text)") }
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
