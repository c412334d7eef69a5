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

    /// How a rating becomes the confidence weight of implicit ALS (implicit
    /// mode only; explicit ALS always fits the star rating). The evaluation's
    /// relevance threshold is 4 stars, so `positive` trains on exactly what is
    /// scored as relevant, while `log` flattens the difference between a 3 and
    /// a 5 (Hu et al.'s c = 1 + α·log(1 + r/ε) with ε = 1).
    public enum Confidence: String, Sendable, Codable, CaseIterable {
        /// c = 1 + α·r for every rated pair (the default).
        case raw
        /// Only ratings ≥ 4 are interactions (c = 1 + α·r); the others are
        /// treated as unobserved.
        case positive
        /// c = 1 + α·log(1 + r) for every rated pair.
        case log
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
    /// Implicit mode: how a rating becomes confidence (`raw` = the classic c = 1 + α·r).
    public var confidence: Confidence
    /// Implicit mode: half-life, in days, of a recency weight on the
    /// confidence: a rating `d` days older than the newest training rating
    /// counts α·f(r)·2^(−d / halfLife). 0 turns it off (the default): tastes
    /// drift and catalogues turn over, so recent interactions say more about
    /// what a user will rate next.
    public var recencyHalfLifeDays: Double

    /// Defaults per mode are the ones the evaluation chose (docs/model.md):
    /// explicit rank 64, λ 0.05, 10 iterations, Cholesky; implicit rank 64,
    /// λ 20, α 1, 15 iterations, 3 CG steps.
    public init(
        mode: Mode = .implicit, rank: Int = 64, lambda: Float? = nil, alpha: Float = 1.0,
        iterations: Int? = nil, seed: UInt64 = 42, threads: Int = Parallel.availableCores,
        cgSteps: Int = 3, solver: Solver? = nil, confidence: Confidence = .raw, recencyHalfLifeDays: Double = 0
    ) {
        self.mode = mode
        self.rank = rank
        self.lambda = lambda ?? (mode == .explicit ? 0.05 : 20)
        self.alpha = alpha
        self.iterations = iterations ?? (mode == .explicit ? 10 : 15)
        self.seed = seed
        self.threads = threads
        self.cgSteps = cgSteps
        self.solver = solver ?? (mode == .explicit ? .cholesky : .cg)
        self.confidence = confidence
        self.recencyHalfLifeDays = recencyHalfLifeDays
    }

    enum CodingKeys: String, CodingKey {
        case mode, rank, lambda, alpha, iterations, seed, threads, cgSteps, solver, confidence, recencyHalfLifeDays
    }

    /// Decodes records written before `confidence` and `recencyHalfLifeDays`
    /// existed as the behaviour they had: raw confidence, no recency weight.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        mode = try c.decode(Mode.self, forKey: .mode)
        rank = try c.decode(Int.self, forKey: .rank)
        lambda = try c.decode(Float.self, forKey: .lambda)
        alpha = try c.decode(Float.self, forKey: .alpha)
        iterations = try c.decode(Int.self, forKey: .iterations)
        seed = try c.decode(UInt64.self, forKey: .seed)
        threads = try c.decode(Int.self, forKey: .threads)
        cgSteps = try c.decode(Int.self, forKey: .cgSteps)
        solver = try c.decode(Solver.self, forKey: .solver)
        confidence = try c.decodeIfPresent(Confidence.self, forKey: .confidence) ?? .raw
        recencyHalfLifeDays = try c.decodeIfPresent(Double.self, forKey: .recencyHalfLifeDays) ?? 0
    }

    /// `positive` confidence keeps ratings at or above this (the evaluation's relevance threshold).
    public static let positiveThreshold: Float = 4

    /// True when implicit training sees transformed ratings rather than the stars as stored.
    public var transformsRatings: Bool {
        mode == .implicit && (confidence != .raw || recencyHalfLifeDays > 0)
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
        guard recencyHalfLifeDays.isFinite, recencyHalfLifeDays >= 0 else {
            throw bad("recencyHalfLifeDays must be a finite number ≥ 0, 0 = off (got \(recencyHalfLifeDays))")
        }
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
    public func overriding(
        rank: Int? = nil, lambda: Float? = nil, alpha: Float? = nil, iterations: Int? = nil,
        seed: UInt64? = nil, threads: Int? = nil, cgSteps: Int? = nil, solver: Solver? = nil,
        confidence: Confidence? = nil, recencyHalfLifeDays: Double? = nil
    ) -> ALSParams {
        var p = self
        if let rank { p.rank = rank }
        if let lambda { p.lambda = lambda }
        if let alpha { p.alpha = alpha }
        if let iterations { p.iterations = iterations }
        if let seed { p.seed = seed }
        if let threads { p.threads = threads }
        if let cgSteps { p.cgSteps = cgSteps }
        if let solver { p.solver = solver }
        if let confidence { p.confidence = confidence }
        if let recencyHalfLifeDays { p.recencyHalfLifeDays = recencyHalfLifeDays }
        return p
    }
}
