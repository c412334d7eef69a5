import ReelCore
import ReelLakehouse

/// One point of the blend grid and its NDCG@k on the validation split.
public struct BlendPoint: Sendable, Codable, Equatable {
    public var blend: ServingBlend
    public var ndcg: Double
}

/// How the UC3 blend UC1 serves was chosen, for the report and the run record.
///
/// The choice is made on a *validation* split carved out of the training data
/// by the same rule as the test split (for the temporal split: the last
/// `1 − fraction` of the training period), with implicit ALS retrained on what
/// precedes it. The test split never takes part in the choice, so the hybrid
/// row of the report is an honest estimate of the chosen blend.
public struct BlendChoice: Sendable, Codable, Equatable {
    /// The winner: the grid point with the best validation NDCG@k (ties go to
    /// the earlier point, and the grid starts with the model's own order).
    public var chosen: ServingBlend
    public var validationNDCG: Double
    /// Validation NDCG@k of the model's own order (trending 0, diversity 0).
    public var modelOnlyNDCG: Double
    /// ISO time of the validation cut and the validation split's sizes.
    public var validationCut: String
    public var validationTrainRatings: Int
    public var validationUsers: Int
    /// Every point tried, in grid order.
    public var grid: [BlendPoint]
    /// Paired t statistic of the best point's per-user NDCG gain over the
    /// model's order; the best point is adopted only when it reaches
    /// `BlendSearch.minimumT`.
    public var gainT: Double
    /// Why the choice fell back to the model's order, when it did.
    public var note: String?
}

/// Chooses the UC3 blend by grid search on a validation split (docs/model.md, "Choosing the blend").
enum BlendSearch {
    /// Weight of trending popularity; the model gets `1 − trending`, so the
    /// blend's scale stays that of the contract (weights summing to 1).
    static let trendingGrid: [Float] = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5]
    static let diversityGrid: [Float] = [0, 0.05, 0.1, 0.2]
    /// A blend must beat the model's order by a paired t statistic of at least
    /// this over the validation users, or the model's order is served: the
    /// best of ~76 noisy points always "wins" by a little, and a gain within
    /// noise is not worth serving a different order for.
    static let minimumT = 2.0

    /// The model's own order: what a blend must beat to be served.
    static func modelOnly(_ window: TrendingWindow) -> ServingBlend {
        ServingBlend(weights: HybridWeights(model: 1, trending: 0, diversity: 0), window: window)
    }

    /// The points tried, the model's own order first. Without `tune`, only the
    /// configured weights compete with it.
    static func grid(_ params: EvaluationParams) -> [ServingBlend] {
        var points = [modelOnly(params.window)]
        guard params.tuneBlend else {
            let configured = ServingBlend(weights: params.hybrid, window: params.window)
            if configured != points[0] { points.append(configured) }
            return points
        }
        for diversity in diversityGrid.dropFirst() {
            points.append(ServingBlend(weights: HybridWeights(model: 1, trending: 0, diversity: diversity), window: params.window))
        }
        for window in TrendingWindow.allCases {
            for trending in trendingGrid {
                for diversity in diversityGrid {
                    points.append(ServingBlend(weights: HybridWeights(model: 1 - trending, trending: trending, diversity: diversity),
                                               window: window))
                }
            }
        }
        return points
    }

    /// Splits `train` again, retrains implicit ALS on the earlier part, scores
    /// every grid point on the later part and returns the best.
    static func choose(train: SilverRatings, genres: [UInt32], params: EvaluationParams) throws -> BlendChoice {
        let points = grid(params)
        func fallback(_ note: String, cut: Int64 = 0, ratings: Int = 0) -> BlendChoice {
            Console.warn("evaluate", "blend: \(note)")
            return BlendChoice(chosen: modelOnly(params.window), validationNDCG: 0, modelOnlyNDCG: 0,
                               validationCut: Clock.iso8601(cut), validationTrainRatings: ratings, validationUsers: 0,
                               grid: [], gainT: 0, note: note)
        }
        let split: EvaluationSplit
        do { split = try EvaluationSplit.make(train, params: params) } catch {
            return fallback("no validation split could be made from the training data (\(error)); serving the model's order")
        }
        let users = EvaluationUsers(split: split, relevantThreshold: params.relevantThreshold)
        guard users.count > 0 else {
            return fallback("the validation split has no user with a relevant rating; serving the model's order",
                            cut: split.cutTime, ratings: split.train.ratingCount)
        }
        Console.info("evaluate", "blend: validation split at \(Clock.iso8601(split.cutTime)), \(Console.count(split.train.ratingCount)) ratings, \(Console.count(users.count)) users; \(points.count) blends")
        let model = try ALS.train(split.train, params: params.implicit, log: { _ in })
        let width = params.hybridCandidates
        let candidates = users.modelLists(model, k: width, threads: params.implicit.threads)
        let popularity = Evaluation.popularity(of: split.train, at: split.cutTime)

        // Per-user NDCG@k of every point (points × users), for the means and the paired test.
        let n = users.count
        var perUser = [Double](repeating: 0, count: points.count * n)
        perUser.withUnsafeMutableBufferPointer { out in
            let sink = SendablePointer(out.baseAddress!)
            ParallelChunks.run(count: points.count, chunkSize: 1, threads: params.implicit.threads) { _, range, _ in
                for p in range {
                    let lists = Evaluation.hybridLists(candidates, width: width, users: n, k: params.k,
                                                       blend: points[p], popularity: popularity, genres: genres)
                    for i in 0..<n {
                        sink[p * n + i] = RankingMetrics.evaluate(list: lists[i * params.k ..< (i + 1) * params.k],
                                                                  relevant: users.relevant[i], k: params.k).ndcg
                    }
                }
            }
        }
        let ndcg = points.indices.map { p in perUser[p * n ..< (p + 1) * n].reduce(0, +) / Double(n) }
        var best = 0
        for p in points.indices where ndcg[p] > ndcg[best] { best = p }
        let t = pairedT(perUser[best * n ..< (best + 1) * n], perUser[0 ..< n])
        let adopted = t >= minimumT ? best : 0
        let chosen = points[adopted]
        let w = points[best].weights
        let verdict = adopted == best
            ? "chose" : "kept the model's order: the best blend (model \(w.model), trending \(points[best].window.label) \(w.trending), diversity \(w.diversity), t = \(Console.fixed(t, 2)) < \(minimumT)) is within noise;"
        Console.info("evaluate", "blend: \(verdict) model \(chosen.weights.model), trending \(chosen.window.label) \(chosen.weights.trending), diversity \(chosen.weights.diversity): validation NDCG@\(params.k) \(Console.fixed(ndcg[adopted], 4)) (model's order \(Console.fixed(ndcg[0], 4)))")
        return BlendChoice(chosen: chosen, validationNDCG: ndcg[adopted], modelOnlyNDCG: ndcg[0],
                           validationCut: Clock.iso8601(split.cutTime), validationTrainRatings: split.train.ratingCount,
                           validationUsers: n,
                           grid: zip(points, ndcg).map { BlendPoint(blend: $0, ndcg: $1) }, gainT: t,
                           note: adopted == best ? nil : "the best blend's gain over the model's order is within noise (paired t \(Console.fixed(t, 2)) < \(minimumT))")
    }

    /// Paired t statistic of mean(a − b): 0 when there is no difference at all,
    /// 1e9 (finite, for JSON) when every user gains the same positive amount.
    static func pairedT(_ a: ArraySlice<Double>, _ b: ArraySlice<Double>) -> Double {
        let n = Double(a.count)
        guard n > 1 else { return 0 }
        let d = zip(a, b).map { $0 - $1 }
        let mean = d.reduce(0, +) / n
        let variance = d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        if variance == 0 { return mean > 0 ? 1e9 : 0 }
        return mean / (variance / n).squareRoot()
    }
}
