import ReelCore
import ReelSilver
import ReelServing

/// Everything a candidate may draw on to produce lists for a set of users —
/// during evaluation the training part of a split, at publish silver.
public struct CandidateContext: Sendable {
    /// The ratings "so far"; every list excludes the movies its user rated here.
    public let ratings: SilverRatings
    /// User rows to produce lists for, in output order.
    public let users: [Int32]
    /// Trending popularity per window as of "now" (raw scores; see `normalisedPopularity`).
    public let popularity: SilverPopularity
    /// Genre bitmask per movie row (the blends' diversity penalty).
    public let genres: [UInt32]
    /// The model's own top-`modelWidth` per user (movie rows, best first, -1
    /// padded; aligned with `users`), or nil when there is no model.
    public let modelMovies: [Int32]?
    public let modelScores: [Float]?
    public let modelWidth: Int
    public let threads: Int
    /// Per window, the popularity divided by the window's top score ([0, 1], as the release stores it).
    public let normalisedPopularity: [Float]

    public init(
        ratings: SilverRatings, users: [Int32], popularity: SilverPopularity, genres: [UInt32],
        model: (movies: [Int32], scores: [Float], width: Int)?, threads: Int
    ) {
        self.ratings = ratings
        self.users = users
        self.popularity = popularity
        self.genres = genres
        modelMovies = model?.movies
        modelScores = model?.scores
        modelWidth = model?.width ?? 0
        self.threads = max(1, threads)
        let movies = ratings.movieCount
        var normalised = [Float](repeating: 0, count: popularity.scores.count)
        for w in 0..<(popularity.scores.count / max(1, movies)) {
            let top = popularity.scores[w * movies..<(w + 1) * movies].max() ?? 0
            guard top > 0 else { continue }
            for m in 0..<movies { normalised[w * movies + m] = min(1, max(0, popularity.scores[w * movies + m] / top)) }
        }
        normalisedPopularity = normalised
    }

    /// Ratings of user row `u` in `ratings`.
    func seen(_ u: Int32) -> ArraySlice<Int32> {
        ratings.userMovies[Int(ratings.userOffsets[Int(u)])..<Int(ratings.userOffsets[Int(u) + 1])]
    }
}

/// Per-user top-k lists: `users × k` movie rows (best first, -1 padded) and their scores.
public struct CandidateLists: Sendable {
    public var movies: [Int32]
    public var scores: [Float]
    public let k: Int
}

/// A candidate produces per-user top-K lists: the one thing the evaluation
/// scores and the release serves. See `ServingCandidate` for how to add one.
public protocol CandidateRecommender: Sendable {
    /// Top-`k` lists for `context.users`, each user's rated movies excluded.
    func lists(_ context: CandidateContext, k: Int) -> CandidateLists
}

extension ServingCandidate {
    /// The code that produces this candidate's lists.
    public var recommender: any CandidateRecommender {
        switch self {
        case .model: return ModelOrderRecommender()
        case .popular: return GlobalRankingRecommender(window: nil)
        case .trending(let w): return GlobalRankingRecommender(window: w)
        case .blend(let b): return BlendRecommender(blendFor: { _ in b })
        case .activityBlend(let a): return BlendRecommender(blendFor: { a.blend(forRatings: $0) })
        case .itemKNN: return ItemKNNRecommender(params: ItemKNNParams())
        }
    }
}

/// The model's own top-k (a prefix of the model lists in the context).
struct ModelOrderRecommender: CandidateRecommender {
    func lists(_ context: CandidateContext, k: Int) -> CandidateLists {
        let n = context.users.count, width = context.modelWidth
        var movies = [Int32](repeating: -1, count: n * k), scores = [Float](repeating: 0, count: n * k)
        guard let mm = context.modelMovies, let ms = context.modelScores else { return CandidateLists(movies: movies, scores: scores, k: k) }
        for i in 0..<n {
            for j in 0..<min(k, width) {
                movies[i * k + j] = mm[i * width + j]
                scores[i * k + j] = mm[i * width + j] >= 0 ? ms[i * width + j] : 0
            }
        }
        return CandidateLists(movies: movies, scores: scores, k: k)
    }
}

/// One ranking for everyone — all-time rating count (`window` nil) or a
/// trending window's popularity — minus each user's rated movies. Ties (and
/// movies with no activity in the window) are ordered by all-time count, then
/// by row, so a list is never shorter than k while the catalog has movies.
struct GlobalRankingRecommender: CandidateRecommender {
    let window: TrendingWindow?

    func ranking(_ context: CandidateContext) -> (movies: [Int32], scores: [Float]) {
        let r = context.ratings, movieCount = r.movieCount
        var order: [Int32] = []
        for m in 0..<movieCount where r.movieOffsets[m + 1] > r.movieOffsets[m] { order.append(Int32(m)) }
        func count(_ m: Int32) -> Int64 { r.movieOffsets[Int(m) + 1] - r.movieOffsets[Int(m)] }
        let base = (window?.rawValue ?? 0) * movieCount
        func score(_ m: Int32) -> Float {
            window == nil ? Float(count(m)) : context.normalisedPopularity[base + Int(m)]
        }
        order.sort { a, b in
            let sa = score(a), sb = score(b)
            if sa != sb { return sa > sb }
            let ca = count(a), cb = count(b)
            return ca != cb ? ca > cb : a < b
        }
        return (order, order.map(score))
    }

    func lists(_ context: CandidateContext, k: Int) -> CandidateLists {
        let (order, orderScores) = ranking(context)
        let n = context.users.count
        var movies = [Int32](repeating: -1, count: n * k), scores = [Float](repeating: 0, count: n * k)
        movies.withUnsafeMutableBufferPointer { mo in
            scores.withUnsafeMutableBufferPointer { so in
                let outM = SendablePointer(mo.baseAddress!), outS = SendablePointer(so.baseAddress!)
                Parallel.forEachChunk(count: n, chunkSize: 4096, threads: context.threads) { _, rows, _ in
                    for i in rows {
                        let seen = context.seen(context.users[i])
                        var filled = 0
                        for (p, m) in order.enumerated() where filled < k {
                            if seen.binaryContains(m) { continue }
                            outM[i * k + filled] = m
                            outS[i * k + filled] = orderScores[p]
                            filled += 1
                        }
                    }
                }
            }
        }
        return CandidateLists(movies: movies, scores: scores, k: k)
    }
}

/// The model's candidates re-ranked by `HybridRanker` (the daemon's UC3 code)
/// with the blend `blendFor(user's rating count)` chooses.
struct BlendRecommender: CandidateRecommender {
    let blendFor: @Sendable (Int) -> ServingBlend

    func lists(_ context: CandidateContext, k: Int) -> CandidateLists {
        let n = context.users.count, width = context.modelWidth, movieCount = context.ratings.movieCount
        var movies = [Int32](repeating: -1, count: n * k), scores = [Float](repeating: 0, count: n * k)
        guard let mm = context.modelMovies, let ms = context.modelScores else { return CandidateLists(movies: movies, scores: scores, k: k) }
        movies.withUnsafeMutableBufferPointer { mo in
            scores.withUnsafeMutableBufferPointer { so in
                let outM = SendablePointer(mo.baseAddress!), outS = SendablePointer(so.baseAddress!)
                Parallel.forEachChunk(count: n, chunkSize: 1024, threads: context.threads) { _, rows, _ in
                    var ranked: [(movie: Int32, score: Float)] = []
                    ranked.reserveCapacity(k)
                    mm.withUnsafeBufferPointer { top in
                        ms.withUnsafeBufferPointer { topScores in
                            for i in rows {
                                let u = Int(context.users[i])
                                let blend = blendFor(Int(context.ratings.userOffsets[u + 1] - context.ratings.userOffsets[u]))
                                let base = blend.window.rawValue * movieCount
                                let row = UnsafeBufferPointer(rebasing: top[i * width..<(i + 1) * width])
                                let count = row.firstIndex(of: -1) ?? width
                                HybridRanker.rerank(
                                    candidates: UnsafeBufferPointer(rebasing: row[..<count]),
                                    scores: UnsafeBufferPointer(rebasing: topScores[i * width..<i * width + count]),
                                    k: k, weights: blend.weights,
                                    popularity: { context.normalisedPopularity[base + Int($0)] },
                                    genres: { context.genres[Int($0)] }, output: &ranked)
                                for (j, e) in ranked.enumerated() {
                                    outM[i * k + j] = e.movie
                                    outS[i * k + j] = e.score
                                }
                            }
                        }
                    }
                }
            }
        }
        return CandidateLists(movies: movies, scores: scores, k: k)
    }
}

extension ArraySlice where Element == Int32 {
    /// Binary search in an ascending slice.
    func binaryContains(_ x: Int32) -> Bool {
        var lo = startIndex, hi = endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if self[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo < endIndex && self[lo] == x
    }
}
