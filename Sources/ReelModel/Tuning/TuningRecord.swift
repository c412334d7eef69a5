import ReelCore

/// One trained-and-scored point of the search.
public struct TuningTrial: Sendable, Codable, Equatable {
    /// Index of the point in the sampled list (0 = the configured parameters).
    public var point: Int
    /// Successive-halving rung (0 = the shortest training).
    public var rung: Int
    public var rank: Int
    public var lambda: Float
    public var alpha: Float
    public var confidence: ALSParams.Confidence
    public var recencyHalfLifeDays: Double
    /// Iterations the model had when it was scored.
    public var iterations: Int
    /// Mean NDCG@k on the validation users.
    public var ndcg: Double
    /// Wall time of the trial's training (continued from the previous rung) and scoring.
    public var seconds: Double
    /// Estimated work of the trial, in units of one configured training run on all of silver.
    public var work: Double

    public var tuningPoint: TuningPoint {
        TuningPoint(rank: rank, lambda: lambda, alpha: alpha, confidence: confidence, recencyHalfLifeDays: recencyHalfLifeDays)
    }
}

/// The validation split a search ran on.
public struct TuningValidation: Sendable, Codable, Equatable {
    /// `temporal` (the global time rule) or `leave-last-n` (the fallback).
    public var rule: String
    public var cut: String
    public var trainRatings: Int
    public var users: Int
    public var relevantRatings: Int
    public var note: String?
}

/// The implicit-ALS settings a search chose: what `TunedSettings` lays over
/// the configuration.
public struct TunedParams: Sendable, Codable, Equatable {
    public var rank: Int
    public var lambda: Float
    public var alpha: Float
    public var confidence: ALSParams.Confidence
    public var recencyHalfLifeDays: Double
    public var iterations: Int

    public init(_ t: TuningTrial) {
        rank = t.rank; lambda = t.lambda; alpha = t.alpha; confidence = t.confidence
        recencyHalfLifeDays = t.recencyHalfLifeDays; iterations = t.iterations
    }

    public var summary: String {
        TuningPoint(rank: rank, lambda: lambda, alpha: alpha, confidence: confidence, recencyHalfLifeDays: recencyHalfLifeDays).summary
            + ", \(iterations) iterations"
    }
}

/// What `reel tune` (or the nightly's tune stage) writes to
/// `output/tuning/<id>/tuning.json`: the choice and all the evidence for it.
public struct TuningRecord: Sendable, Codable, Equatable {
    public var tuningID: String
    public var createdAt: String
    /// Seconds since 1970 of `createdAt` (the nightly schedule's age rule).
    public var createdAtSeconds: Int64
    public var silverVersion: String
    /// Ratings in silver when tuned (the nightly schedule's growth rule).
    public var silverRatings: Int
    public var seed: UInt64
    /// `3.00x` or `300s` (`TuningBudget`).
    public var budget: String
    /// Estimated work done, in units of one configured training run.
    public var workUsed: Double
    public var seconds: Double
    /// Iteration counts of the rungs.
    public var rungs: [Int]
    public var validation: TuningValidation
    /// The configured parameters' NDCG@k at their configured iterations.
    public var baselineNDCG: Double
    public var chosen: TunedParams
    public var chosenNDCG: Double
    /// Every trial, in the order run.
    public var trials: [TuningTrial]
    /// Why the search stopped early, when it did.
    public var note: String?
}
