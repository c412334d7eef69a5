import ReelCore

/// Alternating least squares on a ratings matrix (`CSRMatrix`; silver ratings
/// through `train(_:params:)`): explicit (ALS-WR) or
/// implicit (Hu–Koren–Volinsky) feedback, solved per row by Cholesky or by
/// warm-started conjugate gradient (docs/model.md).
///
/// Same ratings, params (including `threads`) and warm start ⇒ the same
/// factors, bit for bit: rows are solved independently, and every
/// reduction (Gram matrix, loss) runs over fixed chunks in a fixed order.
public enum ALS {
    /// Trains a model on a ratings matrix, as the `implicit` library's `fit`
    /// takes a `csr_matrix`: the values are used as they are (no confidence
    /// transform or recency weight — the `SilverRatings` entry applies those),
    /// and the matrix is checked before the kernels read memory by its numbers.
    ///
    /// - Parameters:
    ///   - byUser: users × movies; row u's indices are movie rows.
    ///   - byMovie: the transpose (movies × users), when the caller has it
    ///     (silver does); computed otherwise.
    ///   - userIDs, movieIDs: the external id of every row and column, kept in
    ///     the model and matched by `warmStart`.
    /// - Throws: `usage` for bad params, params that transform ratings, or
    ///   a warm start of another rank; `invalidInput` for a malformed matrix
    ///   or ids that do not fit it, and as `train(_:params:)` when training fails.
    public static func train(
        byUser: CSRMatrix, byMovie: CSRMatrix? = nil, userIDs: [Int32], movieIDs: [Int32],
        params: ALSParams, warmStart: ModelFactors? = nil,
        log: ((ALSIteration) -> Void)? = nil
    ) throws -> ModelFactors {
        try params.validate()
        guard !params.transformsRatings else {
            throw ReelError(
                .usage,
                "ALS on a CSR matrix trains on its values as given; transform them first, or train on silver ratings for the confidence and recency options"
            )
        }
        func check(_ m: CSRMatrix, _ name: String) throws {
            if let problem = m.problem() { throw ReelError(.invalidInput, "ALS: \(name) is not a CSR matrix: \(problem)") }
        }
        try check(byUser, "byUser")
        let byMovie = byMovie ?? byUser.transposed()
        try check(byMovie, "byMovie")
        guard byUser.rowCount == userIDs.count, byUser.columnCount == movieIDs.count,
            byMovie.rowCount == movieIDs.count, byMovie.columnCount == userIDs.count,
            byMovie.entryCount == byUser.entryCount
        else {
            throw ReelError(
                .invalidInput,
                "ALS: byUser is \(byUser.rowCount)×\(byUser.columnCount) with \(byUser.entryCount) entries and byMovie \(byMovie.rowCount)×\(byMovie.columnCount) with \(byMovie.entryCount), for \(userIDs.count) user and \(movieIDs.count) movie ids"
            )
        }
        return try fit(
            byUser: byUser, byMovie: byMovie, userIDs: userIDs, movieIDs: movieIDs,
            params: params, warmStart: warmStart, log: log)
    }

    /// Training on a checked (or silver-checked) matrix pair with validated params.
    static func fit(
        byUser: CSRMatrix, byMovie: CSRMatrix, userIDs: [Int32], movieIDs: [Int32],
        params: ALSParams, warmStart: ModelFactors?, log: ((ALSIteration) -> Void)?
    ) throws -> ModelFactors {
        if let warmStart, warmStart.rank != params.rank {
            throw ReelError(
                .usage,
                "warm-start model has rank \(warmStart.rank) but training asks for rank \(params.rank); train from scratch or use the same rank")
        }
        let trainer = ALSTrainer(userCount: userIDs.count, movieCount: movieIDs.count, params: params)
        defer { trainer.free() }
        if let warmStart {
            let u = FactorInitializer.warmStart(
                trainer.users, ids: userIDs, n16: trainer.n16, rank: params.rank,
                previousIDs: warmStart.userIDs, previous: warmStart.userFactors)
            let m = FactorInitializer.warmStart(
                trainer.movies, ids: movieIDs, n16: trainer.n16, rank: params.rank,
                previousIDs: warmStart.movieIDs, previous: warmStart.movieFactors)
            Console.info(
                "train",
                "warm start: \(Console.count(u))/\(Console.count(userIDs.count)) users and \(Console.count(m))/\(Console.count(movieIDs.count)) movies from the previous model"
            )
        }
        let history = try RatingsView.with(byUser: byUser, byMovie: byMovie) { byUser, byMovie in
            try trainer.run(byUser: byUser, byMovie: byMovie, log: log ?? consoleLog)
        }
        return trainer.result(userIDs: userIDs, movieIDs: movieIDs, ratingCount: byUser.entryCount, history: history)
    }

    /// The default per-iteration log line.
    public static func consoleLog(_ it: ALSIteration) {
        Console.info(
            "train",
            "iteration \(it.iteration): loss \(shortNumber(it.loss)), train RMSE \(Console.fixed(it.trainRMSE, 4)), \(Console.duration(it.seconds))")
    }

    /// A loss for the log: grouped digits when large (`84,544,821`), 4 decimals when small. (It
    /// printed `845448e2` once: a mantissa without its decimal point reads as a different number.)
    static func shortNumber(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        if abs(x) >= 1e6, abs(x) < 9e18 { return Console.count(Int64(x.rounded())) }
        return Console.fixed(x, 4)
    }
}

/// The state of one training run: padded factor matrices and per-thread
/// scratch, allocated once.
final class ALSTrainer {
    let params: ALSParams
    let rank: Int
    let n16: Int
    let userCount: Int
    let movieCount: Int
    let users: FloatBuffer
    let movies: FloatBuffer
    let gram: FloatBuffer
    let scratch: [RowScratch]

    init(userCount: Int, movieCount: Int, params: ALSParams) {
        self.params = params
        rank = params.rank
        n16 = roundUp(rank, 16)
        self.userCount = userCount
        self.movieCount = movieCount
        users = FloatBuffer(count: userCount * n16)
        movies = FloatBuffer(count: movieCount * n16)
        gram = FloatBuffer(count: n16 * n16)
        scratch = (0..<params.threads).map { _ in RowScratch(rank: params.rank) }
        FactorInitializer.fill(
            users, rows: userCount, rank: rank, n16: n16, seed: params.seed, side: 0, mode: params.mode,
            threads: params.threads)
        FactorInitializer.fill(
            movies, rows: movieCount, rank: rank, n16: n16, seed: params.seed, side: 1, mode: params.mode,
            threads: params.threads)
    }

    func free() {
        users.free(); movies.free(); gram.free()
        for s in scratch { s.free() }
    }

    /// Each iteration solves both sides in the order of the mode's reference:
    /// explicit movies first (Spark MLlib: items from the random user start,
    /// then users), implicit users first (the `implicit` library).
    func run(byUser: CSRView, byMovie: CSRView, log: (ALSIteration) -> Void) throws -> [ALSIteration] {
        var history: [ALSIteration] = []
        for it in 1...params.iterations {
            let start = Clock.monotonic()
            if params.mode == .explicit {
                try halfStep(target: movies, other: users, otherRows: userCount, csr: byMovie, iteration: it, side: "movie")
                try halfStep(target: users, other: movies, otherRows: movieCount, csr: byUser, iteration: it, side: "user")
            } else {
                try halfStep(target: users, other: movies, otherRows: movieCount, csr: byUser, iteration: it, side: "user")
                try halfStep(target: movies, other: users, otherRows: userCount, csr: byMovie, iteration: it, side: "movie")
            }
            let seconds = Clock.monotonic() - start
            let (loss, rmse) = ALSLoss.compute(
                params: params, users: users, movies: movies, n16: n16,
                byUser: byUser, byMovie: byMovie, gram: gram)
            let entry = ALSIteration(iteration: it, loss: loss, trainRMSE: rmse, seconds: seconds)
            guard loss.isFinite, rmse.isFinite else {
                throw ReelError(.invalidInput, "ALS diverged at iteration \(it): the loss is \(loss) (NaN or infinite); lower alpha or raise lambda")
            }
            if let previous = history.last, loss > 10 * previous.loss, loss > 1e-9 {
                throw ReelError(
                    .invalidInput, "ALS diverged at iteration \(it): the loss rose from \(previous.loss) to \(loss); lower alpha or raise lambda")
            }
            history.append(entry)
            log(entry)
        }
        return history
    }

    /// Solves every row of `target` given `other`.
    func halfStep(
        target: FloatBuffer, other: FloatBuffer, otherRows: Int, csr: CSRView,
        iteration: Int, side: String
    ) throws {
        let p = params
        let implicit = p.mode == .implicit
        if implicit { GramMatrix.compute(other, rows: otherRows, rank: rank, n16: n16, threads: p.threads, into: gram) }
        let failures = SendablePointer(UnsafeMutablePointer<Int>.allocate(capacity: p.threads))
        defer { failures.base.deallocate() }
        failures.base.initialize(repeating: Int.max, count: p.threads)
        let gramBox = SendablePointer(gram.base)
        let n16 = self.n16
        let scratch = self.scratch
        Parallel.forEachChunk(count: csr.rows, chunkSize: 64, threads: p.threads) { _, rows, worker in
            let s = scratch[worker]
            for row in rows {
                let range = csr.range(row)
                let n = Float(range.count)
                let system = RowSystem(
                    gram: implicit ? UnsafePointer(gramBox.base) : nil,
                    diagonal: implicit ? p.lambda : p.lambda * n,
                    factors: other.base, rows: csr.index + range.lowerBound, values: csr.values + range.lowerBound,
                    count: range.count,
                    wScale: implicit ? p.alpha : 0, wBias: implicit ? 0 : 1,
                    tScale: implicit ? p.alpha : 1, tBias: implicit ? 1 : 0)
                let x = target.base + row * n16
                switch p.solver {
                case .cholesky:
                    if !RowSolver.cholesky(system, x: x, scratch: s) { failures[worker] = min(failures[worker], row) }
                case .cg:
                    RowSolver.conjugateGradient(system, x: x, steps: p.cgSteps, scratch: s)
                }
            }
        }
        let failed = (0..<p.threads).map { failures[$0] }.min() ?? Int.max
        if failed != Int.max {
            let n = csr.range(failed).count
            throw ReelError(
                .invalidInput,
                "ALS iteration \(iteration): the normal equations of \(side) row \(failed) (\(n) ratings, rank \(rank), lambda \(p.lambda)) are singular or not finite; use lambda > 0 or the CG solver"
            )
        }
    }

    /// Unpadded factors with the id maps and the training record.
    func result(userIDs: [Int32], movieIDs: [Int32], ratingCount: Int, history: [ALSIteration]) -> ModelFactors {
        func unpad(_ m: FloatBuffer, _ rows: Int) -> [Float] {
            var out = [Float](repeating: 0, count: rows * rank)
            for i in 0..<rows { for d in 0..<rank { out[i * rank + d] = m[i * n16 + d] } }
            return out
        }
        let record = ALSRecord(
            params: params, iterations: history,
            users: userIDs.count, movies: movieIDs.count, ratings: ratingCount)
        return ModelFactors(
            rank: rank, userIDs: userIDs, movieIDs: movieIDs,
            userFactors: unpad(users, userCount), movieFactors: unpad(movies, movieCount),
            metadataJSON: JSONText.encode(record))
    }
}

extension RowScratch: @unchecked Sendable {}

/// What `ALS.train` stores in `ModelFactors.metadataJSON`.
public struct ALSRecord: Sendable, Codable, Equatable {
    public var params: ALSParams
    public var iterations: [ALSIteration]
    public var users: Int
    public var movies: Int
    public var ratings: Int

    public init(params: ALSParams, iterations: [ALSIteration], users: Int, movies: Int, ratings: Int) {
        self.params = params
        self.iterations = iterations
        self.users = users
        self.movies = movies
        self.ratings = ratings
    }

    /// Total wall time of the iterations.
    public var trainSeconds: Double { iterations.reduce(0) { $0 + $1.seconds } }
}
