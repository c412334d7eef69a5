import ReelCore
import ReelSilver

/// Who is scored and against what: the users with at least one relevant
/// test movie, their relevant sets, and the catalog a model may recommend
/// (movies with a training rating; others cannot be in the test set).
struct EvaluationUsers {
    /// Evaluated user rows, ascending.
    let rows: [Int32]
    /// Users with a relevant test movie before sampling (`rows.count` when not sampled).
    let totalCount: Int
    /// Relevant test movie rows of each evaluated user.
    let relevant: [Set<Int32>]
    /// Movie rows with at least one training rating, ascending.
    let catalog: [Int32]
    /// Movie row → index in `catalog`, or -1.
    let catalogIndex: [Int32]
    /// Per evaluated user, the catalog indices of its training movies
    /// (ascending: the exclusion lists of the top-K kernel).
    let excludeOffsets: [Int64]
    let excludeItems: [Int32]

    /// - Parameter sample: score at most this many users, a seeded uniform
    ///   sample of them (validation: paired CIs need a few thousand users, not all).
    init(split: EvaluationSplit, relevantThreshold: Float, sample: Int? = nil, seed: UInt64 = 0) {
        let train = split.train
        var eligible: [Int32] = []
        for u in 0..<train.userCount where split.testRange(u).contains(where: { split.testRatings[$0] >= relevantThreshold }) {
            eligible.append(Int32(u))
        }
        totalCount = eligible.count
        if let sample, sample < eligible.count {
            // Partial Fisher–Yates with a fixed seed, then back to ascending rows.
            var g = SplitMix64(seed: seed ^ 0x5A3B_1E0F)
            for i in 0..<sample { eligible.swapAt(i, i + Int(g.next() % UInt64(eligible.count - i))) }
            eligible = Array(eligible.prefix(sample)).sorted()
        }
        var rows: [Int32] = [], relevant: [Set<Int32>] = []
        for u in eligible {
            var set = Set<Int32>()
            for j in split.testRange(Int(u)) where split.testRatings[j] >= relevantThreshold { set.insert(split.testMovies[j]) }
            rows.append(u); relevant.append(set)
        }
        var catalog: [Int32] = [], index = [Int32](repeating: -1, count: train.movieCount)
        for m in 0..<train.movieCount where train.movieOffsets[m + 1] > train.movieOffsets[m] {
            index[m] = Int32(catalog.count)
            catalog.append(Int32(m))
        }
        var offsets: [Int64] = [0], items: [Int32] = []
        for u in rows {
            for j in Int(train.userOffsets[Int(u)])..<Int(train.userOffsets[Int(u) + 1]) {
                items.append(index[Int(train.userMovies[j])])
            }
            offsets.append(Int64(items.count))
        }
        self.rows = rows
        self.relevant = relevant
        self.catalog = catalog
        self.catalogIndex = index
        excludeOffsets = offsets
        excludeItems = items
    }

    var count: Int { rows.count }

    /// Top-`k` movie rows (best first, -1 padded) per evaluated user by
    /// factor dot product, training movies excluded: `count × k` entries.
    func modelLists(_ f: ModelFactors, k: Int, threads: Int) -> (movies: [Int32], scores: [Float]) {
        let r = f.rank
        var queries = [Float](repeating: 0, count: rows.count * r)
        for (i, u) in rows.enumerated() { for d in 0..<r { queries[i * r + d] = f.userFactors[Int(u) * r + d] } }
        var items = [Float](repeating: 0, count: catalog.count * r)
        for (i, m) in catalog.enumerated() { for d in 0..<r { items[i * r + d] = f.movieFactors[Int(m) * r + d] } }
        var result = queries.withUnsafeBufferPointer { q in
            items.withUnsafeBufferPointer { v in
                excludeOffsets.withUnsafeBufferPointer { o in
                    excludeItems.withUnsafeBufferPointer { e in
                        TopK.compute(
                            queries: q, queryCount: rows.count, items: v, itemCount: catalog.count, rank: r, k: k,
                            exclude: ExcludeLists(offsets: o, items: e), threads: threads)
                    }
                }
            }
        }
        for i in result.movies.indices where result.movies[i] >= 0 { result.movies[i] = catalog[Int(result.movies[i])] }
        return (result.movies, result.scores)
    }
}
