import ReelCore

/// Everything needed to recommend for a user the model was not trained on:
/// the movie factors Y, their Gram matrix YᵀY and the training's `FoldInParams`.
///
/// A fold-in solves the one ALS row training would have solved for those
/// ratings — the same `RowSystem`, by the same `RowSolver.cholesky` — then
/// scores every movie that has factors. Cost: one rank × rank system
/// (≈ r³/6 FMAs plus n·r² for n ratings) and M·r FMAs for M movies; at
/// ml-25m scale (62k movies, rank 64) about 0.1–0.3 ms on one core.
///
/// Immutable after `init` and shared by every connection; per-call state lives
/// in a `FoldInScratch` (one per connection or thread), so a fold-in allocates
/// nothing. The factor and Gram views may point into a mapped release: `owner`
/// keeps the mapping alive as long as this model is.
public final class FoldInModel: @unchecked Sendable {
    public let rank: Int
    public let movieCount: Int
    public let params: FoldInParams
    /// Users whose stored factors `update` can start from (0 without them).
    public let userCount: Int
    let n16: Int
    /// Movie factors, stride n16 (the row solver's layout).
    let factors: UnsafePointer<Float>
    /// YᵀY, n16 × n16, zero padding.
    let gram: FloatBuffer
    /// Movie factors packed in panels of 16 movies, `[panel][d][16]`, so a
    /// panel's 16 scores are one SIMD16 accumulation with no horizontal sums.
    let packed: FloatBuffer
    let panels: Int
    /// 1 for movies that can never be recommended (no factors).
    let blocked: [UInt8]
    let userFactors: UnsafePointer<Float>?
    private let paddedFactors: FloatBuffer?
    private let owner: AnyObject?

    /// - Parameters:
    ///   - movieFactors: `movieCount × rank`, row-major.
    ///   - gram: YᵀY of `movieFactors`, `rank × rank`, symmetric.
    ///   - recommendable: one byte per movie, non-zero when it has factors.
    ///   - userFactors: `userCount × rank` stored user rows (for `update`), or nil.
    ///   - owner: whatever keeps the buffers' memory alive (a mapped release).
    public init(movieFactors: UnsafeBufferPointer<Float>, movieCount: Int, rank: Int,
                gram: UnsafeBufferPointer<Float>, recommendable: UnsafeBufferPointer<UInt8>,
                params: FoldInParams, userFactors: UnsafeBufferPointer<Float>? = nil, owner: AnyObject? = nil) {
        precondition(rank > 0 && movieFactors.count == movieCount * rank && gram.count == rank * rank
                     && recommendable.count == movieCount, "fold-in inputs disagree in size")
        self.rank = rank
        self.movieCount = movieCount
        self.params = params
        self.owner = owner
        let n16 = roundUp(rank, 16)
        self.n16 = n16
        if n16 == rank, let base = movieFactors.baseAddress {
            factors = base
            paddedFactors = nil
        } else {
            let padded = FloatBuffer(count: movieCount * n16)
            for m in 0..<movieCount {
                for d in 0..<rank { padded[m * n16 + d] = movieFactors[m * rank + d] }
            }
            factors = UnsafePointer(padded.base)
            paddedFactors = padded
        }
        let g = FloatBuffer(count: n16 * n16)
        for i in 0..<rank { for j in 0..<rank { g[i * n16 + j] = gram[i * rank + j] } }
        self.gram = g
        panels = (movieCount + 15) / 16
        packed = FloatBuffer(count: max(1, panels) * rank * 16)
        for m in 0..<movieCount {
            let p = packed.base + (m / 16) * rank * 16 + (m % 16)
            for d in 0..<rank { p[d * 16] = movieFactors[m * rank + d] }
        }
        blocked = recommendable.map { $0 == 0 ? 1 : 0 }
        if let userFactors, userFactors.count % rank == 0, let base = userFactors.baseAddress {
            self.userFactors = base
            userCount = userFactors.count / rank
        } else {
            self.userFactors = nil
            userCount = 0
        }
    }

    deinit {
        gram.free()
        packed.free()
        paddedFactors?.free()
    }

    /// Scratch sized for this model and lists of up to `maxK`, ratings up to `maxRatings`.
    public func makeScratch(maxK: Int, maxRatings: Int) -> FoldInScratch {
        FoldInScratch(model: self, maxK: maxK, maxRatings: maxRatings)
    }

    /// Solves the row of the ratings in `scratch` (`setRatings`) into `scratch.user`.
    /// Returns false when the system is singular or not finite (only possible for
    /// a hostile model: λ > 0 makes every system positive definite).
    public func solve(_ scratch: FoldInScratch) -> Bool {
        let system = params.system(gram: UnsafePointer(gram.base), factors: factors,
                                   rows: scratch.rows, values: scratch.values, count: scratch.count)
        return RowSolver.cholesky(system, x: scratch.user.base, scratch: scratch.row)
    }

    /// Folds the ratings in `scratch` in on top of stored user row `userRow`
    /// (implicit models only). The stored row x solves A·x = b for the user's
    /// training ratings; with the new ones, (A + ΔA)·x' = b + Δb, so
    ///
    ///     x' = x + (A + ΔA)⁻¹ (Δb − ΔA·x),
    ///
    /// exact except that A, whose history part the release does not keep, is
    /// taken as YᵀY + λI: the step is somewhat larger than the exact one (it
    /// ignores the curvature the old ratings add). Returns false for an
    /// explicit model, a user row without stored factors, or a singular system.
    public func update(userRow: Int, _ scratch: FoldInScratch) -> Bool {
        guard params.rule == .implicitConfidence, let stored = userFactors, userRow >= 0, userRow < userCount else {
            return false
        }
        let x = scratch.user.base
        for d in 0..<rank { x[d] = stored[userRow * rank + d] }
        for d in rank..<n16 { x[d] = 0 }
        guard scratch.count > 0 else { return true }
        let s = scratch.row
        let a = s.matrix, b = s.rhs
        a.update(from: gram.base, count: n16 * n16)
        VectorKernels.accumulateOuterProducts(a, rank: rank, n16: n16, factors: factors,
                                              rows: scratch.rows, values: scratch.values, count: scratch.count,
                                              wScale: params.alpha, wBias: 0, gather: s.gather)
        for i in 0..<rank { a[i * n16 + i] += params.lambda }
        b.update(repeating: 0, count: n16)
        for k in 0..<scratch.count {
            let y = factors + Int(scratch.rows[k]) &* n16
            let r = scratch.values[k]
            let w = params.alpha * r
            VectorKernels.axpy((1 + w) - w * VectorKernels.dot(y, x, n16), y, b, n16)
        }
        guard CholeskySolver.factor(a, rank: rank, n16: n16, diagonal: s.diagonal) else { return false }
        CholeskySolver.solve(a, rank: rank, n16: n16, b)
        for d in 0..<rank { x[d] += b[d] }
        return x[0].isFinite
    }

    /// The best `k` movies for `scratch.user` by dot product, best first, into
    /// `scratch.movies`/`scratch.scores` (returns how many: fewer than k only
    /// when fewer movies are eligible). Movies without factors and the rated
    /// movies of `scratch` are left out; ties go to the lower movie row.
    public func topK(_ k: Int, _ scratch: FoldInScratch) -> Int {
        let k = min(k, scratch.maxK)
        guard k > 0 else { return 0 }
        let excluded = scratch.excluded
        for i in 0..<scratch.count { excluded[Int(scratch.rows[i])] = 1 }
        defer { for i in 0..<scratch.count { let m = Int(scratch.rows[i]); excluded[m] = blocked[m] } }
        var list = TopKCandidates(scores: scratch.candidateScores, items: scratch.candidateItems, k: k)
        let x = scratch.user.base
        let rank = self.rank, movieCount = self.movieCount
        let lanes = scratch.laneScores
        var p = UnsafePointer(packed.base)
        for panel in 0..<panels {
            var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
            var d = 0
            while d &+ 4 <= rank {
                a0.addProduct(SIMD16(repeating: x[d]), VectorKernels.load(p + d &* 16))
                a1.addProduct(SIMD16(repeating: x[d &+ 1]), VectorKernels.load(p + (d &+ 1) &* 16))
                a2.addProduct(SIMD16(repeating: x[d &+ 2]), VectorKernels.load(p + (d &+ 2) &* 16))
                a3.addProduct(SIMD16(repeating: x[d &+ 3]), VectorKernels.load(p + (d &+ 3) &* 16))
                d &+= 4
            }
            while d < rank {
                a0.addProduct(SIMD16(repeating: x[d]), VectorKernels.load(p + d &* 16))
                d &+= 1
            }
            p += rank &* 16
            let s = (a0 + a1) + (a2 + a3)
            if VectorKernels.notAbove(s, list.threshold).wrappedSum() == 16 { continue }
            VectorKernels.store(s, lanes)
            let base = panel &* 16
            for l in 0..<min(16, movieCount &- base) where lanes[l] > list.threshold && excluded[base &+ l] == 0 {
                list.push(lanes[l], Int32(base &+ l))
            }
        }
        let n = min(list.count, k)
        list.drain(into: scratch.movies, scratch.scores)
        return n
    }

    /// The score of one movie for `scratch.user` (what `topK` ranks by, up to rounding).
    public func score(movieRow: Int, _ scratch: FoldInScratch) -> Float {
        precondition(movieRow >= 0 && movieRow < movieCount, "movie row out of range")
        return VectorKernels.dot(factors + movieRow * n16, scratch.user.base, n16)
    }
}

/// Per-caller memory of `FoldInModel`: the ratings to fold in, the solver's
/// scratch, the solved user row and the result list. Not thread-safe: one per
/// connection (the daemon) or per thread.
public final class FoldInScratch: @unchecked Sendable {
    public let maxK: Int
    public let maxRatings: Int
    /// Movie rows and ratings of the user being folded in (`count` of them).
    public let rows: UnsafeMutablePointer<Int32>
    public let values: UnsafeMutablePointer<Float>
    public private(set) var count = 0
    /// The result of `FoldInModel.topK`.
    public let movies: UnsafeMutablePointer<Int32>
    public let scores: UnsafeMutablePointer<Float>
    /// The solved user row (`rank` floats, zero padding to n16).
    let user: FloatBuffer
    let row: RowScratch
    let excluded: UnsafeMutablePointer<UInt8>
    let candidateScores: UnsafeMutablePointer<Float>
    let candidateItems: UnsafeMutablePointer<Int32>
    let laneScores: UnsafeMutablePointer<Float>
    private let movieCount: Int

    init(model: FoldInModel, maxK: Int, maxRatings: Int) {
        self.maxK = max(1, maxK)
        self.maxRatings = max(1, maxRatings)
        movieCount = model.movieCount
        rows = .allocate(capacity: self.maxRatings)
        values = .allocate(capacity: self.maxRatings)
        movies = .allocate(capacity: self.maxK)
        scores = .allocate(capacity: self.maxK)
        user = FloatBuffer(count: model.n16)
        row = RowScratch(rank: model.rank)
        excluded = .allocate(capacity: max(1, model.movieCount))
        for m in 0..<model.movieCount { excluded[m] = model.blocked[m] }
        let capacity = TopKCandidates.capacity(k: self.maxK)
        candidateScores = .allocate(capacity: capacity)
        candidateItems = .allocate(capacity: capacity)
        laneScores = .allocate(capacity: 16)
    }

    deinit {
        rows.deallocate(); values.deallocate(); movies.deallocate(); scores.deallocate()
        user.free(); row.free(); excluded.deallocate()
        candidateScores.deallocate(); candidateItems.deallocate(); laneScores.deallocate()
    }

    /// Replaces the ratings: movie rows (each in range) and their ratings. A
    /// movie rated twice counts once, with its last rating. Returns false, and
    /// keeps none, when there are more than `maxRatings` or a row is out of range.
    public func setRatings(rows newRows: some Collection<Int32>, values newValues: some Collection<Float>) -> Bool {
        count = 0
        guard newRows.count == newValues.count, newRows.count <= maxRatings else { return false }
        for (r, v) in zip(newRows, newValues) {
            guard r >= 0, Int(r) < movieCount else { count = 0; return false }
            rows[count] = r
            values[count] = v
            count += 1
        }
        dedupe()
        return true
    }

    /// Keeps the last rating of each movie (insertion sort by row: n ≤ maxRatings, usually ~50).
    private func dedupe() {
        guard count > 1 else { return }
        // Stable sort by row, then keep the last of each run.
        for i in 1..<count {
            let r = rows[i], v = values[i]
            var j = i - 1
            while j >= 0 && rows[j] > r { rows[j + 1] = rows[j]; values[j + 1] = values[j]; j -= 1 }
            rows[j + 1] = r; values[j + 1] = v
        }
        var out = 0
        for i in 0..<count {
            if i + 1 < count && rows[i + 1] == rows[i] { continue }
            rows[out] = rows[i]; values[out] = values[i]; out += 1
        }
        count = out
    }

    /// The solved user row (for tests and the consistency benchmark).
    public var userFactor: [Float] { Array(UnsafeBufferPointer(start: user.base, count: user.count)) }
}
