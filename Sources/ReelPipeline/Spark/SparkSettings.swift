import ReelCore

/// Where and how `reel train --engine spark` submits its job
/// (`[engine]` in pipeline/reel.toml).
public struct SparkSettings: Sendable, Equatable {
    /// `spark://host:port` of a standalone master, `yarn`, `k8s://…`, or
    /// `local[N]` to run inside the driver without a cluster.
    public var master: String
    /// The `spark-submit` to run: a path, or a name looked up on PATH.
    public var sparkSubmit: String
    public var executorMemory: String

    public init(master: String = "local[2]", sparkSubmit: String = "spark-submit", executorMemory: String = "2g") {
        self.master = master
        self.sparkSubmit = sparkSubmit
        self.executorMemory = executorMemory
    }

    /// The standalone master's host and port, or nil for other masters.
    var standaloneAddress: (host: String, port: Int)? {
        guard master.hasPrefix("spark://") else { return nil }
        let rest = master.dropFirst("spark://".count).split(separator: ",").first.map(String.init) ?? ""
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]) else {
            return (rest, 7077)
        }
        return (String(rest[..<colon]), port)
    }
}

/// Which engine trains the model: Reel's own ALS, or Spark MLlib's with the
/// factors imported back (docs/scaling.md).
public enum TrainingEngine: String, Sendable, CaseIterable {
    case reel, spark
}
