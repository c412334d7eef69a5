import ReelCore
import ReelModel
import ReelServing

/// UC1's default lists when the evaluation chose a blend: every user's stored
/// top-K re-ranked by `HybridRanker` with the release's own popularity, so a
/// default request costs a copy, not a re-rank, and equals what the daemon
/// computes for `mode=hybrid` with the same weights.
///
/// The re-rank is greedy and each pick depends only on the picks before it, so
/// the first k entries of the K-long list are exactly the re-rank for any k ≤ K.
enum BlendedLists {
    /// The `blend` section: model, trending and diversity weights, then the window.
    static func section(_ blend: ServingBlend) -> [Float] {
        [blend.weights.model, blend.weights.trending, blend.weights.diversity, Float(blend.window.rawValue)]
    }

    /// - Parameters:
    ///   - topMovies, topScores: `users × k` stored lists (-1 / 0 padding).
    ///   - popularity: `windows × movies`, normalised to [0, 1].
    static func build(
        blend: ServingBlend, topMovies: [Int32], topScores: [Float], k: Int,
        popularity: [Float], genres: [UInt32], threads: Int
    ) -> (movies: [Int32], scores: [Float]) {
        let users = topMovies.count / k
        let movieCount = genres.count
        let base = blend.window.rawValue * movieCount
        var movies = [Int32](repeating: -1, count: topMovies.count)
        var scores = [Float](repeating: 0, count: topScores.count)
        let progress = Progress(stage: "publish: blend", total: users, unit: "users")
        movies.withUnsafeMutableBufferPointer { outMovies in
            scores.withUnsafeMutableBufferPointer { outScores in
                let sink = (movies: SendableBuffer(outMovies), scores: SendableBuffer(outScores))
                Parallel.forEachChunk(count: users, chunkSize: 1024, threads: threads) { _, rows, _ in
                    var ranked: [(movie: Int32, score: Float)] = []
                    ranked.reserveCapacity(k)
                    topMovies.withUnsafeBufferPointer { top in
                        topScores.withUnsafeBufferPointer { topScore in
                            for u in rows {
                                let row = UnsafeBufferPointer(rebasing: top[u * k..<(u + 1) * k])
                                let n = row.firstIndex(of: -1) ?? k
                                HybridRanker.rerank(
                                    candidates: UnsafeBufferPointer(rebasing: row[..<n]),
                                    scores: UnsafeBufferPointer(rebasing: topScore[u * k..<u * k + n]),
                                    k: k, weights: blend.weights,
                                    popularity: { popularity[base + Int($0)] }, genres: { genres[Int($0)] },
                                    output: &ranked)
                                for (j, e) in ranked.enumerated() {
                                    sink.movies.base[u * k + j] = e.movie
                                    sink.scores.base[u * k + j] = e.score
                                }
                            }
                        }
                    }
                    progress.advance(rows.count)
                }
            }
        }
        progress.finish()
        return (movies, scores)
    }
}

/// A mutable buffer handed to parallel workers that write disjoint rows.
private struct SendableBuffer<T>: @unchecked Sendable {
    let base: UnsafeMutableBufferPointer<T>
    init(_ base: UnsafeMutableBufferPointer<T>) { self.base = base }
}
