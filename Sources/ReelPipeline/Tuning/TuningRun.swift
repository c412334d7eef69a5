import ReelCore
import ReelSilver
import ReelModel
import ReelSettings

/// `reel tune` as a library call (also the nightly's tune stage): search on
/// silver with the effective configuration, save the record, return it.
public enum TuningRun {
    /// Search options from the configuration: `tuning.seed`, `tuning.budget`, `tuning.min_work_gflop`, `tuning.pin`.
    public static func options(config: ReelConfig) throws -> TuningOptions {
        var o = TuningOptions()
        o.seed = UInt64(config.int(.tuningSeed))
        o.budget = try TuningBudget(parsing: config.string(.tuningBudget))
        o.minimumWork = config.double(.tuningMinWorkGFLOP) * 1e9
        o.pinned = try pinned(config)
        return o
    }

    /// Every tuned key that stays as configured (named in `tuning.pin`, or set by env, flag or a non-default file value).
    public static func pinned(_ config: ReelConfig) throws -> Set<String> {
        let named = try config.pinnedByName()
        return Set(ReelConfig.tunedKeys.map(\.key).filter { config.pinReason($0, named: named) != nil }.map(\.name))
    }

    /// Runs the search and writes `output/tuning/<id>/tuning.json`. Returns the record and its path.
    @discardableResult
    public static func run(
        home: ReelHome, silver: SilverSnapshot, config: ReelConfig,
        options: TuningOptions
    ) throws -> (record: TuningRecord, path: String) {
        guard config.string(.modelMode) == ALSParams.Mode.implicit.rawValue else {
            throw ReelError(.usage, "tuning searches implicit ALS, and model.mode is \(config.string(.modelMode)); set model.mode = \"implicit\"")
        }
        if !options.pinned.isEmpty {
            Console.info("tune", "pinned (kept as configured): " + options.pinned.sorted().joined(separator: ", "))
        }
        let record = try TuningSearch.run(
            ratings: silver.ratings, silverVersion: silver.versionID,
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
            rows.append([
                "\(t.point)\(t.point == 0 ? "*" : "")", "\(t.rung)", "\(t.iterations)", "\(t.rank)", "\(t.lambda)", "\(t.alpha)",
                t.confidence.rawValue, t.recencyHalfLifeDays > 0 ? "\(Int(t.recencyHalfLifeDays)) d" : "off",
                Console.fixed(t.ndcg, 4), Console.fixed(t.seconds, 1),
            ])
        }
        return RunReport.align(rows)
    }

    /// Validation curves: for each knob and value, the best and mean NDCG@10
    /// of the first-rung trials that used it (every sampled point has one, so
    /// the comparison is at equal iterations).
    public static func curves(_ record: TuningRecord) -> String {
        let first = record.trials.filter { $0.rung == 0 }
        guard !first.isEmpty else { return "" }
        var rows = [["KNOB", "VALUE", "TRIALS", "BEST NDCG@10", "MEAN NDCG@10"]]
        let knobs: [(String, (TuningTrial) -> String)] = [
            ("rank", { "\($0.rank)" }), ("lambda", { "\($0.lambda)" }), ("alpha", { "\($0.alpha)" }),
            ("confidence", { $0.confidence.rawValue }),
            ("half-life", { $0.recencyHalfLifeDays > 0 ? "\(Int($0.recencyHalfLifeDays)) d" : "off" }),
        ]
        for (name, value) in knobs {
            var groups: [String: [Double]] = [:]
            var order: [String] = []
            for t in first {
                let v = value(t)
                if groups[v] == nil { order.append(v) }
                groups[v, default: []].append(t.ndcg)
            }
            for v in order.sorted(by: { (Double($0.split(separator: " ")[0]) ?? 0, $0) < (Double($1.split(separator: " ")[0]) ?? 0, $1) }) {
                let xs = groups[v]!
                rows.append([name, v, "\(xs.count)", Console.fixed(xs.max()!, 4), Console.fixed(xs.reduce(0, +) / Double(xs.count), 4)])
            }
        }
        return RunReport.align(rows)
    }
}
