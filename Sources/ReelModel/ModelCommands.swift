import ReelCore
import ReelSilver

/// `reel train` as a library call: silver → ALS → model run folder.
public enum ModelTraining {
    /// Trains on the current silver version and saves the run (ModelStore).
    /// `warmStart` starts from the latest model (a warning, then a cold
    /// start, when there is none); `warmStartFrom` from a given factors file.
    @discardableResult
    public static func run(home: ReelHome, params: ALSParams, warmStart: Bool, warmStartFrom: String?) throws -> TrainRecord {
        try params.validate()
        return try run(
            home: home, silver: try SilverSnapshot.open(home: home), params: params,
            warmStart: warmStart, warmStartFrom: warmStartFrom)
    }

    /// The same on an already opened silver snapshot (the nightly job, tests).
    @discardableResult
    public static func run(
        home: ReelHome, silver: SilverSnapshot, params: ALSParams,
        warmStart: Bool, warmStartFrom: String?
    ) throws -> TrainRecord {
        try params.validate()
        var previous: ModelFactors?
        var source: String?
        if let path = warmStartFrom {
            previous = try ModelFactors.read(path: path)
            source = path
        } else if warmStart {
            if let dir = ModelStore.latestFolder(home: home) {
                source = Path.join(dir, ModelStore.factorsFile)
                previous = try ModelFactors.read(path: source!)
            } else {
                Console.warn("train", "--warm-start: no previous model under \(home.models); training from the seed")
            }
        }
        let r = silver.ratings
        Console.info(
            "train",
            "\(params.mode.rawValue) ALS, rank \(params.rank), λ \(params.lambda)\(params.mode == .implicit ? ", α \(params.alpha)" : "")\(params.transformsRatings ? ", confidence \(params.confidence.rawValue)" + (params.recencyHalfLifeDays > 0 ? ", recency half-life \(params.recencyHalfLifeDays) d" : "") : ""), \(params.iterations) iterations, \(params.solver.rawValue), \(params.threads) threads on \(Console.count(r.ratingCount)) ratings (\(Console.count(r.userCount)) users × \(Console.count(r.movieCount)) movies), silver \(silver.versionID)"
        )
        var factors = try ALS.train(r, params: params, warmStart: previous)
        let record0 = try JSONText.decode(ALSRecord.self, from: factors.metadataJSON)
        let now = Clock.now()
        let record = TrainRecord(
            runID: Clock.runID(), createdAt: Clock.iso8601(now), silverVersion: silver.versionID,
            silverFingerprint: String(silver.fingerprint, radix: 16),
            params: params, iterations: record0.iterations, trainSeconds: record0.trainSeconds,
            users: r.userCount, movies: r.movieCount, ratings: r.ratingCount, warmStartFrom: source)
        factors.metadataJSON = JSONText.encode(record)
        let dir = try ModelStore.save(factors, record: record, home: home)
        Console.info("train", "saved \(dir) in \(Console.duration(record.trainSeconds)) of iterations; output/models/latest → \(record.runID)")
        return record
    }
}

/// `reel evaluate` as a library call: silver → split → report, saved.
public enum ModelEvaluation {
    public static func run(home: ReelHome, params: EvaluationParams, exportSplit: String?, bothProtocols: Bool = false) throws -> EvaluationReport {
        try params.validate()
        return try run(
            home: home, silver: try SilverSnapshot.open(home: home), params: params, exportSplit: exportSplit,
            bothProtocols: bothProtocols)
    }

    /// The same on an already opened silver snapshot (the nightly job, tests).
    public static func run(
        home: ReelHome, silver: SilverSnapshot, params: EvaluationParams,
        exportSplit: String?, bothProtocols: Bool = false
    ) throws -> EvaluationReport {
        try params.validate()
        if let dir = exportSplit {
            let split = try EvaluationSplit.make(silver.ratings, params: params)
            try split.export(to: dir, params: params)
            Console.info(
                "evaluate",
                "split written to \(dir) (\(Console.count(split.train.ratingCount)) train, \(Console.count(split.testCount)) test ratings)")
        }
        let report =
            bothProtocols
            ? try Evaluation.runBoth(ratings: silver.ratings, movies: silver.movies, params: params)
            : try Evaluation.run(ratings: silver.ratings, movies: silver.movies, params: params)
        let path = try ModelStore.saveEvaluation(report, home: home)
        Console.info("evaluate", "report written to \(path)")
        return report
    }
}
