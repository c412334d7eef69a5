import ReelCore

/// The first pass of `FoldInModel.topK`: movies' scores from a bf16 copy of
/// the movie factors, in decreasing order of the factors' norm, built once
/// when the release is loaded.
///
/// Why bf16: at ml-25m scale the f32 factors are 16 MB that a fold-in would
/// stream once per request; bf16 halves that. A bf16 value is the top half of
/// an f32, so widening is one shift or mask per 8 lanes (Swift's generic SIMD
/// integer/float conversions compile to calls, and Float16 widening would go
/// through them too). Its rounding error is at most 2⁻⁹ of each factor, which
/// `errorBound` turns into a bound E on every score; `topK` re-scores in f32
/// only the movies that bound cannot rule out, so the list served is the f32 one.
///
/// Why by norm: a movie scores at most ‖x‖‖y‖ (Cauchy–Schwarz), and ALS
/// factor norms are very skewed (ml-25m scale synth: median 0.22, max 13), so
/// once ‖x‖ times the next panel's largest norm is below the k-th best score
/// found, no later movie can enter: the scan stops, typically after a few
/// thousand of 62k movies.
///
/// Layout: panels of 16 movies (`rows` maps a position to its movie row, −1
/// for padding); in a panel, for each pair of dimensions (d, d+1), 16 words
/// whose low half is the movie's bf16 factor d and whose high half factor d+1.
/// One 64-byte load gives two dimensions of 16 movies.
struct FoldInScan {
    let panels: Int
    /// Dimensions rounded up to 4 (zero codes in the padding).
    let rank4: Int
    /// `panels × (rank4 / 2) × 16` words.
    let words: UnsafeMutablePointer<UInt32>
    /// Position → movie row (`panels × 16`, −1 past the last movie).
    let rows: UnsafeMutablePointer<Int32>
    /// The largest factor norm in each panel (its first movie's), rounded up; decreasing.
    let panelNorms: UnsafeMutablePointer<Float>
    /// The largest Euclidean norm of a movie's f32 factors.
    let maxNorm: Float

    init(movieFactors: UnsafeBufferPointer<Float>, movieCount: Int, rank: Int) {
        panels = (movieCount + 15) / 16
        rank4 = roundUp(rank, 4)
        let count = max(1, panels) * (rank4 / 2) * 16
        words = .allocate(capacity: count)
        words.initialize(repeating: 0, count: count)
        rows = .allocate(capacity: max(1, panels) * 16)
        rows.initialize(repeating: -1, count: max(1, panels) * 16)
        panelNorms = .allocate(capacity: max(1, panels))
        panelNorms.initialize(repeating: 0, count: max(1, panels))
        var norms = [Double](repeating: 0, count: movieCount)
        for m in 0..<movieCount {
            var norm: Double = 0
            for d in 0..<rank { let v = Double(movieFactors[m * rank + d]); norm += v * v }
            norms[m] = norm.squareRoot()
        }
        // NaN norms first: such a movie can never be ruled out by its norm.
        let order = (0..<movieCount).sorted { a, b in
            let na = norms[a].isNaN ? .infinity : norms[a], nb = norms[b].isNaN ? .infinity : norms[b]
            return na != nb ? na > nb : a < b
        }
        for (position, m) in order.enumerated() {
            rows[position] = Int32(m)
            if position % 16 == 0 {
                let n = norms[m].isNaN ? Double.infinity : norms[m]
                panelNorms[position / 16] = Float(n * (1 + 1e-6)).nextUp
            }
            let panel = words + (position / 16) * (rank4 / 2) * 16 + (position % 16)
            for d in 0..<rank {
                let half = UInt32(Self.bf16(movieFactors[m * rank + d]))
                panel[(d / 2) * 16] |= d % 2 == 0 ? half : half << 16
            }
        }
        maxNorm = panels > 0 ? panelNorms[0] : 0
    }

    func free() {
        words.deallocate()
        rows.deallocate()
        panelNorms.deallocate()
    }

    /// f32 → bf16, rounding to nearest even (NaN stays NaN: the quiet bit is kept).
    static func bf16(_ v: Float) -> UInt16 {
        let bits = v.bitPattern
        if v.isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040 }
        let rounded = bits &+ 0x7FFF &+ ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: rounded >> 16)
    }

    /// ‖x‖ over the first `rank` entries.
    static func norm(_ x: UnsafePointer<Float>, rank: Int) -> Float {
        var sum: Double = 0
        for d in 0..<rank { sum += Double(x[d]) * Double(x[d]) }
        return Float(sum.squareRoot()).nextUp
    }

    /// A bound on |bf16 score − f32 score| for every movie and a user row of
    /// norm `xNorm`: Σ|x_d||y_d − ŷ_d| ≤ 2⁻⁹ ‖x‖‖y‖ (Cauchy–Schwarz), plus both
    /// passes' f32 summation error (≤ 2 · rank · 2⁻²⁴ ‖x‖‖y‖), with margin.
    func errorBound(xNorm: Float) -> Float {
        let summation = 2 * Double(rank4) * 0x1p-24
        return Float(Double(xNorm) * Double(maxNorm) * ((0x1p-9 + summation) * 1.02) + 1e-30)
    }

    /// Scores panels in order into `out` (by position) and offers the eligible
    /// movies (`excluded[row] == 0`) to `best`, which keeps the k best by
    /// position. Stops before the first panel whose movies cannot reach
    /// `best`'s k-th score minus 3E (`bound`), not even with rounding; returns
    /// how many panels it scored.
    @inline(__always)
    func scores(
        _ x: UnsafePointer<Float>, xNorm: Float, bound: Float, into out: UnsafeMutablePointer<Float>,
        excluded: UnsafePointer<UInt8>, best: inout TopKCandidates
    ) -> Int {
        let high = SIMD16<UInt32>(repeating: 0xFFFF_0000)
        var p = UnsafeRawPointer(words)
        let step = rank4 &* 32
        let reach = xNorm * (1 + 1e-4)
        let slack = 3 * bound
        for panel in 0..<panels {
            if panel & 31 == 0 && best.count > best.k { best.keepBest() }
            // The best any movie from here on can score (panels by decreasing norm).
            if reach * panelNorms[panel] + slack < best.threshold { return panel }
            var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
            var d = 0
            while d < rank4 {
                let w0 = p.loadUnaligned(fromByteOffset: d &* 32, as: SIMD16<UInt32>.self)
                let w1 = p.loadUnaligned(fromByteOffset: d &* 32 &+ 64, as: SIMD16<UInt32>.self)
                a0.addProduct(SIMD16(repeating: x[d]), unsafeBitCast(w0 &<< 16, to: SIMD16<Float>.self))
                a1.addProduct(SIMD16(repeating: x[d &+ 1]), unsafeBitCast(w0 & high, to: SIMD16<Float>.self))
                a2.addProduct(SIMD16(repeating: x[d &+ 2]), unsafeBitCast(w1 &<< 16, to: SIMD16<Float>.self))
                a3.addProduct(SIMD16(repeating: x[d &+ 3]), unsafeBitCast(w1 & high, to: SIMD16<Float>.self))
                d &+= 4
            }
            p += step
            let s = (a0 + a1) + (a2 + a3)
            let base = panel &* 16
            VectorKernels.store(s, out + base)
            if VectorKernels.notAbove(s, best.threshold).wrappedSum() == 16 { continue }
            for l in 0..<16 where out[base &+ l] > best.threshold {
                let row = rows[base &+ l]
                if row >= 0 && excluded[Int(row)] == 0 { best.push(out[base &+ l], Int32(base &+ l)) }
            }
        }
        return panels
    }
}
