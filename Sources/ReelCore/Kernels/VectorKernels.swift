/// SIMD building blocks of the ALS row solvers. Vectors are Float rows whose
/// length is padded to a multiple of 16 (`n16`) with zeros, so every loop is
/// whole `SIMD16` steps with no tail. Built for x86-64-v3, `addProduct`
/// becomes one FMA per 8 lanes.
///
/// `public` and `@inlinable`, not `package`: Swift serialises only public bodies for other
/// modules, and an out-of-line `load` per FMA made the top-K kernel 2.2x slower
/// (docs/architecture.md, "Access").
public enum VectorKernels {
    /// 1 in each lane whose score is not above `threshold` (sign bit of the
    /// difference; a NaN lane may count either way — the exact check follows).
    @inlinable @inline(__always) public static func notAbove(_ s: SIMD16<Float>, _ threshold: Float) -> SIMD16<UInt32> {
        unsafeBitCast(s - SIMD16(repeating: threshold), to: SIMD16<UInt32>.self) &>> 31
    }

    @inlinable @inline(__always) public static func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inlinable @inline(__always) public static func store(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }

    /// x · y over `n16` floats (one horizontal sum at the end).
    @inlinable @inline(__always) public static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n16: Int) -> Float {
        var acc = SIMD16<Float>()
        var i = 0
        while i < n16 { acc.addProduct(load(x + i), load(y + i)); i &+= 16 }
        return acc.sum()
    }

    /// y += a · x over `n16` floats.
    @inlinable @inline(__always) public static func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n16: Int) {
        let s = SIMD16<Float>(repeating: a)
        var i = 0
        while i < n16 {
            var v = load(y + i)
            v.addProduct(s, load(x + i))
            store(v, y + i)
            i &+= 16
        }
    }

    /// y = x + b · y over `n16` floats (the CG direction update).
    @inlinable @inline(__always) public static func xpby(_ x: UnsafePointer<Float>, _ b: Float, _ y: UnsafeMutablePointer<Float>, _ n16: Int) {
        let s = SIMD16<Float>(repeating: b)
        var i = 0
        while i < n16 {
            var v = load(x + i)
            v.addProduct(s, load(y + i))
            store(v, y + i)
            i &+= 16
        }
    }

    /// out = M · p for a full symmetric `n16 × n16` matrix M (row stride n16):
    /// the sum of p[c] · row c, so the matrix is read row by row.
    @inlinable @inline(__always) public static func symmetricMultiply(
        _ m: UnsafePointer<Float>, _ p: UnsafePointer<Float>,
        _ out: UnsafeMutablePointer<Float>, rank: Int, n16: Int
    ) {
        out.update(repeating: 0, count: n16)
        for c in 0..<rank { axpy(p[c], m + c * n16, out, n16) }
    }

    /// Copies `n16` floats (whole `SIMD16` steps, no libc call: a row is
    /// 64–256 bytes, where `memmove`'s dispatch cost more than the copy).
    @inlinable @inline(__always) public static func copy(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n16: Int) {
        var i = 0
        while i < n16 { store(load(x + i), y + i); i &+= 16 }
    }

    /// Items per gathered block of `accumulateOuterProducts` (two copies of
    /// 32 rows of rank 64 fill half of a 32 KiB L1).
    public static let gatherRows = 32

    /// A += Σₖ wₖ · yₖ yₖᵀ over the upper triangle of A (row stride n16), where
    /// yₖ is row `rows[k]` of `factors` (stride n16) and wₖ = `wScale · values[k]
    /// + wBias`. Entries below the diagonal are partly updated (scratch).
    ///
    /// This is the dominant cost of a Cholesky ALS solve (n · r² / 2 FMAs per
    /// row). Items are first gathered `gatherRows` at a time into contiguous
    /// scratch (`gather`, 2 · gatherRows · n16 floats) — yₖ and wₖ·yₖ — so the
    /// scattered loads overlap in one pass instead of stalling the FMA loop;
    /// `rankUpdate` then streams over the L1-resident block.
    @inlinable public static func accumulateOuterProducts(
        _ a: UnsafeMutablePointer<Float>, rank: Int, n16: Int,
        factors: UnsafePointer<Float>,
        rows: UnsafePointer<Int32>, values: UnsafePointer<Float>, count: Int,
        wScale: Float, wBias: Float, gather: UnsafeMutablePointer<Float>
    ) {
        let weighted = wScale != 0 || wBias != 1
        let plain = gather, scaled = weighted ? gather + gatherRows * n16 : gather
        var start = 0
        while start < count {
            let n = min(count - start, gatherRows)
            for k in 0..<n {
                let y = factors + Int(rows[start + k]) &* n16
                copy(y, plain + k * n16, n16)
                if weighted {
                    let w = SIMD16<Float>(repeating: wScale * values[start + k] + wBias)
                    var c = 0
                    while c < n16 { store(w * load(y + c), scaled + k * n16 + c); c &+= 16 }
                }
            }
            rankUpdate(a, lda: n16, dim: rank, x: plain, s: scaled, ldx: n16, count: n)
            start += n
        }
    }

    /// The register-tiled core of a symmetric rank-`count` update:
    /// A[i][c] += Σₖ s[k][i] · x[k][c] for the upper triangle of the `dim × dim`
    /// matrix A (row stride `lda`), one `rowBlockUpdate` per 4 rows.
    /// `x` and `s` are `count` contiguous rows of stride `ldx` ≥ roundUp(dim, 16),
    /// zero past `dim` (s = x for a plain XᵀX).
    @inlinable @inline(__always) public static func rankUpdate(
        _ a: UnsafeMutablePointer<Float>, lda: Int, dim: Int,
        x: UnsafePointer<Float>, s: UnsafePointer<Float>, ldx: Int, count: Int
    ) {
        let dim4 = roundUp(dim, 4), dim16 = roundUp(dim, 16)
        var i0 = 0
        while i0 < dim4 {
            rowBlockUpdate(a, lda: lda, row: i0, columns: dim16, x: x, s: s, ldx: ldx, count: count, subtract: false)
            i0 &+= 4
        }
    }

    /// Rows `row..<row+4` of A (stride `lda`), columns from row's 16-block to
    /// `columns`, gain (or lose, `subtract`) Σₖ s[k][row + r] · x[k][c] over
    /// `count` rows k of stride `ldx`. 4 × 16 register tiles: four `SIMD16`
    /// accumulators stay in registers over all k, 8 FMAs per 16-float load
    /// and 4 broadcasts. Entries below the diagonal are partly updated
    /// (whatever the tiles cover): callers use the upper triangle only.
    /// Shared by the outer-product accumulation and the blocked Cholesky's
    /// trailing update.
    @inlinable @inline(__always) public static func rowBlockUpdate(
        _ a: UnsafeMutablePointer<Float>, lda: Int, row: Int, columns: Int,
        x: UnsafePointer<Float>, s: UnsafePointer<Float>, ldx: Int, count: Int,
        subtract: Bool
    ) {
        var c0 = row & ~15
        if row & 8 != 0, c0 + 16 <= columns {
            // The block's first 8 columns lie wholly below the diagonal: an
            // 8-wide tile for the other 8 saves 1/10 of the work at rank 64.
            tile(
                SIMD8<Float>.self, a, lda: lda, row: row, column: c0 + 8, x: x, s: s, ldx: ldx, count: count,
                subtract: subtract)
            c0 &+= 16
        }
        while c0 < columns {
            tile(
                SIMD16<Float>.self, a, lda: lda, row: row, column: c0, x: x, s: s, ldx: ldx, count: count,
                subtract: subtract)
            c0 &+= 16
        }
    }

    /// One 4 × `V.scalarCount` tile of `rowBlockUpdate` at (row, column).
    @inlinable @inline(__always) public static func tile<V: SIMD>(
        _: V.Type, _ a: UnsafeMutablePointer<Float>, lda: Int, row: Int,
        column: Int, x: UnsafePointer<Float>, s: UnsafePointer<Float>,
        ldx: Int, count: Int, subtract: Bool
    ) where V.Scalar == Float {
        var a0 = V(), a1 = V(), a2 = V(), a3 = V()
        var xk = x + column, sk = s + row
        for _ in 0..<count {
            let v = UnsafeRawPointer(xk).loadUnaligned(as: V.self)
            a0.addProduct(V(repeating: sk[0]), v)
            a1.addProduct(V(repeating: sk[1]), v)
            a2.addProduct(V(repeating: sk[2]), v)
            a3.addProduct(V(repeating: sk[3]), v)
            xk += ldx
            sk += ldx
        }
        if subtract { a0 = -a0; a1 = -a1; a2 = -a2; a3 = -a3 }
        let r0 = UnsafeMutableRawPointer(a + row * lda + column), stride = lda * 4
        r0.storeBytes(of: r0.loadUnaligned(as: V.self) + a0, as: V.self)
        (r0 + stride).storeBytes(of: (r0 + stride).loadUnaligned(as: V.self) + a1, as: V.self)
        (r0 + 2 * stride).storeBytes(of: (r0 + 2 * stride).loadUnaligned(as: V.self) + a2, as: V.self)
        (r0 + 3 * stride).storeBytes(of: (r0 + 3 * stride).loadUnaligned(as: V.self) + a3, as: V.self)
    }

    /// Copies the upper triangle of a square matrix (stride n16) onto its lower one.
    @inlinable public static func mirrorUpper(_ a: UnsafeMutablePointer<Float>, rank: Int, n16: Int) {
        for i in 0..<rank { for j in 0..<i { a[i * n16 + j] = a[j * n16 + i] } }
    }
}
