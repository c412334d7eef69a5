extension RowSolver {
    /// Solves an explicit row with n < rank ratings through its n × n dual:
    ///
    ///     (YᵀY + d·I) x = Yᵀt   ⇔   x = Yᵀz  with  (YYᵀ + d·I) z = t,
    ///
    /// where Y is the n × rank matrix of the rated rows' factors (multiply the
    /// right-hand form by Yᵀ: Yᵀ(YYᵀ + dI)z = (YᵀY + dI)Yᵀz). Same system, same
    /// solution (up to rounding), but ≈ n²·r/2 + n³/6 FMAs instead of
    /// n·r²/2 + r³/6. On MovieLens-shaped data most movies have fewer ratings
    /// than a rank-64 model has unknowns (90% of the benchmark subset's), and
    /// r × r factorisations and substitutions, mostly theirs, took half of
    /// explicit training. Only for d > 0, where YYᵀ + dI is positive definite; with
    /// λ = 0 the primal path reports the singular system.
    @inlinable public static func dualCholesky(_ s: RowSystem, x: UnsafeMutablePointer<Float>, scratch: RowScratch) -> Bool {
        let rank = scratch.rank, n16 = scratch.n16
        let n = s.count, ld = roundUp(n, 16)
        let yt = scratch.transposed, dual = scratch.matrix, z = scratch.rhs
        // Yᵀ, rank rows of ld (zero past n), so that YYᵀ = Σ_d col_d col_dᵀ is
        // a rank-`rank` update of the n × n matrix. Written row by row of Yᵀ:
        // contiguous stores (the reads hit n cached rows; the other order's
        // scattered stores took half of this function).
        for d in 0..<rank {
            let out = yt + d * ld
            for j in 0..<n { out[j] = s.factors[Int(s.rows[j]) &* n16 &+ d] }
            for j in n..<ld { out[j] = 0 }
        }
        dual.update(repeating: 0, count: ld * ld)
        VectorKernels.rankUpdate(dual, lda: ld, dim: n, x: yt, s: yt, ldx: ld, count: rank)
        for i in 0..<n { dual[i * ld + i] += s.diagonal }
        for i in 0..<n { z[i] = s.tScale * s.values[i] + s.tBias }
        (z + n).update(repeating: 0, count: ld - n)
        guard CholeskySolver.factor(dual, rank: n, n16: ld, diagonal: scratch.diagonal) else { return false }
        CholeskySolver.solve(dual, rank: n, n16: ld, z)
        x.update(repeating: 0, count: n16)
        for i in 0..<n { VectorKernels.axpy(z[i], s.factors + Int(s.rows[i]) &* n16, x, n16) }
        return x[0].isFinite
    }
}
