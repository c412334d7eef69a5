import ReelCore

/// Initial factors: a seeded Gaussian per row, or a previous model's row for
/// every external id it knows (warm start for the nightly job).
enum FactorInitializer {
    /// Standard deviation of each initial entry times √rank: rows start with a
    /// norm near 0.1, small enough that the first half-step is dominated by
    /// the data and not by the random start.
    static let initialNorm: Double = 0.1

    /// Fills `rows` rows of `matrix` (stride n16). Row i draws from stream
    /// `2·i + side` of the seed, so values do not depend on thread count or
    /// on the other side's size.
    static func fill(_ matrix: FloatBuffer, rows: Int, rank: Int, n16: Int, seed: UInt64, side: UInt64) {
        let root = SplitMix64(seed: seed)
        let scale = initialNorm / Double(rank).squareRoot()
        for i in 0..<rows {
            var g = root.split(UInt64(i) &* 2 &+ side)
            let row = matrix.base + i * n16
            for d in 0..<rank { row[d] = Float(g.nextGaussian() * scale) }
        }
    }

    /// Overwrites rows whose external id appears in `previousIDs` with the
    /// previous factors. Returns how many rows were matched.
    static func warmStart(_ matrix: FloatBuffer, ids: [Int32], n16: Int, rank: Int,
                          previousIDs: [Int32], previous: [Float]) -> Int {
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
