import ReelCore
import ReelSilver

/// Options of one search (`reel tune`, the nightly's tune stage).
public struct TuningOptions: Sendable {
    /// Decides the sampled points; with a `multiple` budget the whole search
    /// (points, trials, scores, choice) is a function of the data and the seed.
    public var seed: UInt64 = 42
    public var budget: TuningBudget = .multiple(3)
    /// A floor under a `multiple` budget, in estimated floating-point operations
    /// (`WorkModel`; `tuning.min_work_gflop`). Three training runs of a small
    /// data set are a few seconds, too little to try more than the configured
    /// point and two neighbours, while a minute of search is cheap there; at
    /// ml-25m scale the multiple is the larger and rules. Counted in work, not
    /// seconds, so the search stays deterministic. 0 (the library default): no floor.
    public var minimumWork = 0.0
    /// Below this many validation users the time split gives way to the per-user split.
    public var minimumUsers = 500
    /// Successive-halving factor: a third of each rung goes on to the next.
    public var eta = 3
    /// Upper bound on sampled points (the budget usually stops earlier).
    public var maxPoints = 81
    /// Setting keys the search must hold at their configured values (`tuning.pin`).
    public var pinned: Set<String> = []

    public init() {}
}

/// Successive halving over the implicit-ALS hyper-parameters
/// (docs/model.md, "Tuning").
///
/// Iterations are the resource. Rung 0 trains every planned point for a
/// quarter of the configured iterations and scores NDCG@k on the validation
/// users; the best third goes on to half the iterations, the best third of
/// those to the full count, each continuing from its previous factors (a warm
/// start of ALS is exactly more iterations). The configured parameters always
/// run to their configured iterations, so the record says what tuning gained
/// over them on the same validation data. The chosen trial is the best
/// NDCG@k of any rung, so the iteration count is chosen too.
public enum TuningSearch {
    public static func run(
        ratings: SilverRatings, silverVersion: String, base configured: ALSParams,
        evaluation: EvaluationParams, options: TuningOptions
    ) throws -> TuningRecord {
        let started = Clock.monotonic()
        var base = configured
        base.mode = .implicit
        base.solver = .cg
        try base.validate()
        let validation = try ValidationSet.make(ratings: ratings, params: evaluation, minimumUsers: options.minimumUsers)
        Console.info(
            "tune",
            "validation (\(validation.rule)) at \(Clock.iso8601(validation.cutTime)): \(Console.count(validation.train.ratingCount)) training ratings, \(Console.count(validation.userCount)) users"
                + (validation.note.map { "; \($0)" } ?? ""))

        let rungs = Self.rungs(iterations: base.iterations)
        let work = WorkModel(cgSteps: base.cgSteps)
        let rows = ratings.userCount + ratings.movieCount
        let reference = Double(base.iterations) * work.iteration(rank: base.rank, ratings: ratings.ratingCount, rows: rows)
        let positives = validation.train.userRatings.reduce(0) { $0 + ($1 >= ALSParams.positiveThreshold ? 1 : 0) }
        func cost(_ p: TuningPoint, iterations: Int) -> Double {
            let n = p.confidence == .positive ? positives : validation.train.ratingCount
            return
                (Double(iterations) * work.iteration(rank: p.rank, ratings: n, rows: rows)
                + work.scoring(rank: p.rank, users: validation.userCount, movies: ratings.movieCount)) / max(reference, 1)
        }

        let points = TuningSpace.sample(count: options.maxPoints, seed: options.seed, first: TuningPoint(base), pinned: options.pinned)
        // The multiple, raised to the work floor where one training run is cheap.
        var budgetText = options.budget.description
        var budget = options.budget
        if case .multiple(let m) = options.budget, options.minimumWork / max(reference, 1) > m {
            budget = .multiple(options.minimumWork / max(reference, 1))
            budgetText += " raised to \(budget.description) by the \(Console.fixed(options.minimumWork / 1e9, 0)) GFLOP floor"
            Console.info("tune", "budget \(budgetText) (one training run is \(Console.fixed(reference / 1e9, 1)) GFLOP here)")
        }
        let planned: Int
        switch budget {
        case .multiple(let m): planned = plan(points: points, rungs: rungs, eta: options.eta, budget: m, cost: cost)
        case .seconds: planned = points.count
        }
        // Seconds per unit of work, measured as trials run (the `seconds` budget only).
        var used = 0.0, secondsPerWork = 0.0
        func affordable(_ w: Double, reserve: Double) -> Bool {
            switch budget {
            case .multiple(let m): return used + w + reserve <= m + 1e-9
            case .seconds(let s): return Clock.monotonic() - started + (w + reserve) * secondsPerWork <= s
            }
        }
        // What the configured point needs after rung `r` to reach its configured iterations.
        func baselineAfter(_ r: Int) -> Double {
            (r + 1..<rungs.count).reduce(0.0) { $0 + cost(points[0], iterations: rungs[$1] - rungs[$1 - 1]) }
        }

        var trials: [TuningTrial] = []
        var models: [Int: ModelFactors] = [:]
        var note: String?
        // The configured point runs first in every rung, so the reserve for it is only its later rungs.
        var alive = Array(0..<planned)
        for (r, iterations) in rungs.enumerated() {
            let previous = r == 0 ? 0 : rungs[r - 1]
            var scored: [(point: Int, ndcg: Double)] = []
            for i in alive {
                let w = cost(points[i], iterations: iterations - previous)
                // Rung 0 of a work budget is planned to fit; past it, each trial must leave room for the configured point.
                let inPlan = r == 0 && Self.isMultiple(budget)
                // The configured point's first trial always runs, so even a tiny budget records one.
                let fits = i == 0 ? (r == 0 || affordable(w, reserve: 0)) : (inPlan || affordable(w, reserve: baselineAfter(r)))
                if !fits {
                    note = note ?? "the budget ran out at rung \(r) (\(iterations) iterations); the remaining points of that rung were not trained"
                    continue
                }
                let t0 = Clock.monotonic()
                let params = points[i].params(base, iterations: iterations - previous)
                let model = try ALS.train(validation.train, params: params, warmStart: models[i], log: { _ in })
                let ndcg = validation.ndcg(model, threads: base.threads)
                let seconds = Clock.monotonic() - t0
                used += w
                if used > 0 { secondsPerWork = (Clock.monotonic() - started) / used }
                models[i] = model
                scored.append((i, ndcg))
                let p = points[i]
                trials.append(
                    TuningTrial(
                        point: i, rung: r, rank: p.rank, lambda: p.lambda, alpha: p.alpha, confidence: p.confidence,
                        recencyHalfLifeDays: p.recencyHalfLifeDays, iterations: iterations, ndcg: ndcg,
                        seconds: seconds, work: w))
                Console.info(
                    "tune",
                    "point \(i)\(i == 0 ? " (configured)" : ""), rung \(r), \(iterations) iterations: \(p.summary): NDCG@\(validation.k) \(Console.fixed(ndcg, 4)) in \(Console.duration(seconds))"
                )
            }
            guard r + 1 < rungs.count else { break }
            // The best third (ties: the earlier point) goes on, and the configured point always does.
            let ranked = scored.sorted { $0.ndcg != $1.ndcg ? $0.ndcg > $1.ndcg : $0.point < $1.point }.map(\.point)
            var next = Array(ranked.prefix((ranked.count + options.eta - 1) / options.eta)).filter { $0 != 0 }
            if scored.contains(where: { $0.point == 0 }) { next.insert(0, at: 0) }
            for i in models.keys where !next.contains(i) { models[i] = nil }
            alive = next
        }

        let baselineFull = trials.last { $0.point == 0 && $0.iterations == base.iterations }
        var chosen: TuningTrial
        if let baselineFull {
            chosen = baselineFull
            let iterationsPinned = options.pinned.contains("model.implicit_iterations")
            for t in trials where !iterationsPinned || t.iterations == base.iterations {
                if t.ndcg > chosen.ndcg || (t.ndcg == chosen.ndcg && t.work < chosen.work) { chosen = t }
            }
        } else {
            // Too small a budget to compare with the configured parameters: keep them.
            note = "the budget did not cover the configured parameters at their \(base.iterations) iterations; the configured settings are kept"
            var keep = trials[0]
            keep.iterations = base.iterations
            chosen = keep
        }
        let now = Clock.now()
        let record = TuningRecord(
            tuningID: Clock.runID(), createdAt: Clock.iso8601(now), createdAtSeconds: now,
            silverVersion: silverVersion, silverRatings: ratings.ratingCount, seed: options.seed,
            budget: budgetText, workUsed: used, seconds: Clock.monotonic() - started, rungs: rungs,
            validation: TuningValidation(
                rule: validation.rule, cut: Clock.iso8601(validation.cutTime),
                trainRatings: validation.train.ratingCount, users: validation.userCount,
                relevantRatings: validation.validationRatings, note: validation.note),
            baselineNDCG: baselineFull?.ndcg ?? 0, chosen: TunedParams(chosen), chosenNDCG: baselineFull == nil ? 0 : chosen.ndcg,
            trials: trials, note: note)
        Console.info(
            "tune",
            "chose \(record.chosen.summary): validation NDCG@\(validation.k) \(Console.fixed(record.chosenNDCG, 4)) (configured \(Console.fixed(record.baselineNDCG, 4))); \(trials.count) trials, work \(Console.fixed(used, 2))x a training run, \(Console.duration(record.seconds))"
        )
        return record
    }

    static func isMultiple(_ b: TuningBudget) -> Bool {
        if case .multiple = b { return true }
        return false
    }

    /// Rung iteration counts: a quarter, a half and all of `iterations` (distinct, ascending).
    public static func rungs(iterations: Int) -> [Int] {
        var out: [Int] = []
        for r in [max(1, (iterations + 3) / 4), max(1, (iterations + 1) / 2), iterations] where !out.contains(r) { out.append(r) }
        return out
    }

    /// The largest number of points (≥ 1) whose planned search fits `budget`.
    ///
    /// Rung 0 trains every point; each later rung trains the best third of the
    /// previous one plus the configured point when it is not among them (the
    /// worst case: `min(alive, ⌈alive / eta⌉ + 1)` points, the configured one
    /// counted once), the others at their mean cost (an earlier plan counted the
    /// configured point again on top of a third that already held it: a lone
    /// point was planned at nearly twice its cost; docs/model.md, section 13).
    static func plan(
        points: [TuningPoint], rungs: [Int], eta: Int, budget: Double,
        cost: (TuningPoint, Int) -> Double
    ) -> Int {
        func total(_ n: Int) -> Double {
            var sum = (0..<n).reduce(0.0) { $0 + cost(points[$1], rungs[0]) }
            var alive = n
            for r in rungs.indices.dropFirst() {
                alive = min(alive, (alive + eta - 1) / eta + 1)
                let step = rungs[r] - rungs[r - 1]
                let others = n > 1 ? (1..<n).reduce(0.0) { $0 + cost(points[$1], step) } / Double(n - 1) : 0
                sum += cost(points[0], step) + Double(alive - 1) * others
            }
            return sum
        }
        var n = 1
        while n < points.count && total(n + 1) <= budget { n += 1 }
        return n
    }
}
