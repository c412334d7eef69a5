/// In-place Cholesky factorisation A = UᵀU of a symmetric positive definite
/// `rank × rank` matrix held in the upper triangle (row stride `n16` ≥
/// roundUp(rank, 16)), and the two triangular solves.
///
/// Blocked left-looking: rows are finished four at a time; a block first
/// loses Σₖ U[k][j] · (row k) of every finished row above it in one
/// register-tiled pass (`VectorKernels.rowBlockUpdate`, the same 4 × 16 tile
/// as the outer products), then is factorised on its own with 8-lane row
/// updates. Nearly all of the r³/6 FMAs run in the tiles, with loads and
/// no stores in the inner loop (the right-looking version it replaced did a
/// load-FMA-store per 8 lanes and cost a third of explicit training).
public enum CholeskySolver {
    /// A pivot at or below this fraction of its original diagonal entry means
    /// the system is singular to Float precision.
    public static let singularPivotRatio: Float = 1e-6

    /// Rows finished per block.
    public static let block = 4

    /// Factorises in place. `diagonal` (length ≥ rank) is scratch for the
    /// original diagonal. Returns false when the matrix is not positive
    /// definite (a non-positive, tiny or non-finite pivot). Entries below the
    /// diagonal are scratch: read (finite) and overwritten.
    @inlinable public static func factor(
        _ a: UnsafeMutablePointer<Float>, rank: Int, n16: Int,
        diagonal: UnsafeMutablePointer<Float>
    ) -> Bool {
        for j in 0..<rank { diagonal[j] = a[j * n16 + j] }
        let n8 = roundUp(rank, 8), columns = roundUp(rank, 16)
        var j0 = 0
        while j0 < rank {
            if j0 > 0 {
                VectorKernels.rowBlockUpdate(
                    a, lda: n16, row: j0, columns: columns, x: a, s: a, ldx: n16, count: j0,
                    subtract: true)
            }
            for j in j0..<min(j0 + block, rank) {
                let rowJ = a + j * n16
                for k in j0..<j {
                    let f = a[k * n16 + j]
                    if f != 0 { axpy8(-f, a + k * n16, rowJ, from: j & ~7, to: n8) }
                }
                let d = rowJ[j]
                guard d.isFinite, d > 0, d > diagonal[j] * singularPivotRatio else { return false }
                let s = d.squareRoot()
                let inv = 1 / s
                rowJ[j] = s
                let aligned = min(roundUp(j + 1, 8), n8)
                for c in (j + 1)..<max(j + 1, aligned) { rowJ[c] *= inv }
                let invs = SIMD8<Float>(repeating: inv)
                var c = aligned
                while c < n8 { store8(invs * load8(rowJ + c), rowJ + c); c &+= 8 }
            }
            j0 &+= block
        }
        return true
    }

    /// y[c] += a · x[c] for c in from..<to (8-aligned bounds).
    @inlinable @inline(__always) public static func axpy8(
        _ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
        from: Int, to: Int
    ) {
        let s = SIMD8<Float>(repeating: a)
        var c = from
        while c < to {
            var v = load8(y + c)
            v.addProduct(s, load8(x + c))
            store8(v, y + c)
            c &+= 8
        }
    }

    /// Solves UᵀU x = b with the factor from `factor`; `b` is overwritten
    /// with x. `b` must hold roundUp(rank, 8) finite entries; those past
    /// `rank` are updated with U's (zero) padding and stay unchanged.
    ///
    /// Both substitutions run on rows of U: the forward one spreads z[k] onto
    /// the later entries (an 8-lane axpy once the row is 8-aligned), the
    /// backward one is an 8-lane dot product with the row's upper part.
    @inlinable public static func solve(_ u: UnsafePointer<Float>, rank: Int, n16: Int, _ b: UnsafeMutablePointer<Float>) {
        let n8 = roundUp(rank, 8)
        // Uᵀ z = b: forward.
        for k in 0..<rank {
            let row = u + k * n16
            let z = b[k] / row[k]
            b[k] = z
            let aligned = min(roundUp(k + 1, 8), n8)
            for c in (k + 1)..<max(k + 1, aligned) { b[c] -= z * row[c] }
            axpy8(-z, row, b, from: aligned, to: n8)
        }
        // U x = z: backward.
        var i = rank - 1
        while i >= 0 {
            let row = u + i * n16
            let aligned = min(roundUp(i + 1, 8), n8)
            var s = b[i]
            for c in (i + 1)..<max(i + 1, aligned) { s -= row[c] * b[c] }
            var acc = SIMD8<Float>()
            var c = aligned
            while c < n8 { acc.addProduct(load8(row + c), load8(b + c)); c &+= 8 }
            b[i] = (s - acc.sum()) / row[i]
            i -= 1
        }
    }

    @inlinable @inline(__always) public static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inlinable @inline(__always) public static func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }
}
