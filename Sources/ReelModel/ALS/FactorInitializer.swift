import ReelCore

/// Initial factors: a seeded Gaussian per row, or a previous model's row for
/// every external id it knows (warm start for the nightly job).
///
/// The start follows each mode's reference implementation, because with a
/// fixed number of iterations the start decides how far ALS gets:
/// * explicit: each row a Gaussian direction scaled to unit L2 norm — Spark
///   MLlib's `ALS.initialize`. A small start (row norm 0.1) left explicit ALS
///   far from converged after 10 iterations on the benchmark's subset (loss
///   1.86e6 against Spark's 1.40e6, test RMSE 0.821 against 0.740: the λ·n
///   term swamps Σ y yᵀ of tiny factors, and the first iterations only grow
///   the factors back to scale). With unit rows Reel's loss and RMSE match
///   Spark's (docs/model.md, "Explicit ALS against Spark").
/// * implicit: i.i.d. Gaussian entries with row norm ≈ 0.1, like the small
///   uniform start of the `implicit` library, whose warm-started CG it
///   shares; unit rows ranked ~1% worse there (NDCG@10, three seeds).
enum FactorInitializer {
    /// Row norm (in expectation) of the implicit start.
    static let implicitNorm: Double = 0.1

    /// Fills `rows` rows of `matrix` (stride n16) on `threads` workers. Row i
    /// draws from stream `2·i + side` of the seed, so values do not depend on
    /// thread count or on the other side's size.
    static func fill(
        _ matrix: FloatBuffer, rows: Int, rank: Int, n16: Int, seed: UInt64, side: UInt64,
        mode: ALSParams.Mode, threads: Int
    ) {
        let root = SplitMix64(seed: seed)
        Parallel.forEachChunk(count: rows, chunkSize: 4096, threads: threads) { _, range, _ in
            for i in range {
                var g = root.split(UInt64(i) &* 2 &+ side)
                let row = matrix.base + i * n16
                if mode == .implicit {
                    let scale = implicitNorm / Double(rank).squareRoot()
                    for d in 0..<rank { row[d] = Float(g.nextGaussian() * scale) }
                } else {
                    var squares = 0.0
                    for d in 0..<rank {
                        let x = Float(g.nextGaussian())
                        row[d] = x
                        squares += Double(x) * Double(x)
                    }
                    let scale = Float(1 / max(squares, .leastNormalMagnitude).squareRoot())
                    for d in 0..<rank { row[d] *= scale }
                }
            }
        }
    }

    /// Overwrites rows whose external id appears in `previousIDs` with the
    /// previous factors. Returns how many rows were matched.
    static func warmStart(
        _ matrix: FloatBuffer, ids: [Int32], n16: Int, rank: Int,
        previousIDs: [Int32], previous: [Float]
    ) -> Int {
        var rowOf: [Int32: Int] = [:]
        rowOf.reserveCapacity(previousIDs.count)
        for (i, id) in previousIDs.enumerated() { rowOf[id] = i }
        var matched = 0
        for (i, id) in ids.enumerated() {
            guard let p = rowOf[id] else { continue }
            for d in 0..<rank { matrix[i * n16 + d] = previous[p * rank + d] }
            matched += 1
        }
        return matched
    }
}
