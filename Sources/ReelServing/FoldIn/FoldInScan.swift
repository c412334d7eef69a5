import ReelCore

/// The first pass of `FoldInModel.topK`: every movie's score from a bf16 copy
/// of the movie factors, built once when the release is loaded.
///
/// Why bf16: at ml-25m scale the f32 factors are 16 MB that a fold-in streams
/// once per request, and the scan was bound by that traffic; bf16 halves it.
/// A bf16 value is the top half of an f32, so widening is one shift or mask
/// per 8 lanes (Swift's generic SIMD integer/float conversions compile to
/// calls, and Float16 widening would go through them too). Its rounding error
/// is at most 2⁻⁹ of each factor, which `errorBound` turns into a bound on
/// every score; `topK` then re-scores in f32 only the movies that bound
/// cannot rule out, so the list served is the f32 one.
///
/// Layout: panels of 16 movies; in a panel, for each pair of dimensions
/// (d, d+1), 16 words whose low half is movie l's bf16 factor d and whose high
/// half is its factor d+1. One 64-byte load gives two dimensions of 16 movies.
struct FoldInScan {
    let panels: Int
    /// Dimensions rounded up to 4 (zero codes in the padding).
    let rank4: Int
    /// `panels × (rank4 / 2) × 16` words.
    let words: UnsafeMutablePointer<UInt32>
    /// The largest Euclidean norm of a movie's f32 factors.
    let maxNorm: Float

    init(movieFactors: UnsafeBufferPointer<Float>, movieCount: Int, rank: Int) {
        panels = (movieCount + 15) / 16
        rank4 = roundUp(rank, 4)
        let count = max(1, panels) * (rank4 / 2) * 16
        words = .allocate(capacity: count)
        words.initialize(repeating: 0, count: count)
        var largest: Double = 0
        for m in 0..<movieCount {
            let panel = words + (m / 16) * (rank4 / 2) * 16 + (m % 16)
            var norm: Double = 0
            for d in 0..<rank {
                let v = movieFactors[m * rank + d]
                norm += Double(v) * Double(v)
                let half = UInt32(Self.bf16(v))
                panel[(d / 2) * 16] |= d % 2 == 0 ? half : half << 16
            }
            largest = max(largest, norm.squareRoot())
        }
        maxNorm = Float(largest)
    }

    func free() { words.deallocate() }

    /// f32 → bf16, rounding to nearest even (NaN stays NaN: the quiet bit is kept).
    static func bf16(_ v: Float) -> UInt16 {
        let bits = v.bitPattern
        if v.isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040 }
        let rounded = bits &+ 0x7FFF &+ ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: rounded >> 16)
    }

    /// A bound on |bf16 score − f32 score| for every movie and user row `x`:
    /// Σ|x_d||y_d − ŷ_d| ≤ 2⁻⁹ ‖x‖‖y‖ (Cauchy–Schwarz), plus both passes' f32
    /// summation error (≤ 2 · 64 · 2⁻²⁴ ‖x‖‖y‖ at rank 64), with margin.
    func errorBound(_ x: UnsafePointer<Float>, rank: Int) -> Float {
        var sum: Double = 0
        for d in 0..<rank { sum += Double(x[d]) * Double(x[d]) }
        let summation = 2 * Double(rank4) * 0x1p-24
        return Float(sum.squareRoot() * Double(maxNorm) * ((0x1p-9 + summation) * 1.02) + 1e-30)
    }

    /// Writes every movie's bf16 score into `out` (whole panels) and offers the
    /// eligible ones (`excluded[m] == 0`) to `best`, which keeps the k best.
    @inline(__always)
    func scores(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, excluded: UnsafePointer<UInt8>,
                movieCount: Int, best: inout TopKCandidates) {
        let high = SIMD16<UInt32>(repeating: 0xFFFF_0000)
        var p = UnsafeRawPointer(words)
        let step = rank4 &* 32
        for panel in 0..<panels {
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
            for l in 0..<min(16, movieCount &- base) where out[base &+ l] > best.threshold && excluded[base &+ l] == 0 {
                best.push(out[base &+ l], Int32(base &+ l))
            }
        }
    }
}
