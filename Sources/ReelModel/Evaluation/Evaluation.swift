import ReelCore
import ReelLakehouse

/// Honest offline evaluation: one split, every mode side by side — explicit
/// ALS, implicit ALS, the UC3 hybrid (implicit ALS re-ranked by
/// `HybridRanker` with trending popularity as of the split), the all-time
/// most-popular list and the 7d/30d trending lists. Definitions in docs/model.md.
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
            throw ReelError(.invalidInput, "no user has a relevant test rating (≥ \(params.relevantThreshold)) after the split; evaluation needs more data or another --fraction")
        }
        let k = params.k
        var results: [ModeResult] = []
        func score(_ mode: String, _ summary: String, lists: [Int32], width: Int, seconds: Double,
                   errors: (Double, Double)? = nil) -> ModeResult {
            var totals = RankingTotals()
            for i in 0..<users.count { totals.add(list: lists[i * width ..< i * width + k], relevant: users.relevant[i], k: k) }
            let m = totals.mean
            let r = ModeResult(mode: mode, summary: summary, rmse: errors?.0, mae: errors?.1,
                               precision: m.precision, recall: m.recall, ndcg: m.ndcg, map: m.averagePrecision,
                               coverage: Double(totals.recommended.count) / Double(max(1, users.catalog.count)), seconds: seconds)
            Console.info("evaluate", "\(mode): NDCG@\(k) \(Console.fixed(r.ndcg, 4)), P@\(k) \(Console.fixed(r.precision, 4)), \(Console.duration(seconds))")
            return r
        }

        // Explicit ALS: a rating predictor, so RMSE/MAE too.
        var start = Clock.monotonic()
        let explicit = try ALS.train(train, params: params.explicit, log: { _ in })
        let errors = predictionErrors(explicit, split: split)
        results.append(score("explicit-als", "ALS-WR on ratings, rank \(params.explicit.rank), λ \(params.explicit.lambda)",
                             lists: users.modelLists(explicit, k: k, threads: params.explicit.threads).movies, width: k,
                             seconds: Clock.monotonic() - start, errors: errors))

        // Implicit ALS, and the hybrid re-ranking of its candidates.
        start = Clock.monotonic()
        let implicit = try ALS.train(train, params: params.implicit, log: { _ in })
        let trainSeconds = Clock.monotonic() - start
        let candidates = users.modelLists(implicit, k: params.hybridCandidates, threads: params.implicit.threads)
        let width = params.hybridCandidates
        results.append(score("implicit-als", "implicit ALS, rank \(params.implicit.rank), λ \(params.implicit.lambda), α \(params.implicit.alpha)",
                             lists: candidates.movies, width: width, seconds: Clock.monotonic() - start))

        // The hybrid: the blend chosen on a validation split inside train, then
        // scored here on test; the configured weights beside it when they differ.
        let popularity = Self.popularity(of: train, at: split.cutTime)
        start = Clock.monotonic()
        let choice = try BlendSearch.choose(train: train, genres: movies.genres, params: params)
        let searchSeconds = Clock.monotonic() - start
        let configured = ServingBlend(weights: params.hybrid, window: params.window)
        for (mode, blend) in [("hybrid", choice.chosen), ("hybrid-configured", configured)] {
            if mode == "hybrid-configured" && blend == choice.chosen { continue }
            start = Clock.monotonic()
            let w = blend.weights
            let lists = hybridLists(candidates, width: width, users: users.count, k: k, blend: blend,
                                    popularity: popularity, genres: movies.genres)
            results.append(score(mode, "implicit ALS top-\(width) re-ranked: model \(w.model), trending \(blend.window.label) \(w.trending), diversity \(w.diversity)" +
                                 (mode == "hybrid" ? " (chosen on validation)" : " (configured)"),
                                 lists: lists, width: k,
                                 seconds: trainSeconds + (mode == "hybrid" ? searchSeconds : 0) + Clock.monotonic() - start))
        }

        // Baselines.
        start = Clock.monotonic()
        let counts = users.ranking { Double(train.movieOffsets[$0 + 1] - train.movieOffsets[$0]) }
        results.append(score("popular", "most ratings in train (all time)",
                             lists: users.globalLists(counts, train: train, k: k), width: k, seconds: Clock.monotonic() - start))
        for window in [TrendingWindow.week, .month] {
            start = Clock.monotonic()
            let base = window.rawValue * train.movieCount
            let order = users.ranking { Double(popularity.scores[base + $0]) }
            results.append(score("trending-\(window.label)", "decayed rating count in the \(window.label) before the cut",
                                 lists: users.globalLists(order, train: train, k: k), width: k, seconds: Clock.monotonic() - start))
        }

        let summary = SplitSummary(split: params.split.rawValue, cutTime: split.cutTime, cutTimeISO: Clock.iso8601(split.cutTime),
                                   trainRatings: train.ratingCount, testRatings: split.testCount,
                                   droppedColdTestRatings: split.droppedColdTestRatings,
                                   relevantTestRatings: users.relevant.reduce(0) { $0 + $1.count },
                                   evaluatedUsers: users.count, catalogMovies: users.catalog.count)
        return EvaluationReport(params: params, split: summary, results: results,
                                defaultMode: choice.chosen.isPureModel ? "implicit-als" : "hybrid",
                                createdAt: Clock.iso8601(Clock.now()), blend: choice)
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

    /// UC3 on each user's candidates, exactly as the daemon and the release
    /// builder do it: the window's popularity normalised so the top movie is 1.
    static func hybridLists(_ candidates: (movies: [Int32], scores: [Float]), width: Int, users: Int, k: Int,
                            blend: ServingBlend, popularity: SilverPopularity, genres: [UInt32]) -> [Int32] {
        let movieCount = genres.count
        let base = blend.window.rawValue * movieCount
        let top = (0..<movieCount).reduce(Float(0)) { max($0, popularity.scores[base + $1]) }
        let scale = top > 0 ? 1 / top : 0
        var out = [Int32](repeating: -1, count: users * k)
        var ranked: [(movie: Int32, score: Float)] = []
        candidates.movies.withUnsafeBufferPointer { movies in
            candidates.scores.withUnsafeBufferPointer { scores in
                for i in 0..<users {
                    let row = UnsafeBufferPointer(rebasing: movies[i * width ..< (i + 1) * width])
                    let n = row.firstIndex(of: -1) ?? width
                    HybridRanker.rerank(candidates: UnsafeBufferPointer(rebasing: row[..<n]),
                                        scores: UnsafeBufferPointer(rebasing: scores[i * width ..< i * width + n]),
                                        k: k, weights: blend.weights,
                                        popularity: { popularity.scores[base + Int($0)] * scale },
                                        genres: { genres[Int($0)] }, output: &ranked)
                    for (j, e) in ranked.enumerated() { out[i * k + j] = e.movie }
                }
            }
        }
        return out
    }
}
