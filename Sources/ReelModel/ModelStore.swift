import ReelCore

/// What `reel train` records next to the factors in `model.json`.
public struct TrainRecord: Sendable, Codable, Equatable {
    public var runID: String
    public var createdAt: String
    /// The silver version and fingerprint the model was trained on.
    public var silverVersion: String
    public var silverFingerprint: String
    public var params: ALSParams
    public var iterations: [ALSIteration]
    public var trainSeconds: Double
    public var users: Int
    public var movies: Int
    public var ratings: Int
    /// The factors file the warm start came from, if any.
    public var warmStartFrom: String?
    /// The engine that trained the factors: nil or "reel" for `ALS.train`,
    /// "spark" for pipeline/spark/train.py, "import" for `reel import factors`.
    public var engine: String?
    /// The factor table the factors were imported from (engine spark or import).
    public var importedFrom: String?

    public init(
        runID: String, createdAt: String, silverVersion: String, silverFingerprint: String,
        params: ALSParams, iterations: [ALSIteration], trainSeconds: Double,
        users: Int, movies: Int, ratings: Int, warmStartFrom: String?,
        engine: String? = nil, importedFrom: String? = nil
    ) {
        self.runID = runID
        self.createdAt = createdAt
        self.silverVersion = silverVersion
        self.silverFingerprint = silverFingerprint
        self.params = params
        self.iterations = iterations
        self.trainSeconds = trainSeconds
        self.users = users
        self.movies = movies
        self.ratings = ratings
        self.warmStartFrom = warmStartFrom
        self.engine = engine
        self.importedFrom = importedFrom
    }
}

/// The models folder of a Reel home: `output/models/<run-id>/` holding
/// `model.factors`, `model.json` and, after `reel evaluate`,
/// `evaluation.json`; `output/models/latest` points at the newest good run.
public enum ModelStore {
    public static let factorsFile = "model.factors"
    public static let recordFile = "model.json"
    public static let evaluationFile = "evaluation.json"

    public static func folder(home: ReelHome, runID: String) -> String { Path.join(home.models, runID) }

    /// Writes the factors and the record (each atomically, factors verified
    /// before rename), then switches `latest` to the run. A crash before the
    /// switch leaves `latest` on the previous model.
    @discardableResult
    public static func save(_ factors: ModelFactors, record: TrainRecord, home: ReelHome) throws -> String {
        let dir = folder(home: home, runID: record.runID)
        try FileSystem.createDirectory(dir)
        try factors.write(to: Path.join(dir, factorsFile))
        try FileSystem.writeAtomically(Path.join(dir, recordFile), text: JSONText.encode(record) + "\n")
        try FileSystem.replaceSymlink(home.latestModel, target: record.runID)
        return dir
    }

    /// The folder `latest` points at, or nil before the first `reel train`.
    public static func latestFolder(home: ReelHome) -> String? {
        FileSystem.linkedDirectory(home.latestModel)
    }

    /// The latest model's factors (fully verified).
    public static func latestFactors(home: ReelHome) throws -> ModelFactors {
        guard let dir = latestFolder(home: home) else {
            throw ReelError(.notFound, "no trained model under \(home.models): run `reel train` first")
        }
        return try ModelFactors.read(path: Path.join(dir, factorsFile))
    }

    /// The latest model's record.
    public static func latestRecord(home: ReelHome) throws -> TrainRecord? {
        guard let dir = latestFolder(home: home) else { return nil }
        let path = Path.join(dir, recordFile)
        guard FileSystem.exists(path) else { return nil }
        do {
            return try JSONText.decode(TrainRecord.self, from: try FileSystem.readText(path))
        } catch let error as ReelError {
            throw error
        } catch {
            throw ReelError(.corrupt, "\(path): not a model record (\(error))")
        }
    }

    /// Writes `evaluation.json` into the latest model's folder, or into a new
    /// run folder `output/models/<runID>/` when nothing has been trained yet
    /// (`latest` is not switched then). Returns the file's path.
    @discardableResult
    public static func saveEvaluation(_ report: EvaluationReport, home: ReelHome, runID: String? = nil) throws -> String {
        let dir: String
        if let runID {
            dir = folder(home: home, runID: runID)
        } else {
            dir = latestFolder(home: home) ?? folder(home: home, runID: Clock.runID())
        }
        try FileSystem.createDirectory(dir)
        let path = Path.join(dir, evaluationFile)
        try FileSystem.writeAtomically(path, text: report.json() + "\n")
        return path
    }
}
