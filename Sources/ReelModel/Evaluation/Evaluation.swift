import ReelCore
import ReelSilver

/// Honest offline evaluation on one split: the candidates a release can serve
/// (the model's own order, blends with trending popularity, the baselines
/// `popular` and `trending-24h|7d|30d`), the served one chosen on a validation
/// split carved from the training data (`CandidateSelection`), every mode
/// scored on the test split with paired 95% CIs against every baseline.
/// Definitions in docs/model.md.
public enum Evaluation {
    public static func run(ratings: SilverRatings, movies: SilverMovies, params: EvaluationParams) throws -> EvaluationReport {
        try params.validate()
        guard movies.count == ratings.movieCount else {
            throw ReelError(.invalidInput, "silver movies has \(movies.count) rows but ratings has \(ratings.movieCount) movie rows")
        }
        let split = try EvaluationSplit.make(ratings, params: params)
        let train = split.train
        let users = EvaluationUsers(split: split, relevantThreshold: params.relevantThreshold)
        guard users.count > 0 else {
            throw ReelError(
                .invalidInput,
                "no user has a relevant test rating (≥ \(params.relevantThreshold)) after the split; evaluation needs more data or another --fraction"
            )
        }
        let k = params.k

        // 1. What to serve, chosen on validation (never on test).
        var start = Clock.monotonic()
        let selection = try CandidateSelection.choose(train: train, genres: movies.genres, params: params)
        let chosen = selection.choice.chosen
        let selectionSeconds = Clock.monotonic() - start

        // 2. The test split: the served candidate, the model's order and every baseline.
        var results: [ModeResult] = []
        if params.includeExplicit && !params.lean {
            start = Clock.monotonic()
            let explicit = try ALS.train(train, params: params.explicit, log: { _ in })
            let errors = predictionErrors(explicit, split: split)
            let lists = users.modelLists(explicit, k: k, threads: params.explicit.threads).movies
            let s = CandidateScoring.score(.model, lists: lists, users: users, k: k, seconds: Clock.monotonic() - start)
            results.append(
                modeResult("explicit-als", "ALS-WR on ratings, rank \(params.explicit.rank), λ \(params.explicit.lambda)", s, k: k, errors: errors))
        }
        let needModel = !params.lean || chosen.usesModel
        var modelLists: (movies: [Int32], scores: [Float])?
        var modelSeconds = 0.0
        if needModel {
            start = Clock.monotonic()
            var p = params.implicit
            var warm: ModelFactors?
            if params.testWarmIterations > 0, let m = selection.model {
                p.iterations = params.testWarmIterations
                warm = m
            }
            let implicit = try ALS.train(train, params: p, warmStart: warm, log: { _ in })
            modelLists = users.modelLists(implicit, k: params.hybridCandidates, threads: params.implicit.threads)
            modelSeconds = Clock.monotonic() - start
        }
        let context = CandidateContext(
            ratings: train, users: users.rows, popularity: popularity(of: train, at: split.cutTime),
            genres: movies.genres,
            model: modelLists.map { ($0.movies, $0.scores, params.hybridCandidates) },
            threads: params.implicit.threads)
        var test: [ServingCandidate] = needModel ? [.model] : []
        if chosen != .model && !chosen.family.isBaseline { test.append(chosen) }
        // The second family on test too, for the report (the nightly, lean, only when it is served).
        if params.itemKNN && !params.lean && chosen != .itemKNN { test.append(.itemKNN) }
        test += CandidateGrid.baselines
        let scored = CandidateScoring.score(test, context: context, users: users, k: k)
        for s in scored {
            let c = s.candidate
            var seconds = s.seconds
            var summary: String
            switch c {
            case .model:
                seconds += modelSeconds
                summary =
                    "implicit ALS, rank \(params.implicit.rank), λ \(params.implicit.lambda), α \(params.implicit.alpha)"
                    + (params.testWarmIterations > 0 ? " (\(params.testWarmIterations) iterations from the validation model)" : "")
            case .popular: summary = "most ratings in train (all time)"
            case .trending(let w): summary = "decayed rating count in the \(w.label) before the cut"
            case .itemKNN:
                let p = ItemKNNParams()
                summary =
                    "item-item cosine over co-ratings, \(p.neighbours) neighbours, shrinkage \(decimal(p.shrinkage)), movies with ≥ \(p.minSupport) ratings"
            case .blend, .activityBlend:
                seconds += modelSeconds + selectionSeconds
                summary = "\(c.label) over the model's top \(params.hybridCandidates) (chosen on validation)"
            }
            if c == chosen { summary += selection.choice.pinned ? " [served, pinned]" : " [served]" }
            results.append(modeResult(c.name, summary, s, k: k, seconds: seconds))
        }

        // 3. Paired CIs of every mode against every baseline.
        var comparisons: [BaselineComparison] = []
        for s in scored {
            for b in scored where b.candidate.family.isBaseline && b.candidate != s.candidate {
                comparisons.append(
                    BaselineComparison(
                        mode: s.candidate.name, baseline: b.candidate.name,
                        metrics: s.compared(to: b, k: k, catalog: users.catalog.count, movieCount: train.movieCount)))
            }
        }

        let summary = SplitSummary(
            split: params.split.rawValue, cutTime: split.cutTime, cutTimeISO: Clock.iso8601(split.cutTime),
            trainRatings: train.ratingCount, testRatings: split.testCount,
            droppedColdTestRatings: split.droppedColdTestRatings,
            relevantTestRatings: users.relevant.reduce(0) { $0 + $1.count },
            evaluatedUsers: users.count, catalogMovies: users.catalog.count)
        return EvaluationReport(
            params: params, split: summary, results: results, defaultMode: chosen.name,
            createdAt: Clock.iso8601(Clock.now()), choice: selection.choice, comparisons: comparisons)
    }

    /// Both protocols: `params.split` first (it decides what is served), the other in `otherProtocols`.
    public static func runBoth(ratings: SilverRatings, movies: SilverMovies, params: EvaluationParams) throws -> EvaluationReport {
        var report = try run(ratings: ratings, movies: movies, params: params)
        var other = params
        other.split = params.split == .temporal ? .leaveLastN : .temporal
        report.otherProtocols = [try run(ratings: ratings, movies: movies, params: other)]
        return report
    }

    static func modeResult(
        _ mode: String, _ summary: String, _ s: ScoredCandidate, k: Int, seconds: Double? = nil,
        errors: (Double, Double)? = nil
    ) -> ModeResult {
        let m = s.mean
        let r = ModeResult(
            mode: mode, summary: summary, rmse: errors?.0, mae: errors?.1, precision: m.precision, recall: m.recall,
            ndcg: m.ndcg, map: m.averagePrecision, coverage: s.coverage, seconds: seconds ?? s.seconds)
        Console.info(
            "evaluate",
            "\(mode): NDCG@\(k) \(Console.fixed(r.ndcg, 4)), R@\(k) \(Console.fixed(r.recall, 4)), coverage \(Console.fixed(r.coverage, 3))")
        return r
    }

    /// RMSE and MAE of uᵀv on every test rating (no clamping to 0.5–5).
    static func predictionErrors(_ f: ModelFactors, split: EvaluationSplit) -> (Double, Double) {
        var squared = 0.0, absolute = 0.0
        let r = f.rank
        for u in 0..<split.train.userCount {
            for j in split.testRange(u) {
                let m = Int(split.testMovies[j])
                var s: Float = 0
                for d in 0..<r { s += f.userFactors[u * r + d] * f.movieFactors[m * r + d] }
                let e = Double(split.testRatings[j]) - Double(s)
                squared += e * e
                absolute += abs(e)
            }
        }
        let n = Double(max(1, split.testCount))
        return ((squared / n).squareRoot(), absolute / n)
    }

    /// Trending popularity of every movie as of `cut`, from the training ratings.
    static func popularity(of train: SilverRatings, at cut: Int64) -> SilverPopularity {
        var accumulator = PopularityAccumulator(movieCount: train.movieCount, endTime: cut)
        for j in 0..<train.ratingCount {
            accumulator.add(movie: Int(train.userMovies[j]), time: train.userTimes[j], weight: accumulator.rules.ratingWeight)
        }
        return accumulator.result
    }
}
