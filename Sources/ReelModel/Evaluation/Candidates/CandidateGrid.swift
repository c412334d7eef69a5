import ReelSilver
import ReelServing
import ReelCore

/// The candidates the evaluation weighs every night (docs/model.md, "What is served and why").
public enum CandidateGrid {
    /// Trending weights of the blends: the whole range, up to trending's own
    /// order of the model's candidates (the model gets 1 − w).
    public static let trendingWeights: [Float] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    /// Genre-repetition penalties tried with every blend.
    public static let diversities: [Float] = [0, 0.1]
    /// Activity blends split users at these rating counts (light ≤ threshold < heavy).
    public static let activityThresholds = [20, 50, 100]

    /// The baselines every report compares against, simplest first.
    public static let baselines: [ServingCandidate] = [.popular, .trending(.day), .trending(.week), .trending(.month)]

    /// Every candidate scored on validation, simplest family first: the
    /// baselines, the model's own order, then the blends (every window ×
    /// `trendingWeights` × `diversities`, or only the configured blend when
    /// `tune` is off), then the item-based `item-knn` when `itemBased` is on
    /// (a second model family; it does not depend on the blend search).
    /// Activity blends are derived from the blends' validation scores
    /// (`CandidateSelection`), not listed here.
    public static func candidates(tune: Bool, configured: ServingBlend, itemBased: Bool = true) -> [ServingCandidate] {
        var out = baselines + [.model]
        if tune {
            for window in TrendingWindow.allCases {
                for diversity in diversities {
                    for t in trendingWeights {
                        out.append(.blend(ServingBlend(weights: HybridWeights(model: 1 - t, trending: t, diversity: diversity), window: window)))
                    }
                }
            }
            out.append(.blend(ServingBlend(weights: HybridWeights(model: 1, trending: 0, diversity: 0.1), window: .week)))
        } else if !configured.isPureModel {
            out.append(.blend(configured))
        }
        if itemBased { out.append(.itemKNN) }
        return out
    }
}
