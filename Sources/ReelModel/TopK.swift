import ReelCore

/// Per-row lists of items to leave out of a top-K (movies a user has already
/// rated; a movie itself in its similar list). CSR: the items of row r are
/// `items[offsets[r] ..< offsets[r+1]]`, ascending.
public struct ExcludeLists {
    public let offsets: UnsafeBufferPointer<Int64>
    public let items: UnsafeBufferPointer<Int32>

    public init(offsets: UnsafeBufferPointer<Int64>, items: UnsafeBufferPointer<Int32>) {
        self.offsets = offsets
        self.items = items
    }
}

/// The result of a top-K over many query rows: row q's list is
/// `movies[q*k ..< (q+1)*k]` (item rows, best first) with its `scores`;
/// when fewer than k items are eligible the tail is padded with -1 / -inf.
public struct TopKResult: Sendable {
    public var k: Int
    public var movies: [Int32]
    public var scores: [Float]

    public init(k: Int, movies: [Int32], scores: [Float]) {
        self.k = k
        self.movies = movies
        self.scores = scores
    }
}

/// Top-K by dot product of query factors against all item factors.
/// Ties are broken by the lower item row, so results are deterministic.
public enum TopK {
    /// Scores every query against every item and keeps the best `k` per query,
    /// skipping excluded items. Factors are row-major with `rank` columns.
    ///
    /// Runs `TopKKernel` (4 × 16 register-blocked SIMD16 FMA scoring, bounded
    /// heaps, `threads` workers over tiles of 64 queries); equals `reference`
    /// except that scores are summed with FMA, so they may differ from it in
    /// the last bit. Exclusion lists should be ascending (silver's are).
    public static func compute(
        queries: UnsafeBufferPointer<Float>, queryCount: Int,
        items: UnsafeBufferPointer<Float>, itemCount: Int,
        rank: Int, k: Int, exclude: ExcludeLists?, threads: Int
    ) -> TopKResult {
        TopKKernel.run(
            queries: queries, queryCount: queryCount, items: items, itemCount: itemCount,
            rank: rank, k: k, exclude: exclude, threads: threads)
    }

    /// Brute force, one query at a time: the definition the fast kernel is tested against.
    public static func reference(
        queries: UnsafeBufferPointer<Float>, queryCount: Int,
        items: UnsafeBufferPointer<Float>, itemCount: Int,
        rank: Int, k: Int, exclude: ExcludeLists?
    ) -> TopKResult {
        var movies = [Int32](repeating: -1, count: queryCount * k)
        var scores = [Float](repeating: -.infinity, count: queryCount * k)
        for q in 0..<queryCount {
            var excluded = Set<Int32>()
            if let exclude {
                for i in Int(exclude.offsets[q])..<Int(exclude.offsets[q + 1]) { excluded.insert(exclude.items[i]) }
            }
            var all: [(Float, Int32)] = []
            for m in 0..<itemCount where !excluded.contains(Int32(m)) {
                var s: Float = 0
                for d in 0..<rank { s += queries[q * rank + d] * items[m * rank + d] }
                all.append((s, Int32(m)))
            }
            all.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
            for (j, e) in all.prefix(k).enumerated() {
                movies[q * k + j] = e.1
                scores[q * k + j] = e.0
            }
        }
        return TopKResult(k: k, movies: movies, scores: scores)
    }
}
