import Testing
import ReelCore
@testable import ReelModel

/// The per-row kernels on their own: the blocked Cholesky at every block and
/// padding edge, and the dual solve of short explicit rows against the primal.
@Suite struct RowSolverTests {
    /// A random symmetric positive definite `rank × rank` matrix (stride n16,
    /// full storage) and right-hand side.
    func system(rank: Int, n16: Int, seed: UInt64) -> ([Float], [Float]) {
        var g = SplitMix64(seed: seed)
        let m = (0..<rank * rank).map { _ in Float(g.nextGaussian()) }
        var a = [Float](repeating: 0, count: n16 * n16)
        for i in 0..<rank {
            for j in 0..<rank {
                var s: Float = 0
                for k in 0..<rank { s += m[k * rank + i] * m[k * rank + j] }
                a[i * n16 + j] = s / Float(rank) + (i == j ? 0.5 : 0)
            }
        }
        return (a, (0..<n16).map { $0 < rank ? Float(g.nextGaussian()) : 0 })
    }

    @Test(arguments: [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 48, 64, 65, 100])
    func blockedCholeskySolvesEveryRank(rank: Int) {
        let n16 = roundUp(rank, 16)
        let (a, b) = system(rank: rank, n16: n16, seed: UInt64(rank))
        var u = a, x = b
        var diagonal = [Float](repeating: 0, count: n16)
        let ok = u.withUnsafeMutableBufferPointer { u in
            diagonal.withUnsafeMutableBufferPointer { d in
                CholeskySolver.factor(u.baseAddress!, rank: rank, n16: n16, diagonal: d.baseAddress!)
            }
        }
        #expect(ok)
        u.withUnsafeBufferPointer { u in
            x.withUnsafeMutableBufferPointer { x in CholeskySolver.solve(u.baseAddress!, rank: rank, n16: n16, x.baseAddress!) }
        }
        var worst: Float = 0
        for i in 0..<rank {
            var s: Float = 0
            for j in 0..<rank { s += a[i * n16 + j] * x[j] }
            worst = max(worst, abs(s - b[i]))
        }
        #expect(worst < 1e-4, "rank \(rank): largest residual \(worst)")
        #expect(x[rank..<n16].allSatisfy { $0 == 0 }, "padding of the solution stays zero")
    }

    @Test func blockedCholeskyRefusesAnIndefiniteMatrix() {
        let rank = 20, n16 = 32
        var (a, _) = system(rank: rank, n16: n16, seed: 3)
        a[13 * n16 + 13] = -1
        var diagonal = [Float](repeating: 0, count: n16)
        let ok = a.withUnsafeMutableBufferPointer { a in
            diagonal.withUnsafeMutableBufferPointer { CholeskySolver.factor(a.baseAddress!, rank: rank, n16: n16, diagonal: $0.baseAddress!) }
        }
        #expect(!ok)
    }

    /// Short explicit rows (n < rank) take the n × n dual; it must give the
    /// primal's answer.
    @Test(arguments: [(7, 1), (7, 6), (16, 5), (33, 20), (64, 1), (64, 17), (64, 63)])
    func dualSolveMatchesThePrimal(rank: Int, n: Int) {
        let n16 = roundUp(rank, 16), movies = 80
        var g = SplitMix64(seed: UInt64(rank * 100 + n))
        let factors = FloatBuffer(count: movies * n16)
        defer { factors.free() }
        for m in 0..<movies { for d in 0..<rank { factors[m * n16 + d] = Float(g.nextGaussian()) * 0.3 } }
        var rows = (0..<Int32(movies)).shuffled(using: &g).prefix(n).map { $0 }
        rows.sort()
        let values = (0..<n).map { _ in Float(1 + 4 * g.nextDouble()) }
        let scratch = RowScratch(rank: rank)
        defer { scratch.free() }
        var dual = [Float](repeating: .nan, count: n16), primal = dual
        rows.withUnsafeBufferPointer { r in
            values.withUnsafeBufferPointer { v in
                let s = RowSystem(
                    gram: nil, diagonal: 0.05 * Float(n), factors: UnsafePointer(factors.base),
                    rows: r.baseAddress!, values: v.baseAddress!, count: n,
                    wScale: 0, wBias: 1, tScale: 1, tBias: 0)
                #expect(RowSolver.dualCholesky(s, x: &dual, scratch: scratch))
                #expect(RowSolver.primalCholesky(s, x: &primal, scratch: scratch))
            }
        }
        let scale = primal.reduce(0) { max($0, abs($1)) }
        let worst = zip(dual, primal).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
        #expect(worst <= 1e-4 * max(1, scale), "rank \(rank), \(n) ratings: largest difference \(worst) (scale \(scale))")
        #expect(dual[rank..<n16].allSatisfy { $0 == 0 })
    }
}
