import ReelCore

/// Everything that decides what `ALS.train` learns. Codable so that it is
/// recorded in `model.json` and the run record, and can be read back to
/// reproduce a model bit for bit (same params, data and `threads`).
///
/// Conventions (docs/model.md has the derivations):
/// * explicit: minimise Σ (r − uᵀv)² + λ (Σᵤ nᵤ‖u‖² + Σᵥ nᵥ‖v‖²) — Spark
///   MLlib's weighted-λ (ALS-WR), so Spark's `regParam` is our `lambda`.
/// * implicit: confidence c = 1 + α·r (Spark's `alpha`; r is the star rating),
///   preference p = 1 for every rated pair and 0 otherwise; minimise
///   Σ_all c (p − uᵀv)² + λ (Σ‖u‖² + Σ‖v‖²) with an unscaled λ, as in Hu et
///   al. and the `implicit` library.
public struct ALSParams: Sendable, Codable, Equatable {
    public enum Mode: String, Sendable, Codable, CaseIterable {
        case explicit, implicit
    }

    public enum Solver: String, Sendable, Codable, CaseIterable {
        /// Exact per-row solve of the normal equations (Spark's method).
        case cholesky
        /// `cgSteps` conjugate-gradient steps per row, warm-started from the
        /// previous iteration (the `implicit` library's method); never forms
        /// the row's r × r matrix, so it is several times cheaper.
        case cg
    }

    public var mode: Mode
    /// Latent dimension.
    public var rank: Int
    /// Regularisation λ (scaled by each row's rating count in explicit mode).
    public var lambda: Float
    /// Confidence slope α in c = 1 + α·r (implicit mode only).
    public var alpha: Float
    /// Full iterations, each a half-step per side (explicit: movies then
    /// users, as Spark; implicit: users then movies, as `implicit`).
    public var iterations: Int
    /// Seed of the initial factors (`SplitMix64`, one stream per row).
    public var seed: UInt64
    /// Worker threads; results do not depend on it (rows are solved
    /// independently, reductions run in fixed chunks).
    public var threads: Int
    /// CG steps per row and half-iteration (solver `.cg`).
    public var cgSteps: Int
    public var solver: Solver

    /// Defaults per mode are the ones the evaluation chose (docs/model.md):
    /// explicit rank 64, λ 0.05, 10 iterations, Cholesky; implicit rank 64,
    /// λ 20, α 1, 15 iterations, 3 CG steps.
    public init(mode: Mode = .implicit, rank: Int = 64, lambda: Float? = nil, alpha: Float = 1.0,
                iterations: Int? = nil, seed: UInt64 = 42, threads: Int = ParallelChunks.defaultThreads,
                cgSteps: Int = 3, solver: Solver? = nil) {
        self.mode = mode
        self.rank = rank
        self.lambda = lambda ?? (mode == .explicit ? 0.05 : 20)
        self.alpha = alpha
        self.iterations = iterations ?? (mode == .explicit ? 10 : 15)
        self.seed = seed
        self.threads = threads
        self.cgSteps = cgSteps
        self.solver = solver ?? (mode == .explicit ? .cholesky : .cg)
    }

    /// Throws a `usage` error naming the first out-of-range parameter.
    public func validate() throws {
        func bad(_ what: String) -> ReelError { ReelError(.usage, "ALS parameter \(what)") }
        guard rank >= 1, rank <= 1024 else { throw bad("rank must be in 1...1024 (got \(rank))") }
        guard lambda.isFinite, lambda >= 0 else { throw bad("lambda must be a finite number ≥ 0 (got \(lambda))") }
        guard alpha.isFinite, alpha >= 0 else { throw bad("alpha must be a finite number ≥ 0 (got \(alpha))") }
        guard iterations >= 1 else { throw bad("iterations must be ≥ 1 (got \(iterations))") }
        guard threads >= 1 else { throw bad("threads must be ≥ 1 (got \(threads))") }
        guard cgSteps >= 1 || solver == .cholesky else { throw bad("cgSteps must be ≥ 1 with the CG solver (got \(cgSteps))") }
    }
}

/// One line of the training log: what the iteration reached and what it cost.
public struct ALSIteration: Sendable, Codable, Equatable {
    /// 1-based.
    public var iteration: Int
    /// The objective the mode minimises (see `ALSParams`), after the iteration.
    public var loss: Double
    /// Root-mean-square error of uᵀv against the training ratings (explicit)
    /// or against the preference 1 of every rated pair (implicit).
    public var trainRMSE: Double
    /// Wall time of the two half-steps (loss computation excluded).
    public var seconds: Double

    public init(iteration: Int, loss: Double, trainRMSE: Double, seconds: Double) {
        self.iteration = iteration
        self.loss = loss
        self.trainRMSE = trainRMSE
        self.seconds = seconds
    }
}

extension ALSParams {
    /// A copy with every non-nil value replaced: how command-line flags are
    /// laid over the configured defaults (`reel train`, `reel evaluate`).
    public func overriding(rank: Int? = nil, lambda: Float? = nil, alpha: Float? = nil, iterations: Int? = nil,
                           seed: UInt64? = nil, threads: Int? = nil, cgSteps: Int? = nil, solver: Solver? = nil) -> ALSParams {
        var p = self
        if let rank { p.rank = rank }
        if let lambda { p.lambda = lambda }
        if let alpha { p.alpha = alpha }
        if let iterations { p.iterations = iterations }
        if let seed { p.seed = seed }
        if let threads { p.threads = threads }
        if let cgSteps { p.cgSteps = cgSteps }
        if let solver { p.solver = solver }
        return p
    }
}
