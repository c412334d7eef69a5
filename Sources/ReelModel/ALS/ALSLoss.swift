import ReelCore
/// The objective each mode minimises, and the train RMSE, computed after an
/// iteration. Partial sums run over fixed chunks of users in Double and are
/// added in chunk order (thread-count independent).
enum ALSLoss {
    static let chunkSize = 1024

    /// Returns (loss, train RMSE). For implicit mode `gram` is overwritten
    /// with VᵀV of the current movie factors.
    static func compute(
        params: ALSParams, users: FloatBuffer, movies: FloatBuffer, n16: Int,
        byUser: CSRView, byMovie: CSRView, gram: FloatBuffer
    ) -> (Double, Double) {
        let rank = params.rank
        let implicit = params.mode == .implicit
        if implicit { GramMatrix.compute(movies, rows: byMovie.rows, rank: rank, n16: n16, threads: params.threads, into: gram) }
        let chunks = Parallel.chunkCount(byUser.rows, chunkSize: chunkSize)
        // Per chunk: [data term, squared error, regularisation].
        let partials = SendablePointer(UnsafeMutablePointer<Double>.allocate(capacity: max(1, chunks) * 3))
        defer { partials.base.deallocate() }
        partials.base.initialize(repeating: 0, count: max(1, chunks) * 3)
        let product = FloatBuffer(count: params.threads * n16)
        defer { product.free() }
        let alpha = params.alpha
        Parallel.forEachChunk(count: byUser.rows, chunkSize: chunkSize, threads: params.threads) { chunk, rows, worker in
            var data = 0.0, squared = 0.0, norms = 0.0
            let gu = product.base + worker * n16
            for u in rows {
                let x = users.base + u * n16
                let range = byUser.range(u)
                let norm = Double(VectorKernels.dot(x, x, n16))
                if implicit {
                    // Σ over all movies of (uᵀv)² through VᵀV, then corrections on rated pairs.
                    VectorKernels.symmetricMultiply(gram.base, x, gu, rank: rank, n16: n16)
                    data += Double(VectorKernels.dot(x, gu, n16))
                    norms += norm
                } else {
                    norms += norm * Double(range.count)
                }
                for j in range {
                    let s = Double(VectorKernels.dot(x, movies.base + Int(byUser.index[j]) * n16, n16))
                    let r = Double(byUser.values[j])
                    if implicit {
                        let c = 1 + Double(alpha) * r
                        data += c * (1 - s) * (1 - s) - s * s
                        squared += (1 - s) * (1 - s)
                    } else {
                        data += (r - s) * (r - s)
                        squared += (r - s) * (r - s)
                    }
                }
            }
            partials[chunk * 3] = data
            partials[chunk * 3 + 1] = squared
            partials[chunk * 3 + 2] = norms
        }
        var data = 0.0, squared = 0.0, norms = 0.0
        for c in 0..<chunks { data += partials[c * 3]; squared += partials[c * 3 + 1]; norms += partials[c * 3 + 2] }
        for m in 0..<byMovie.rows {
            let v = movies.base + m * n16
            let weight = implicit ? 1.0 : Double(byMovie.range(m).count)
            norms += weight * Double(VectorKernels.dot(v, v, n16))
        }
        let count = Double(max(1, Int(byUser.offsets[byUser.rows])))
        return (data + Double(params.lambda) * norms, (squared / count).squareRoot())
    }
}
