import ReelCore
import ReelLakehouse
import ReelModel

/// `reel tune` as a library call (also the nightly's tune stage): search on
/// silver with the effective configuration, save the record, return it.
public enum TuningRun {
    /// Search options from the configuration: `tuning.seed`, `tuning.budget`, `tuning.pin`.
    public static func options(config: ReelConfig) throws -> TuningOptions {
        var o = TuningOptions()
        o.seed = UInt64(config.int("tuning.seed"))
        o.budget = try TuningBudget(parsing: config.string("tuning.budget"))
        o.pinned = try pinned(config)
        return o
    }

    /// Every tuned key that stays as configured (named in `tuning.pin`, or set by env, flag or a non-default file value).
    public static func pinned(_ config: ReelConfig) throws -> Set<String> {
        let named = try config.pinnedByName()
        return Set(ReelConfig.tunedKeys.map(\.key).filter { config.pinReason($0, named: named) != nil })
    }

    /// Runs the search and writes `output/tuning/<id>/tuning.json`. Returns the record and its path.
    @discardableResult
    public static func run(home: ReelHome, silver: SilverSnapshot, config: ReelConfig,
                           options: TuningOptions) throws -> (record: TuningRecord, path: String) {
        guard config.string("model.mode") == ALSParams.Mode.implicit.rawValue else {
            throw ReelError(.usage, "tuning searches implicit ALS, and model.mode is \(config.string("model.mode")); set model.mode = \"implicit\"")
        }
        if !options.pinned.isEmpty {
            Console.info("tune", "pinned (kept as configured): " + options.pinned.sorted().joined(separator: ", "))
        }
        let record = try TuningSearch.run(ratings: silver.ratings, silverVersion: silver.versionID,
                                          base: config.alsParams(mode: .implicit), evaluation: config.evaluationParams(),
                                          options: options)
        let path = try TuningStore.save(record, home: home)
        Console.info("tune", "record written to \(path)")
        return (record, path)
    }

    /// The trials as an aligned text table (best NDCG@10 first within each rung).
    public static func table(_ record: TuningRecord) -> String {
        var rows = [["POINT", "RUNG", "ITER", "RANK", "LAMBDA", "ALPHA", "CONFIDENCE", "HALF-LIFE", "NDCG@10", "SECONDS"]]
        for t in record.trials {
            rows.append(["\(t.point)\(t.point == 0 ? "*" : "")", "\(t.rung)", "\(t.iterations)", "\(t.rank)", "\(t.lambda)", "\(t.alpha)",
                         t.confidence.rawValue, t.recencyHalfLifeDays > 0 ? "\(Int(t.recencyHalfLifeDays)) d" : "off",
                         Console.fixed(t.ndcg, 4), Console.fixed(t.seconds, 1)])
        }
        return RunReport.align(rows)
    }
}
