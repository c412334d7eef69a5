import ReelCore
import ReelSilver

/// The `item-knn` candidate's lists: an `ItemKNNModel` trained on the
/// context's ratings (the training part of a split during evaluation, silver
/// at publish), so what validation measured is what the release serves.
///
/// A user whose history gives fewer than k scored movies (few ratings, or
/// only movies below `ItemKNNParams.minSupport`) has the rest of the list
/// filled from all-time popularity, rated and listed movies skipped: a short
/// list would lose to every baseline for reasons that have nothing to do with
/// the similarities. The filled slots score 0, below any similarity sum.
///
/// Cost: one co-counting pass, Σᵤ min(nᵤ, maxUserItems)² (bounded by the cap
/// at ml-25m scale), then one sparse accumulation per listed user.
struct ItemKNNRecommender: CandidateRecommender {
    let params: ItemKNNParams

    func lists(_ context: CandidateContext, k: Int) -> CandidateLists {
        var p = params
        p.threads = context.threads
        // The parameters are the validated defaults (or a caller's validated copy); training cannot fail on them.
        guard let model = try? ItemKNN.train(context.ratings, params: p) else {
            return GlobalRankingRecommender(window: nil).lists(context, k: k)
        }
        var out = model.recommend(users: context.users, ratings: context.ratings, k: k)
        fillFromPopular(&out, context: context, k: k)
        return CandidateLists(movies: out.movies, scores: out.scores.map { $0.isFinite ? $0 : 0 }, k: k)
    }

    /// Fills each list's -1 tail with the all-time popularity order.
    func fillFromPopular(_ out: inout (movies: [Int32], scores: [Float]), context: CandidateContext, k: Int) {
        let n = context.users.count
        guard (0..<n).contains(where: { out.movies[$0 * k + k - 1] < 0 }) else { return }
        let order = GlobalRankingRecommender(window: nil).ranking(context).movies
        out.movies.withUnsafeMutableBufferPointer { mo in
            out.scores.withUnsafeMutableBufferPointer { so in
                let outM = SendablePointer(mo.baseAddress!), outS = SendablePointer(so.baseAddress!)
                Parallel.forEachChunk(count: n, chunkSize: 1024, threads: context.threads) { _, rows, _ in
                    for i in rows {
                        let base = i * k
                        var filled = 0
                        while filled < k && outM[base + filled] >= 0 { filled += 1 }
                        guard filled < k else { continue }
                        let seen = context.seen(context.users[i])
                        for m in order where filled < k {
                            if seen.binaryContains(m) { continue }
                            var listed = false
                            for j in 0..<filled where outM[base + j] == m { listed = true; break }
                            if listed { continue }
                            outM[base + filled] = m
                            outS[base + filled] = 0
                            filled += 1
                        }
                    }
                }
            }
        }
    }
}
