/// Weights of the UC3 hybrid re-ranking (docs/01_data_contracts.md).
/// Defaults are the contract's; the evaluation chooses them (docs/model.md).
public struct HybridWeights: Sendable, Equatable {
    /// Weight of the model score (min-max normalised over the candidates).
    public var model: Float
    /// Weight of the movie's trending popularity (normalised to [0, 1]).
    public var trending: Float
    /// Penalty per unit of genre overlap with movies already picked.
    public var diversity: Float

    public init(model: Float = 0.6, trending: Float = 0.4, diversity: Float = 0.1) {
        self.model = model
        self.trending = trending
        self.diversity = diversity
    }
}

/// UC3: re-ranks a user's stored candidates by blending the model score with
/// trending popularity, then greedily penalising genre repetition.
///
/// Shared by the daemon, the CLI and the evaluation, so what is measured is
/// what is served. Cost O(k × candidates) with no allocation beyond `output`.
public enum HybridRanker {
    /// - Parameters:
    ///   - candidates: movie rows, best model score first.
    ///   - scores: their model scores.
    ///   - k: how many to return.
    ///   - popularity: trending popularity of a movie row in [0, 1].
    ///   - genres: genre bitmask of a movie row.
    ///   - output: receives (movie row, blended score), best first; cleared first.
    public static func rerank<C: Collection, S: Collection>(
        candidates: C, scores: S, k: Int, weights: HybridWeights,
        popularity: (Int32) -> Float, genres: (Int32) -> UInt32,
        output: inout [(movie: Int32, score: Float)]
    ) where C.Element == Int32, S.Element == Float, C.Index == Int, S.Index == Int {
        output.removeAll(keepingCapacity: true)
        let n = min(candidates.count, scores.count)
        guard n > 0, k > 0 else { return }
        var lo = Float.infinity, hi = -Float.infinity
        for i in 0..<n { lo = min(lo, scores[i]); hi = max(hi, scores[i]) }
        let span = hi > lo ? hi - lo : 1
        // Base blended score per candidate; `taken` marks picked candidates.
        var base = [Float](repeating: 0, count: n)
        var masks = [UInt32](repeating: 0, count: n)
        for i in 0..<n {
            let m = candidates[i]
            base[i] = weights.model * (scores[i] - lo) / span + weights.trending * popularity(m)
            masks[i] = genres(m)
        }
        var taken = [Bool](repeating: false, count: n)
        var genreCounts = [Int32](repeating: 0, count: 32)
        for picked in 0..<min(k, n) {
            var best = -1
            var bestScore = -Float.infinity
            for i in 0..<n where !taken[i] {
                var overlap: Float = 0
                if picked > 0, weights.diversity != 0 {
                    var mask = masks[i]
                    var shared: Int32 = 0
                    while mask != 0 {
                        let bit = mask.trailingZeroBitCount
                        shared = max(shared, genreCounts[bit])
                        mask &= mask - 1
                    }
                    overlap = Float(shared) / Float(picked)
                }
                let s = base[i] - weights.diversity * overlap
                if s > bestScore { bestScore = s; best = i }
            }
            taken[best] = true
            var mask = masks[best]
            while mask != 0 { genreCounts[mask.trailingZeroBitCount] += 1; mask &= mask - 1 }
            output.append((candidates[best], bestScore))
        }
    }
}
