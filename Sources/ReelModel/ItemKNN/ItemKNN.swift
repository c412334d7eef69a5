#if canImport(Glibc)
import Glibc
#endif
import ReelCore
import ReelSilver

/// An item-based recommender, the second model family beside ALS
/// (candidate name `item-knn`): cosine similarity of movies' implicit
/// interaction vectors with shrinkage, top-N neighbours per movie, and a
/// user's score for a movie the sum of its similarities to the movies the
/// user interacted with.
///
/// Bounded at ml-25m scale (62k movies, 25M ratings): only movies with
/// `minSupport` interactions take part, each user contributes their newest
/// `maxUserItems` interactions, neighbours live in two contiguous
/// movies × N arrays, and the kernels use per-thread dense accumulators with
/// touched lists, so no per-movie or per-user allocation happens in the loops.
/// Deterministic: every movie's and user's result is computed independently
/// and ties break by the lower movie row, so the thread count does not matter.
///
/// Wiring it into the evaluation's candidate list and into publish is the
/// evaluation's extension point: `recommend` returns the same `users × k`
/// list layout as the ALS top-K, which is what the evaluation scores.
public struct ItemKNNModel: Sendable {
    public let params: ItemKNNParams
    public let movieCount: Int
    /// Neighbour movie rows per movie row, best first, -1 padded: `movieCount × neighbours`.
    public let neighbourMovies: [Int32]
    public let neighbourScores: [Float]
    /// Per user row, the movie rows that feed their scores (eligible, newest `maxUserItems`), CSR.
    let historyOffsets: [Int64]
    let historyMovies: [Int32]
    /// Movies that take part (≥ `minSupport` interactions).
    public let eligibleMovies: Int

    /// Row `m`'s neighbours and similarities.
    public func neighbours(of m: Int) -> (movies: ArraySlice<Int32>, scores: ArraySlice<Float>) {
        let n = params.neighbours
        return (neighbourMovies[m * n..<(m + 1) * n], neighbourScores[m * n..<(m + 1) * n])
    }
}

public enum ItemKNN {
    /// Learns the neighbour lists from `ratings`.
    public static func train(_ ratings: SilverRatings, params: ItemKNNParams) throws -> ItemKNNModel {
        try params.validate()
        let history = Self.history(ratings, params: params)
        let movieCount = ratings.movieCount
        // Item-major copy of the (capped) histories: the users of each movie.
        var byMovieOffsets = [Int64](repeating: 0, count: movieCount + 1)
        for m in history.movies { byMovieOffsets[Int(m) + 1] += 1 }
        for m in 0..<movieCount { byMovieOffsets[m + 1] += byMovieOffsets[m] }
        var byMovieUsers = [Int32](repeating: 0, count: history.movies.count)
        var cursor = byMovieOffsets
        for u in 0..<ratings.userCount {
            for j in Int(history.offsets[u])..<Int(history.offsets[u + 1]) {
                let m = Int(history.movies[j])
                byMovieUsers[Int(cursor[m])] = Int32(u)
                cursor[m] += 1
            }
        }
        let n = params.neighbours
        var neighbourMovies = [Int32](repeating: -1, count: movieCount * n)
        var neighbourScores = [Float](repeating: 0, count: movieCount * n)
        let threads = params.threads
        let shrinkage = params.shrinkage
        let scratch = (0..<threads).map { _ in Scratch(movies: movieCount, k: n) }
        defer { for s in scratch { s.free() } }
        history.offsets.withUnsafeBufferPointer { ho in
            history.movies.withUnsafeBufferPointer { hm in
                byMovieOffsets.withUnsafeBufferPointer { mo in
                    byMovieUsers.withUnsafeBufferPointer { mu in
                        neighbourMovies.withUnsafeMutableBufferPointer { outM in
                            neighbourScores.withUnsafeMutableBufferPointer { outS in
                                let ho = SendablePointer(ho.baseAddress!), hm = SendablePointer(hm.baseAddress ?? UnsafePointer(bitPattern: 8)!)
                                let mo = SendablePointer(mo.baseAddress!), mu = SendablePointer(mu.baseAddress ?? UnsafePointer(bitPattern: 8)!)
                                let outM = SendablePointer(outM.baseAddress!), outS = SendablePointer(outS.baseAddress!)
                                Parallel.forEachChunk(count: movieCount, chunkSize: 16, threads: threads) { _, rows, worker in
                                    let s = scratch[worker]
                                    for i in rows {
                                        let usersOfI = Int(mo[i])..<Int(mo[i + 1])
                                        guard !usersOfI.isEmpty else { continue }
                                        // Co-interaction counts with every movie that shares a user with i.
                                        var touched = 0
                                        for k in usersOfI {
                                            let u = Int(mu[k])
                                            for j in Int(ho[u])..<Int(ho[u + 1]) {
                                                let m = Int(hm[j])
                                                if s.counts[m] == 0 { s.touched[touched] = Int32(m); touched += 1 }
                                                s.counts[m] &+= 1
                                            }
                                        }
                                        let ni = Float(usersOfI.count)
                                        // Ascending rows, so equal similarities keep the lower row (TopKCandidates' order).
                                        s.sortTouched(touched)
                                        var top = TopKCandidates(scores: s.topScores, items: s.topItems, k: n)
                                        for t in 0..<touched {
                                            let j = Int(s.touched[t])
                                            let co = Float(s.counts[j])
                                            s.counts[j] = 0
                                            if j == i { continue }
                                            let nj = Float(mo[j + 1] - mo[j])
                                            let sim = co / ((ni * nj).squareRoot() + shrinkage)
                                            if sim > top.threshold { top.push(sim, Int32(j)) }
                                        }
                                        top.drain(into: outM.base + i * n, outS.base + i * n)
                                        for t in 0..<n where outM[i * n + t] < 0 { outS[i * n + t] = 0 }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let eligible = (0..<movieCount).reduce(0) { $0 + (byMovieOffsets[$1 + 1] > byMovieOffsets[$1] ? 1 : 0) }
        return ItemKNNModel(
            params: params, movieCount: movieCount, neighbourMovies: neighbourMovies,
            neighbourScores: neighbourScores, historyOffsets: history.offsets, historyMovies: history.movies,
            eligibleMovies: eligible)
    }

    /// Per user, the eligible movies (≥ minSupport interactions, rating ≥
    /// minRating) they interacted with, newest `userCap(…)` kept, rows ascending.
    static func history(_ r: SilverRatings, params: ItemKNNParams) -> (offsets: [Int64], movies: [Int32]) {
        let support: [Int] = {
            var counts = [Int](repeating: 0, count: r.movieCount)
            for j in 0..<r.ratingCount where r.userRatings[j] >= params.minRating { counts[Int(r.userMovies[j])] += 1 }
            return counts
        }()
        /// The one eligibility rule: rating `j` is high enough and its movie has enough support.
        func isEligible(_ j: Int) -> Bool {
            r.userRatings[j] >= params.minRating && support[Int(r.userMovies[j])] >= params.minSupport
        }
        var eligible = [Int](repeating: 0, count: r.userCount)
        for u in 0..<r.userCount {
            for j in Int(r.userOffsets[u])..<Int(r.userOffsets[u + 1]) where isEligible(j) { eligible[u] += 1 }
        }
        let cap = userCap(eligible, maxUserItems: params.maxUserItems, pairBudget: params.pairBudget)
        var offsets = [Int64](repeating: 0, count: r.userCount + 1)
        var movies: [Int32] = []
        movies.reserveCapacity(r.ratingCount)
        var picked: [Int] = []
        for u in 0..<r.userCount {
            picked.removeAll(keepingCapacity: true)
            for j in Int(r.userOffsets[u])..<Int(r.userOffsets[u + 1]) where isEligible(j) { picked.append(j) }
            if picked.count > cap {
                // Newest first; equal times by movie row, so the cap is deterministic.
                picked.sort { (r.userTimes[$0], r.userMovies[$1]) > (r.userTimes[$1], r.userMovies[$0]) }
                picked.removeLast(picked.count - cap)
                picked.sort { r.userMovies[$0] < r.userMovies[$1] }
            }
            for j in picked { movies.append(r.userMovies[j]) }
            offsets[u + 1] = Int64(movies.count)
        }
        return (offsets, movies)
    }

    /// The largest per-user cap c ≤ `maxUserItems` with Σᵤ min(nᵤ, c)² ≤ `pairBudget`
    /// (at least 1): co-counting then costs at most the budget in pair updates.
    static func userCap(_ counts: [Int], maxUserItems: Int, pairBudget: Int) -> Int {
        func cost(_ c: Int) -> Int {
            var total = 0
            for n in counts {
                let m = min(n, c)
                total += m * m
                if total > pairBudget { return total }
            }
            return total
        }
        if cost(maxUserItems) <= pairBudget { return maxUserItems }
        var low = 1, high = maxUserItems  // cost(low) may exceed too: then 1.
        while low < high {
            let mid = (low + high + 1) / 2
            if cost(mid) <= pairBudget { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// Per-thread buffers, allocated once per call.
    final class Scratch: @unchecked Sendable {
        let counts: UnsafeMutablePointer<Int32>
        let touched: UnsafeMutablePointer<Int32>
        let sums: UnsafeMutablePointer<Float>
        let topScores: UnsafeMutablePointer<Float>
        let topItems: UnsafeMutablePointer<Int32>

        init(movies: Int, k: Int) {
            counts = .allocate(capacity: max(1, movies)); counts.initialize(repeating: 0, count: max(1, movies))
            touched = .allocate(capacity: max(1, movies))
            sums = .allocate(capacity: max(1, movies)); sums.initialize(repeating: 0, count: max(1, movies))
            let c = TopKCandidates.capacity(k: k)
            topScores = .allocate(capacity: c)
            topItems = .allocate(capacity: c)
        }

        func free() {
            counts.deallocate(); touched.deallocate(); sums.deallocate(); topScores.deallocate(); topItems.deallocate()
        }

        /// Sorts `touched[0..<n]` ascending in place (no allocation).
        func sortTouched(_ n: Int) {
            var b = UnsafeMutableBufferPointer(start: touched, count: n)
            b.sort()
        }
    }
}
