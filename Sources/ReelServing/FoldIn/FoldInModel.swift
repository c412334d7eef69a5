import ReelCore

/// Everything needed to recommend for a user the model was not trained on:
/// the movie factors Y, their Gram matrix YᵀY and the training's `FoldInParams`.
///
/// A fold-in solves the one ALS row training would have solved for those
/// ratings — the same `RowSystem`, by the same `RowSolver.cholesky` — then
/// scores every movie that has factors. Cost: one rank × rank system
/// (≈ r³/6 FMAs plus n·r² for n ratings) and M·r FMAs for M movies, read
/// from a bf16 copy of the factors (`FoldInScan`, 2 bytes per factor) with the
/// few movies near the cut re-scored in f32, so the list is the f32 one.
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
    /// The movie factors' bf16 copy for the first scan (`FoldInScan`), half
    /// the bytes of f32; `topK` re-scores its candidates exactly from `factors`.
    let scan: FoldInScan
    var panels: Int { scan.panels }
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
    public init(
        movieFactors: UnsafeBufferPointer<Float>, movieCount: Int, rank: Int,
        gram: UnsafeBufferPointer<Float>, recommendable: UnsafeBufferPointer<UInt8>,
        params: FoldInParams, userFactors: UnsafeBufferPointer<Float>? = nil, owner: AnyObject? = nil
    ) {
        precondition(
            rank > 0 && movieFactors.count == movieCount * rank && gram.count == rank * rank
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
        scan = FoldInScan(movieFactors: movieFactors, movieCount: movieCount, rank: rank)
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
        scan.free()
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
        let system = params.system(
            gram: UnsafePointer(gram.base), factors: factors,
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
        VectorKernels.accumulateOuterProducts(
            a, rank: rank, n16: n16, factors: factors,
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
    ///
    /// Two passes, exact: the bf16 scan (`FoldInScan`, movies by decreasing
    /// norm, stopping where no later movie can compete) scores movies within a
    /// bound E of their f32 scores and finds the k-th best of those
    /// approximate scores, â₍ₖ₎. Any movie of the exact top k scores at least
    /// â₍ₖ₎ − 2E approximately, so re-scoring only those in f32 (`score`), in
    /// row order, gives the same list and scores as an f32 scan of every
    /// movie, ties included.
    public func topK(_ k: Int, _ scratch: FoldInScratch) -> Int {
        let k = min(k, scratch.maxK)
        guard k > 0 else { return 0 }
        let excluded = scratch.excluded
        for i in 0..<scratch.count { excluded[Int(scratch.rows[i])] = 1 }
        defer { for i in 0..<scratch.count { let m = Int(scratch.rows[i]); excluded[m] = blocked[m] } }
        let x = UnsafePointer(scratch.user.base)
        let approx = scratch.approxScores
        let xNorm = FoldInScan.norm(x, rank: rank)
        let bound = scan.errorBound(xNorm: xNorm)
        var list = TopKCandidates(scores: scratch.candidateScores, items: scratch.candidateItems, k: k)
        let scanned = scan.scores(x, xNorm: xNorm, bound: bound, into: approx, excluded: excluded, best: &list)
        // Every scanned eligible movie is a candidate when fewer than k were found
        // or the bound is not finite (a hostile model): the scan then decides nothing.
        var floor = -Float.infinity
        if list.count >= k && bound.isFinite {
            list.keepBest()
            floor = list.threshold - 2 * bound
        }
        // The candidates' rows, then ranked in row order (TopKCandidates' tie rule).
        let candidates = scratch.candidateRows
        var n = 0
        for panel in 0..<scanned {
            let base = panel &* 16
            // Lanes at or above the floor (NaN lanes count as above: re-scored).
            if (VectorKernels.load(approx + base) .< SIMD16(repeating: floor)) == SIMDMask(repeating: true) { continue }
            for l in 0..<16 where !(approx[base &+ l] < floor) {
                let row = scan.rows[base &+ l]
                if row >= 0 && excluded[Int(row)] == 0 { candidates[n] = row; n &+= 1 }
            }
        }
        sortRows(candidates, n)
        list = TopKCandidates(scores: scratch.candidateScores, items: scratch.candidateItems, k: k)
        for i in 0..<n {
            let exact = score(row: Int(candidates[i]), x)
            if exact > list.threshold { list.push(exact, candidates[i]) }
        }
        scratch.rescored = n
        scratch.scanned = min(movieCount, scanned &* 16)
        let found = min(list.count, k)
        list.drain(into: scratch.movies, scratch.scores)
        return found
    }

    /// Sorts `n` rows in place: insertion sort for the usual hundred or so
    /// (the stable stdlib sort would allocate a buffer per call).
    private func sortRows(_ rows: UnsafeMutablePointer<Int32>, _ n: Int) {
        guard n <= 512 else {
            var all = UnsafeMutableBufferPointer(start: rows, count: n)
            all.sort()
            return
        }
        var i = 1
        while i < n {
            let r = rows[i]
            var j = i &- 1
            while j >= 0 && rows[j] > r { rows[j &+ 1] = rows[j]; j &-= 1 }
            rows[j &+ 1] = r
            i &+= 1
        }
    }

    /// The score of one movie for `scratch.user`: exactly what `topK` ranks by.
    public func score(movieRow: Int, _ scratch: FoldInScratch) -> Float {
        precondition(movieRow >= 0 && movieRow < movieCount, "movie row out of range")
        return score(row: movieRow, UnsafePointer(scratch.user.base))
    }

    /// x · y_m in f32 with four interleaved partial sums (dimension d into sum
    /// d mod 4, fused multiply-adds), the order the earlier all-f32 panel scan
    /// used, so scores and tie order are those of a full f32 scan.
    @inline(__always) func score(row m: Int, _ x: UnsafePointer<Float>) -> Float {
        let y = UnsafeRawPointer(factors + m &* n16)
        let xr = UnsafeRawPointer(x)
        var acc = SIMD4<Float>()
        var d = 0
        while d &+ 4 <= rank {
            acc.addProduct(
                xr.loadUnaligned(fromByteOffset: d &* 4, as: SIMD4<Float>.self),
                y.loadUnaligned(fromByteOffset: d &* 4, as: SIMD4<Float>.self))
            d &+= 4
        }
        while d < rank {
            acc[0] = acc[0].addingProduct(x[d], factors[m &* n16 &+ d])
            d &+= 1
        }
        return (acc[0] + acc[1]) + (acc[2] + acc[3])
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
    /// The bf16 scan's score of every movie (padded to whole panels of 16).
    let approxScores: UnsafeMutablePointer<Float>
    /// Movie rows the scan could not rule out (`panels × 16`).
    let candidateRows: UnsafeMutablePointer<Int32>
    /// Movies the last `topK` re-scored in f32 (the bf16 scan's candidates).
    public internal(set) var rescored = 0
    /// Movies the last `topK`'s bf16 scan scored before its norm bound stopped it.
    public internal(set) var scanned = 0
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
        approxScores = .allocate(capacity: max(1, model.panels) * 16)
        candidateRows = .allocate(capacity: max(1, model.panels) * 16)
    }

    deinit {
        rows.deallocate(); values.deallocate(); movies.deallocate(); scores.deallocate()
        user.free(); row.free(); excluded.deallocate()
        candidateScores.deallocate(); candidateItems.deallocate(); approxScores.deallocate(); candidateRows.deallocate()
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
