import ReelCore
import ReelServing

extension FoldInModel {
    /// YᵀY of `rows × rank` row-major factors, `rank × rank`: what `reel publish`
    /// stores next to the movie factors (the same chunked, thread-count-independent
    /// reduction as training's `GramMatrix`).
    public static func gram(of factors: [Float], rows: Int, rank: Int, threads: Int) -> [Float] {
        let n16 = roundUp(rank, 16)
        let padded = FloatBuffer(count: max(1, rows) * n16)
        defer { padded.free() }
        for r in 0..<rows { for d in 0..<rank { padded[r * n16 + d] = factors[r * rank + d] } }
        let out = FloatBuffer(count: n16 * n16)
        defer { out.free() }
        GramMatrix.compute(padded, rows: rows, rank: rank, n16: n16, threads: max(1, threads), into: out)
        var g = [Float](repeating: 0, count: rank * rank)
        for i in 0..<rank { for j in 0..<rank { g[i * rank + j] = out[i * n16 + j] } }
        return g
    }
}
