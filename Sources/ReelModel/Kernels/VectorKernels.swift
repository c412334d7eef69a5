/// SIMD building blocks of the ALS row solvers. Vectors are Float rows whose
/// length is padded to a multiple of 16 (`n16`) with zeros, so every loop is
/// whole `SIMD16` steps with no tail. Built for x86-64-v3, `addProduct`
/// becomes one FMA per 8 lanes.
enum VectorKernels {
    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always) static func store(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }

    /// x · y over `n16` floats (one horizontal sum at the end).
    @inline(__always) static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n16: Int) -> Float {
        var acc = SIMD16<Float>()
        var i = 0
        while i < n16 { acc.addProduct(load(x + i), load(y + i)); i &+= 16 }
        return acc.sum()
    }

    /// y += a · x over `n16` floats.
    @inline(__always) static func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n16: Int) {
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
    @inline(__always) static func xpby(_ x: UnsafePointer<Float>, _ b: Float, _ y: UnsafeMutablePointer<Float>, _ n16: Int) {
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
    @inline(__always) static func symmetricMultiply(_ m: UnsafePointer<Float>, _ p: UnsafePointer<Float>,
                                                    _ out: UnsafeMutablePointer<Float>, rank: Int, n16: Int) {
        out.update(repeating: 0, count: n16)
        for c in 0..<rank { axpy(p[c], m + c * n16, out, n16) }
    }

    /// Items per gathered block of `accumulateOuterProducts` (two copies of
    /// 32 rows of rank 64 fill half of a 32 KiB L1).
    static let gatherRows = 32

    /// A += Σₖ wₖ · yₖ yₖᵀ over the upper triangle of A (row stride n16), in
    /// 4 × 16 register tiles, where yₖ is row `rows[k]` of `factors` (stride n16)
    /// and wₖ = `wScale · values[k] + wBias`. Entries left of each tile's
    /// 16-column block are not touched; entries in the block below the
    /// diagonal receive correct (symmetric) values.
    ///
    /// This is the dominant cost of a Cholesky ALS solve (n · r² / 2 FMAs per
    /// row). Items are first gathered `gatherRows` at a time into contiguous
    /// scratch (`gather`, 2 · gatherRows · n16 floats) — yₖ and wₖ·yₖ — so the
    /// scattered loads overlap in one pass instead of stalling the FMA loop,
    /// and every tile then streams over L1-resident rows with its 4
    /// accumulators in registers.
    static func accumulateOuterProducts(_ a: UnsafeMutablePointer<Float>, rank: Int, n16: Int,
                                        factors: UnsafePointer<Float>,
                                        rows: UnsafePointer<Int32>, values: UnsafePointer<Float>, count: Int,
                                        wScale: Float, wBias: Float, gather: UnsafeMutablePointer<Float>) {
        let rank4 = roundUp(rank, 4)
        let weighted = wScale != 0 || wBias != 1
        let plain = gather, scaled = weighted ? gather + gatherRows * n16 : gather
        var start = 0
        while start < count {
            let n = min(count - start, gatherRows)
            for k in 0..<n {
                let y = factors + Int(rows[start + k]) &* n16
                let dst = plain + k * n16
                dst.update(from: y, count: n16)
                if weighted {
                    let w = SIMD16<Float>(repeating: wScale * values[start + k] + wBias)
                    var c = 0
                    while c < n16 { store(w * load(y + c), scaled + k * n16 + c); c &+= 16 }
                }
            }
            var i0 = 0
            while i0 < rank4 {
                var c0 = i0 & ~15
                while c0 < n16 {
                    var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
                    var x = UnsafePointer(plain + c0), s = UnsafePointer(scaled + i0)
                    for _ in 0..<n {
                        let v = load(x)
                        a0.addProduct(SIMD16(repeating: s[0]), v)
                        a1.addProduct(SIMD16(repeating: s[1]), v)
                        a2.addProduct(SIMD16(repeating: s[2]), v)
                        a3.addProduct(SIMD16(repeating: s[3]), v)
                        x += n16
                        s += n16
                    }
                    let r0 = a + i0 * n16 + c0
                    store(load(r0) + a0, r0)
                    store(load(r0 + n16) + a1, r0 + n16)
                    store(load(r0 + 2 * n16) + a2, r0 + 2 * n16)
                    store(load(r0 + 3 * n16) + a3, r0 + 3 * n16)
                    c0 &+= 16
                }
                i0 &+= 4
            }
            start += n
        }
    }

    /// Copies the upper triangle of a square matrix (stride n16) onto its lower one.
    static func mirrorUpper(_ a: UnsafeMutablePointer<Float>, rank: Int, n16: Int) {
        for i in 0..<rank { for j in 0..<i { a[i * n16 + j] = a[j * n16 + i] } }
    }
}
