/// Ranking metrics of one top-k list against a user's relevant test movies,
/// with the definitions of docs/model.md (binary relevance):
///
/// * Precision@k = hits / k (k, not the list length, is the denominator);
/// * Recall@k = hits / |relevant|;
/// * NDCG@k = Σ_{i ≤ k, hit} 1/log₂(i+1) ÷ Σ_{i ≤ min(k,|relevant|)} 1/log₂(i+1);
/// * AP@k = Σ_{i ≤ k, hit} Precision@i ÷ min(k, |relevant|); MAP@k is its mean.
public struct RankingMetrics: Sendable, Equatable, Codable {
    public var precision: Double
    public var recall: Double
    public var ndcg: Double
    public var averagePrecision: Double

    public init(precision: Double, recall: Double, ndcg: Double, averagePrecision: Double) {
        self.precision = precision
        self.recall = recall
        self.ndcg = ndcg
        self.averagePrecision = averagePrecision
    }

    /// Scores `list` (best first; only its first k entries count; -1 entries
    /// are padding) against `relevant` (non-empty).
    public static func evaluate<L: Collection>(list: L, relevant: Set<Int32>, k: Int) -> RankingMetrics where L.Element == Int32 {
        precondition(!relevant.isEmpty && k > 0)
        var hits = 0, dcg = 0.0, apSum = 0.0
        for (i, movie) in list.prefix(k).enumerated() where movie >= 0 && relevant.contains(movie) {
            hits += 1
            dcg += 1 / _log2(Double(i + 2))
            apSum += Double(hits) / Double(i + 1)
        }
        let ideal = min(k, relevant.count)
        var idcg = 0.0
        for i in 0..<ideal { idcg += 1 / _log2(Double(i + 2)) }
        return RankingMetrics(
            precision: Double(hits) / Double(k), recall: Double(hits) / Double(relevant.count),
            ndcg: dcg / idcg, averagePrecision: apSum / Double(ideal))
    }
}

/// Running means of `RankingMetrics` plus catalog coverage of the lists.
struct RankingTotals {
    var users = 0
    var sum = RankingMetrics(precision: 0, recall: 0, ndcg: 0, averagePrecision: 0)
    var recommended: Set<Int32> = []

    mutating func add<L: Collection>(list: L, relevant: Set<Int32>, k: Int) where L.Element == Int32 {
        let m = RankingMetrics.evaluate(list: list, relevant: relevant, k: k)
        users += 1
        sum.precision += m.precision; sum.recall += m.recall; sum.ndcg += m.ndcg; sum.averagePrecision += m.averagePrecision
        for movie in list.prefix(k) where movie >= 0 { recommended.insert(movie) }
    }

    var mean: RankingMetrics {
        let n = Double(max(users, 1))
        return RankingMetrics(
            precision: sum.precision / n, recall: sum.recall / n, ndcg: sum.ndcg / n,
            averagePrecision: sum.averagePrecision / n)
    }
}

#if canImport(Glibc)
import Glibc
func _log2(_ x: Double) -> Double { Glibc.log2(x) }
#endif
