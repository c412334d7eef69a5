import ReelCore
import ReelLakehouse
import ReelSilver
import ReelModel

/// `reel import factors`: turns user and movie factor tables trained by
/// another engine (Spark MLlib through pipeline/spark/train.py, or a team's
/// own job) into a normal, verified `model.factors` run, so `reel evaluate`,
/// `reel publish`, the quality gate and the run record work unchanged.
///
/// The factors are aligned to the current silver version's rows — the order
/// every later stage expects — and refused, naming the first offender, when
/// they do not fit it: a silver user or rated movie without factors, an id
/// silver does not know (factors trained on other data), a rank disagreement
/// between the two sides, NaN or infinity, duplicate ids, missing columns.
/// Movies that no one rated have no factors in Spark's output; they get zero
/// vectors, which score 0 for every user (as an untrained row would).
public enum FactorTableImport {
    /// What the import read, for the record and the log.
    public struct Source: Sendable {
        public var folder: String
        /// Parameters the producing job recorded (pipeline/spark/train.py's
        /// factors.json); nil when the folder has none.
        public var params: ALSParams?
        public var engine: String

        public init(folder: String, params: ALSParams?, engine: String) {
            self.folder = folder
            self.params = params
            self.engine = engine
        }
    }

    /// Imports `OUT/users` and `OUT/movies` from `source.folder` against the
    /// current silver version and saves the run (output/models/latest moves
    /// to it). Returns the record written.
    @discardableResult
    public static func run(home: ReelHome, source: Source, seconds: Double = 0) throws -> TrainRecord {
        try run(home: home, silver: try SilverSnapshot.open(home: home), source: source, seconds: seconds)
    }

    @discardableResult
    public static func run(home: ReelHome, silver: SilverSnapshot, source: Source, seconds: Double = 0) throws -> TrainRecord {
        let started = Clock.monotonic()
        let users = try FactorTable.read(folder: Path.join(source.folder, "users"), side: "user")
        let movies = try FactorTable.read(folder: Path.join(source.folder, "movies"), side: "movie")
        guard users.rank == movies.rank else {
            throw ReelError(.invalidInput, "\(source.folder): user factors have rank \(users.rank), movie factors \(movies.rank)")
        }
        let r = silver.ratings
        let rank = users.rank
        var factors = ModelFactors(
            rank: rank, userIDs: r.userIDs, movieIDs: r.movieIDs,
            userFactors: try align(users, to: r.userIDs, side: "user", required: { _ in true }, folder: source.folder),
            movieFactors: try align(
                movies, to: r.movieIDs, side: "movie",
                required: { r.movieOffsets[$0 + 1] > r.movieOffsets[$0] },
                folder: source.folder))
        var params =
            source.params ?? recordedParams(folder: source.folder, ratings: r.ratingCount, users: r.userCount)
            ?? ALSParams(mode: .implicit, rank: rank, threads: 0)
        params.rank = rank
        let now = Clock.now()
        let record = TrainRecord(
            runID: Clock.runID(), createdAt: Clock.iso8601(now), silverVersion: silver.versionID,
            silverFingerprint: String(silver.fingerprint, radix: 16), params: params, iterations: [],
            trainSeconds: seconds, users: r.userCount, movies: r.movieCount, ratings: r.ratingCount,
            warmStartFrom: nil, engine: source.engine, importedFrom: source.folder)
        factors.metadataJSON = JSONText.encode(record)
        let dir = try ModelStore.save(factors, record: record, home: home)
        Console.info(
            "import",
            "\(Console.count(users.ids.count)) user and \(Console.count(movies.ids.count)) movie factor rows (rank \(rank)) from \(source.folder) → \(dir) in \(Console.duration(Clock.monotonic() - started)); output/models/latest → \(record.runID)"
        )
        return record
    }

    /// The parameters pipeline/spark/train.py recorded in `folder/factors.json`
    /// (Spark's regParam converted back to Reel's λ with the silver counts), or nil.
    public static func recordedParams(folder: String, ratings: Int, users: Int) -> ALSParams? {
        struct Recorded: Decodable { var rank: Int; var regParam: Double; var alpha: Float; var iterations: Int; var seed: UInt64 }
        guard let text = try? FileSystem.readText(Path.join(folder, "factors.json")),
            let r = try? JSONText.decode(Recorded.self, from: text)
        else { return nil }
        let perUser = users > 0 ? Double(ratings) / Double(users) : 1
        return ALSParams(
            mode: .implicit, rank: r.rank, lambda: Float(r.regParam * perUser), alpha: r.alpha,
            iterations: r.iterations, seed: r.seed, threads: 0)
    }

    /// Row-major factors in the order of `ids`; rows `required` says must be
    /// present throw when absent, others are zero. Every table id must be in `ids`.
    static func align(
        _ table: FactorTable, to ids: [Int32], side: String, required: (Int) -> Bool,
        folder: String
    ) throws -> [Float] {
        var rowOf: [Int32: Int] = [:]
        rowOf.reserveCapacity(ids.count)
        for (row, id) in ids.enumerated() { rowOf[id] = row }
        let rank = table.rank
        var out = [Float](repeating: 0, count: ids.count * rank)
        var filled = [Bool](repeating: false, count: ids.count)
        for (i, id) in table.ids.enumerated() {
            guard let row = rowOf[id] else {
                throw ReelError(
                    .invalidInput,
                    "\(folder): \(side) id \(id) is not in the current silver version; the factors were trained on other data (rerun the training on lakehouse/silver/ratings)"
                )
            }
            filled[row] = true
            for k in 0..<rank { out[row * rank + k] = table.factors[i * rank + k] }
        }
        var missing: [Int32] = []
        for row in 0..<ids.count where !filled[row] && required(row) { missing.append(ids[row]) }
        guard missing.isEmpty else {
            throw ReelError(
                .invalidInput,
                "\(folder): \(missing.count) \(side)(s) of the current silver version have no factors (first: \(missing.prefix(5).map(String.init).joined(separator: ", "))); the factors were trained on other data"
            )
        }
        return out
    }
}
