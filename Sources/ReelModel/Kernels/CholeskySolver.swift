/// In-place Cholesky factorisation A = UᵀU of a symmetric positive definite
/// `rank × rank` matrix held in the upper triangle (row stride `n16`), and
/// the two triangular solves. Right-looking: after row j is scaled, every
/// later row i loses U[j][i] · (row j), a contiguous SIMD update, so the
/// r³/6 FMAs run 8 lanes at a time.
enum CholeskySolver {
    /// A pivot at or below this fraction of its original diagonal entry means
    /// the system is singular to Float precision.
    static let singularPivotRatio: Float = 1e-6

    /// Factorises in place. `diagonal` (length ≥ rank) is scratch for the
    /// original diagonal. Returns false when the matrix is not positive
    /// definite (a non-positive, tiny or non-finite pivot).
    static func factor(_ a: UnsafeMutablePointer<Float>, rank: Int, n16: Int,
                       diagonal: UnsafeMutablePointer<Float>) -> Bool {
        for j in 0..<rank { diagonal[j] = a[j * n16 + j] }
        let n8 = roundUp(rank, 8)
        for j in 0..<rank {
            let rowJ = a + j * n16
            let d = rowJ[j]
            guard d.isFinite, d > 0, d > diagonal[j] * singularPivotRatio else { return false }
            let s = d.squareRoot()
            let inv = 1 / s
            rowJ[j] = s
            for c in (j + 1)..<max(j + 1, rank) { rowJ[c] *= inv }
            var i = j + 1
            while i < rank {
                let f = rowJ[i]
                if f != 0 {
                    let rowI = a + i * n16
                    let fs = SIMD8<Float>(repeating: f)
                    var c = i & ~7
                    while c < n8 {
                        var v = UnsafeRawPointer(rowI + c).loadUnaligned(as: SIMD8<Float>.self)
                        v.addProduct(-fs, UnsafeRawPointer(rowJ + c).loadUnaligned(as: SIMD8<Float>.self))
                        UnsafeMutableRawPointer(rowI + c).storeBytes(of: v, as: SIMD8<Float>.self)
                        c &+= 8
                    }
                }
                i &+= 1
            }
        }
        return true
    }

    /// Solves UᵀU x = b with the factor from `factor`; `b` is overwritten
    /// with x (entries past `rank` are left untouched).
    static func solve(_ u: UnsafePointer<Float>, rank: Int, n16: Int, _ b: UnsafeMutablePointer<Float>) {
        // Uᵀ z = b: forward, row k of U spreads z[k] onto the later entries.
        for k in 0..<rank {
            let row = u + k * n16
            let z = b[k] / row[k]
            b[k] = z
            for c in (k + 1)..<max(k + 1, rank) { b[c] -= z * row[c] }
        }
        // U x = z: backward, a dot product with the row's upper part.
        var i = rank - 1
        while i >= 0 {
            let row = u + i * n16
            var s = b[i]
            for c in (i + 1)..<max(i + 1, rank) { s -= row[c] * b[c] }
            b[i] = s / row[i]
            i -= 1
        }
    }
}
