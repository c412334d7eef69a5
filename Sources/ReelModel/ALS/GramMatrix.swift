import ReelCore
/// YᵀY of a whole factor matrix, needed once per implicit half-step (it
/// stands for every unobserved pair) and for the implicit loss.
///
/// Rows are reduced in fixed chunks of 4,096 whose partial sums are added in
/// chunk order, so the result is the same for every thread count.
enum GramMatrix {
    static let chunkSize = 4096

    /// Writes the full symmetric `n16 × n16` YᵀY of the first `rows` rows of
    /// `factors` (stride n16) into `out`.
    static func compute(_ factors: FloatBuffer, rows: Int, rank: Int, n16: Int, threads: Int, into out: FloatBuffer) {
        let chunks = Parallel.chunkCount(rows, chunkSize: chunkSize)
        let size = n16 * n16
        let partials = FloatBuffer(count: max(1, chunks) * size)
        defer { partials.free() }
        let identity = SendablePointer(UnsafeMutablePointer<Int32>.allocate(capacity: chunkSize))
        defer { identity.base.deallocate() }
        for i in 0..<chunkSize { identity[i] = Int32(i) }
        let zeros = FloatBuffer(count: chunkSize)
        defer { zeros.free() }
        let gathers = FloatBuffer(count: max(1, threads) * 2 * VectorKernels.gatherRows * n16)
        defer { gathers.free() }
        Parallel.forEachChunk(count: rows, chunkSize: chunkSize, threads: threads) { chunk, range, worker in
            VectorKernels.accumulateOuterProducts(
                partials.base + chunk * size, rank: rank, n16: n16,
                factors: factors.base + range.lowerBound * n16,
                rows: identity.base, values: zeros.base, count: range.count,
                wScale: 0, wBias: 1,
                gather: gathers.base + worker * 2 * VectorKernels.gatherRows * n16)
        }
        out.base.update(repeating: 0, count: size)
        for c in 0..<chunks {
            let p = partials.base + c * size
            for i in 0..<rank {
                let row = (i & ~15)
                for j in row..<n16 { out[i * n16 + j] += p[i * n16 + j] }
            }
        }
        VectorKernels.mirrorUpper(out.base, rank: rank, n16: n16)
        for i in rank..<n16 { for j in 0..<n16 { out[i * n16 + j] = 0; out[j * n16 + i] = 0 } }
    }
}
