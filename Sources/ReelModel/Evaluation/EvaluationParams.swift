import ReelCore
import ReelSilver
import ReelServing

/// How `Evaluation.run` splits the data and scores the models.
public struct EvaluationParams: Sendable, Codable, Equatable {
    /// Which ratings become the test set.
    public enum Split: String, Sendable, Codable, CaseIterable {
        /// Global temporal: train strictly before the `fraction` quantile of all
        /// timestamps, test at or after it (what a nightly batch faces).
        case temporal
        /// Per user: each user's last `holdout` ratings by time are the test
        /// (users with ≤ `holdout` ratings stay wholly in train). Many users,
        /// low noise; the time order inside a user is kept.
        case leaveLastN = "leave-last-n"
    }

    public var split: Split
    /// Temporal split quantile in (0, 1).
    public var fraction: Double
    /// Test ratings per user for `leaveLastN`.
    public var holdout: Int
    /// List length of every ranking metric (@k).
    public var k: Int
    /// A test rating at or above this is relevant.
    public var relevantThreshold: Float
    public var explicit: ALSParams
    public var implicit: ALSParams
    /// UC3 blend applied to the implicit model's candidates.
    public var hybrid: HybridWeights
    /// How many implicit-ALS candidates the hybrid re-ranks (the release's stored K).
    public var hybridCandidates: Int
    /// Trending window whose popularity the configured hybrid blends in (24h, 7d, 30d).
    public var hybridWindow: String
    /// Choose the served blend by grid search on a validation split
    /// (`CandidateSelection`); false lets only the configured weights compete with
    /// the model's own order.
    public var tuneBlend: Bool
    /// `auto` (the adoption rule chooses what is served) or a candidate name
    /// that is served whatever validation says (`serving.pin`; `ServingCandidate.pinNames`).
    public var pin: String
    /// Validation users scored at most (a seeded sample beyond): enough for
    /// paired CIs of ±0.005 NDCG@10, and the grid's cost stays flat as data grows.
    public var validationUsers: Int
    /// Evaluate only what the choice and the quality gate need (the nightly):
    /// no explicit model unless it is served, no model on the test split when a
    /// baseline is served, and the test model warm-started from the validation model.
    public var lean: Bool
    /// Score explicit ALS too (a rating predictor; useless for top-10, kept for RMSE).
    public var includeExplicit: Bool
    /// When > 0, the test-split model starts from the validation model's factors
    /// and runs this many iterations (the validation model saw only data before
    /// the validation cut, so nothing of the test period leaks); 0 trains it from scratch.
    public var testWarmIterations: Int
    /// A validation split with fewer users who have a relevant rating is widened,
    /// then replaced by the per-user rule (`ValidationCarve`); 500 by default.
    public var minValidationUsers: Int
    /// Score the item-based `item-knn` candidate too (`evaluation.item_knn`):
    /// one item-item training on the validation split, and one on the test
    /// split when it is served or when the evaluation is not lean.
    public var itemKNN = true

    public init(
        split: Split = .temporal, fraction: Double = 0.8, holdout: Int = 5, k: Int = 10,
        relevantThreshold: Float = 4.0,
        explicit: ALSParams = ALSParams(mode: .explicit), implicit: ALSParams = ALSParams(mode: .implicit),
        hybrid: HybridWeights = HybridWeights(), hybridCandidates: Int = 100, hybridWindow: String = "7d",
        tuneBlend: Bool = true, pin: String = "auto", validationUsers: Int = 8000, lean: Bool = false,
        includeExplicit: Bool = true, testWarmIterations: Int = 0, minValidationUsers: Int = 500
    ) {
        self.split = split
        self.fraction = fraction
        self.holdout = holdout
        self.k = k
        self.relevantThreshold = relevantThreshold
        self.explicit = explicit
        self.implicit = implicit
        self.hybrid = hybrid
        self.hybridCandidates = hybridCandidates
        self.hybridWindow = hybridWindow
        self.tuneBlend = tuneBlend
        self.pin = pin
        self.validationUsers = validationUsers
        self.lean = lean
        self.includeExplicit = includeExplicit
        self.testWarmIterations = testWarmIterations
        self.minValidationUsers = minValidationUsers
    }

    enum CodingKeys: String, CodingKey {
        case split, fraction, holdout, k, relevantThreshold, explicit, implicit, hybrid, hybridCandidates, hybridWindow, tuneBlend
        case pin, validationUsers, lean, includeExplicit, testWarmIterations, minValidationUsers, itemKNN
    }

    /// Decodes reports written before `tuneBlend` existed as untuned.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            split: try c.decode(Split.self, forKey: .split), fraction: try c.decode(Double.self, forKey: .fraction),
            holdout: try c.decode(Int.self, forKey: .holdout), k: try c.decode(Int.self, forKey: .k),
            relevantThreshold: try c.decode(Float.self, forKey: .relevantThreshold),
            explicit: try c.decode(ALSParams.self, forKey: .explicit), implicit: try c.decode(ALSParams.self, forKey: .implicit),
            hybrid: try c.decode(HybridWeights.self, forKey: .hybrid),
            hybridCandidates: try c.decode(Int.self, forKey: .hybridCandidates),
            hybridWindow: try c.decode(String.self, forKey: .hybridWindow),
            tuneBlend: try c.decodeIfPresent(Bool.self, forKey: .tuneBlend) ?? false,
            pin: try c.decodeIfPresent(String.self, forKey: .pin) ?? "auto",
            validationUsers: try c.decodeIfPresent(Int.self, forKey: .validationUsers) ?? 8000,
            lean: try c.decodeIfPresent(Bool.self, forKey: .lean) ?? false,
            includeExplicit: try c.decodeIfPresent(Bool.self, forKey: .includeExplicit) ?? true,
            testWarmIterations: try c.decodeIfPresent(Int.self, forKey: .testWarmIterations) ?? 0,
            minValidationUsers: try c.decodeIfPresent(Int.self, forKey: .minValidationUsers) ?? 500)
        itemKNN = try c.decodeIfPresent(Bool.self, forKey: .itemKNN) ?? false
    }

    /// The pinned candidate, nil for `auto`; a usage error names the accepted values.
    public func pinnedCandidate() throws -> ServingCandidate? {
        if pin == "auto" { return nil }
        guard let c = ServingCandidate.pinned(pin, configured: ServingBlend(weights: hybrid, window: window)) else {
            throw ReelError(.usage, "serving.pin must be one of \(ServingCandidate.pinNames.joined(separator: ", ")) (got '\(pin)')")
        }
        return c
    }

    var window: TrendingWindow { TrendingWindow(label: hybridWindow) ?? .month }

    /// Throws a `usage` error naming the first bad setting.
    public func validate() throws {
        guard fraction > 0, fraction < 1 else { throw ReelError(.usage, "evaluation fraction must be in (0, 1) (got \(fraction))") }
        guard holdout >= 1 else { throw ReelError(.usage, "evaluation holdout must be ≥ 1 (got \(holdout))") }
        guard k >= 1 else { throw ReelError(.usage, "evaluation k must be ≥ 1 (got \(k))") }
        guard hybridCandidates >= k else { throw ReelError(.usage, "hybrid candidates (\(hybridCandidates)) must be ≥ k (\(k))") }
        guard TrendingWindow(label: hybridWindow) != nil else {
            throw ReelError(.usage, "hybrid window must be 24h, 7d or 30d (got \(hybridWindow))")
        }
        guard validationUsers >= 1 else { throw ReelError(.usage, "validation users must be ≥ 1 (got \(validationUsers))") }
        guard testWarmIterations >= 0 else { throw ReelError(.usage, "test warm iterations must be ≥ 0 (got \(testWarmIterations))") }
        _ = try pinnedCandidate()
        try explicit.validate()
        try implicit.validate()
    }
}

extension HybridWeights: Codable {
    enum CodingKeys: String, CodingKey { case model, trending, diversity }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            model: try c.decode(Float.self, forKey: .model),
            trending: try c.decode(Float.self, forKey: .trending),
            diversity: try c.decode(Float.self, forKey: .diversity))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(model, forKey: .model)
        try c.encode(trending, forKey: .trending)
        try c.encode(diversity, forKey: .diversity)
    }
}
