import ReelCore

/// One candidate's lists and per-user metrics on a split: what the paired CIs
/// and the adoption rule need.
struct ScoredCandidate: Sendable {
    let candidate: ServingCandidate
    /// `users × k` movie rows.
    let lists: [Int32]
    let ndcg: [Double]
    let recall: [Double]
    let precision: [Double]
    let averagePrecision: [Double]
    let coverage: Double
    let seconds: Double

    var mean: RankingMetrics {
        let n = Double(max(1, ndcg.count))
        return RankingMetrics(
            precision: precision.reduce(0, +) / n, recall: recall.reduce(0, +) / n,
            ndcg: ndcg.reduce(0, +) / n, averagePrecision: averagePrecision.reduce(0, +) / n)
    }

    /// Paired CIs of every metric of `self − other` (same users).
    func compared(to other: ScoredCandidate, k: Int, catalog: Int, movieCount: Int) -> MetricCIs {
        MetricCIs(
            ndcg: PairedCI.of(ndcg, other.ndcg), recall: PairedCI.of(recall, other.recall),
            precision: PairedCI.of(precision, other.precision), map: PairedCI.of(averagePrecision, other.averagePrecision),
            coverage: CoverageCI.of(lists, other.lists, k: k, catalog: catalog, movieCount: movieCount))
    }
}

/// Paired 95% CIs of each metric's difference between two lists on the same users.
public struct MetricCIs: Sendable, Codable, Equatable {
    public var ndcg: PairedCI
    public var recall: PairedCI
    public var precision: PairedCI
    public var map: PairedCI
    public var coverage: PairedCI
}

enum CandidateScoring {
    /// Lists of every candidate for `users` (from `context`, whose users must be `users.rows`) and their per-user metrics.
    static func score(_ candidates: [ServingCandidate], context: CandidateContext, users: EvaluationUsers, k: Int) -> [ScoredCandidate] {
        precondition(context.users == users.rows)
        return candidates.map { candidate in
            let start = Clock.monotonic()
            let lists = candidate.recommender.lists(context, k: k).movies
            return score(candidate, lists: lists, users: users, k: k, seconds: Clock.monotonic() - start)
        }
    }

    static func score(_ candidate: ServingCandidate, lists: [Int32], users: EvaluationUsers, k: Int, seconds: Double) -> ScoredCandidate {
        let n = users.count
        var ndcg = [Double](repeating: 0, count: n), recall = ndcg, precision = ndcg, ap = ndcg
        var recommended = Set<Int32>()
        for i in 0..<n {
            let list = lists[i * k..<(i + 1) * k]
            let m = RankingMetrics.evaluate(list: list, relevant: users.relevant[i], k: k)
            ndcg[i] = m.ndcg; recall[i] = m.recall; precision[i] = m.precision; ap[i] = m.averagePrecision
            for movie in list where movie >= 0 { recommended.insert(movie) }
        }
        return ScoredCandidate(
            candidate: candidate, lists: lists, ndcg: ndcg, recall: recall, precision: precision,
            averagePrecision: ap, coverage: Double(recommended.count) / Double(max(1, users.catalog.count)),
            seconds: seconds)
    }
}
