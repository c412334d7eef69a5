import ReelCore

/// What `ItemKNN.train` learns from (docs/model.md, "item-knn").
public struct ItemKNNParams: Sendable, Codable, Equatable {
    /// Neighbours kept per movie: memory is movies × neighbours × 8 bytes
    /// (62k × 100 × 8 ≈ 50 MB at ml-25m scale).
    public var neighbours: Int
    /// Shrinkage s in sim(i, j) = co(i, j) / (√(nᵢ·nⱼ) + s): pairs seen
    /// together by few users are pulled towards 0.
    public var shrinkage: Float
    /// Movies with fewer interactions are neither neighbours nor recommended:
    /// their similarities are noise, and dropping them bounds the work.
    public var minSupport: Int
    /// Each user contributes at most their newest this many interactions:
    /// co-counting costs Σᵤ nᵤ², which a few heavy users would dominate.
    public var maxUserItems: Int
    /// Co-counting budget in item pairs: when Σᵤ min(nᵤ, maxUserItems)² would
    /// exceed it, the per-user cap is lowered to the largest value that fits,
    /// so the cost stays bounded at any data size (≈ 10 CPU-s here) while small
    /// data sets keep every user's newest `maxUserItems`. At ml-25m scale the cap
    /// falls from 300 to about 100 (docs/model.md, "item-knn").
    public var pairBudget: Int
    /// Ratings below this are not interactions (0: every rating is one).
    public var minRating: Float
    /// Worker threads; results do not depend on it.
    public var threads: Int

    public init(
        neighbours: Int = 100, shrinkage: Float = 10, minSupport: Int = 20, maxUserItems: Int = 300,
        pairBudget: Int = 1_500_000_000, minRating: Float = 0, threads: Int = Parallel.availableCores
    ) {
        self.neighbours = neighbours
        self.shrinkage = shrinkage
        self.minSupport = minSupport
        self.maxUserItems = maxUserItems
        self.pairBudget = pairBudget
        self.minRating = minRating
        self.threads = threads
    }

    /// Throws a `usage` error naming the first out-of-range parameter.
    public func validate() throws {
        func bad(_ what: String) -> ReelError { ReelError(.usage, "item-knn parameter \(what)") }
        guard neighbours >= 1, neighbours <= 10_000 else { throw bad("neighbours must be in 1...10000 (got \(neighbours))") }
        guard shrinkage.isFinite, shrinkage >= 0 else { throw bad("shrinkage must be a finite number ≥ 0 (got \(shrinkage))") }
        guard minSupport >= 1 else { throw bad("minSupport must be ≥ 1 (got \(minSupport))") }
        guard maxUserItems >= 1 else { throw bad("maxUserItems must be ≥ 1 (got \(maxUserItems))") }
        guard pairBudget >= 1 else { throw bad("pairBudget must be ≥ 1 (got \(pairBudget))") }
        guard minRating.isFinite else { throw bad("minRating must be finite (got \(minRating))") }
        guard threads >= 1 else { throw bad("threads must be ≥ 1 (got \(threads))") }
    }
}
