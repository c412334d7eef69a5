import ReelCore

/// The UC3 blend a release serves by default: the hybrid weights and the
/// trending window whose popularity is blended in.
///
/// Chosen by `reel evaluate` on a validation split (`CandidateSelection`), carried in
/// the evaluation report, precomputed into the release by `reel publish`, and
/// applied by the daemon and the CLI when a request names no weights — so what
/// was measured is what is served.
public struct ServingBlend: Sendable, Equatable {
    public var weights: HybridWeights
    public var window: TrendingWindow

    public init(weights: HybridWeights, window: TrendingWindow) {
        self.weights = weights
        self.window = window
    }

    /// True when the blend orders candidates exactly as the model does (no
    /// trending, no diversity penalty): then there is nothing to precompute
    /// and UC1 serves the model's own list.
    public var isPureModel: Bool { weights.trending == 0 && weights.diversity == 0 && weights.model > 0 }
}

extension ServingBlend: Codable {
    enum CodingKeys: String, CodingKey { case model, trending, diversity, window }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let label = try c.decode(String.self, forKey: .window)
        guard let window = TrendingWindow(label: label) else {
            throw DecodingError.dataCorruptedError(forKey: .window, in: c, debugDescription: "window must be 24h, 7d or 30d, not \(label)")
        }
        self.init(
            weights: HybridWeights(
                model: try c.decode(Float.self, forKey: .model),
                trending: try c.decode(Float.self, forKey: .trending),
                diversity: try c.decode(Float.self, forKey: .diversity)),
            window: window)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(weights.model, forKey: .model)
        try c.encode(weights.trending, forKey: .trending)
        try c.encode(weights.diversity, forKey: .diversity)
        try c.encode(window.label, forKey: .window)
    }
}
