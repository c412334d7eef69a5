import ReelSilver
import ReelServing
import ReelCore

/// How simple a candidate is, for the adoption rule: a more complex candidate
/// is served only when its paired CI says it beats the best simpler one
/// (docs/model.md, "What is served and why"). Lower is simpler.
///
/// The model's own order ranks *below* the blends: a blend is the model plus
/// a trending term and a weight (at weight 0 it is the model), so it cannot be
/// simpler, and near-zero blends would otherwise always displace the model.
public enum CandidateFamily: Int, Sendable, Codable, Comparable, CaseIterable {
    /// All-time popularity: one list for everyone (minus what each user rated).
    case popular = 0
    /// Popularity in a recent window: one list, refreshed every night.
    case trending = 1
    /// The model's own order.
    case model = 2
    /// The model's candidates re-ranked with one trending weight for everyone.
    case blend = 3
    /// The same with a trending weight that depends on how much the user rated.
    case activityBlend = 4
    /// Item-based recommenders (e.g. `item-knn`): a second model family.
    case itemBased = 5

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    /// True for the candidates that use no model at all.
    public var isBaseline: Bool { self == .popular || self == .trending }
}

/// A blend whose trending weight depends on the user's activity: users with at
/// most `threshold` ratings get `lightTrending`, the others `heavyTrending`
/// (the model gets the rest), so new and light users can lean on what is
/// trending and heavy users on their taste.
public struct ActivityBlend: Sendable, Codable, Equatable, Hashable {
    public var window: TrendingWindow
    public var threshold: Int
    public var lightTrending: Float
    public var heavyTrending: Float
    public var diversity: Float

    public init(window: TrendingWindow, threshold: Int, lightTrending: Float, heavyTrending: Float, diversity: Float) {
        self.window = window
        self.threshold = threshold
        self.lightTrending = lightTrending
        self.heavyTrending = heavyTrending
        self.diversity = diversity
    }

    /// The blend of a user with `ratings` ratings.
    public func blend(forRatings ratings: Int) -> ServingBlend {
        let t = ratings <= threshold ? lightTrending : heavyTrending
        return ServingBlend(weights: HybridWeights(model: 1 - t, trending: t, diversity: diversity), window: window)
    }

    enum CodingKeys: String, CodingKey { case window, threshold, lightTrending, heavyTrending, diversity }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let label = try c.decode(String.self, forKey: .window)
        guard let window = TrendingWindow(label: label) else {
            throw DecodingError.dataCorruptedError(forKey: .window, in: c, debugDescription: "window must be 24h, 7d or 30d, not \(label)")
        }
        self.init(
            window: window, threshold: try c.decode(Int.self, forKey: .threshold),
            lightTrending: try c.decode(Float.self, forKey: .lightTrending),
            heavyTrending: try c.decode(Float.self, forKey: .heavyTrending),
            diversity: try c.decode(Float.self, forKey: .diversity))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(window.label, forKey: .window)
        try c.encode(threshold, forKey: .threshold)
        try c.encode(lightTrending, forKey: .lightTrending)
        try c.encode(heavyTrending, forKey: .heavyTrending)
        try c.encode(diversity, forKey: .diversity)
    }
}

/// What a release can serve as every user's default list: a *candidate*.
///
/// This is the descriptor — small, `Codable`, carried from the evaluation
/// report to `reel publish` — and `recommender` turns it into the code that
/// produces the lists (`CandidateRecommender`), the same code for the
/// evaluation and for the release, so what was measured is what is served.
///
/// **Adding a candidate** (e.g. the item-based `item-knn`): implement
/// `CandidateRecommender` (per-user top-k lists from a `CandidateContext`),
/// add a case here with its `name`, `family` and `recommender`, and list it in
/// `CandidateGrid.candidates`. The evaluation then scores it on validation
/// with paired CIs against the others, the adoption rule weighs it by its
/// family, and `reel publish` stores its lists as the release's served lists
/// (`userServedMovies`) when it wins — no change to the release format or the
/// daemon. A candidate that needs its own trained state (an item-item matrix)
/// builds it inside its recommender from `CandidateContext.ratings`, which is
/// the training part of the split during evaluation and silver at publish.
public enum ServingCandidate: Sendable, Equatable {
    /// The model's own order (`implicit-als`).
    case model
    /// All-time popularity (`popular`).
    case popular
    /// Popularity in a trending window (`trending-24h`, `trending-7d`, `trending-30d`).
    case trending(TrendingWindow)
    /// The model's candidates re-ranked by one blend (`hybrid`).
    case blend(ServingBlend)
    /// The same with a per-user trending weight (`hybrid`, by activity).
    case activityBlend(ActivityBlend)
    /// Item-item cosine over co-ratings (`item-knn`), trained from the
    /// context's ratings with `ItemKNNParams`' defaults: no ALS needed.
    case itemKNN

    /// The canonical list name (the report's mode and the response's `source`).
    public var name: String {
        switch self {
        case .model: return "implicit-als"
        case .popular: return "popular"
        case .trending(let w): return "trending-\(w.label)"
        case .blend, .activityBlend: return "hybrid"
        case .itemKNN: return "item-knn"
        }
    }

    /// A label unique among the candidates of one evaluation.
    public var label: String {
        switch self {
        case .model, .popular, .trending, .itemKNN: return name
        case .blend(let b):
            if b.isPureModel { return "implicit-als" }
            return "hybrid \(b.window.label) t=\(decimal(b.weights.trending))" + (b.weights.diversity > 0 ? " d=\(decimal(b.weights.diversity))" : "")
        case .activityBlend(let a):
            return "hybrid \(a.window.label) t=\(decimal(a.lightTrending))/\(decimal(a.heavyTrending)) by activity (≤\(a.threshold) ratings)"
                + (a.diversity > 0 ? " d=\(decimal(a.diversity))" : "")
        }
    }

    public var family: CandidateFamily {
        switch self {
        case .model: return .model
        case .popular: return .popular
        case .trending: return .trending
        case .blend(let b): return b.isPureModel ? .model : .blend
        case .activityBlend: return .activityBlend
        case .itemKNN: return .itemBased
        }
    }

    /// True when the candidate needs the ALS model's lists (item-knn trains its own state).
    public var usesModel: Bool { !family.isBaseline && family != .itemBased }

    /// Parses a pin (`serving.pin`): a canonical name, or `hybrid` for `configured`.
    public static func pinned(_ text: String, configured: ServingBlend) -> ServingCandidate? {
        switch text {
        case "implicit-als", "als": return .model
        case "popular": return .popular
        case "item-knn": return .itemKNN
        case "hybrid": return .blend(configured)
        default:
            guard text.hasPrefix("trending-"), let w = TrendingWindow(label: String(text.dropFirst("trending-".count))) else { return nil }
            return .trending(w)
        }
    }

    /// The names `pinned` accepts, for messages and `reel config`.
    public static let pinNames = ["auto", "implicit-als", "hybrid", "popular", "trending-24h", "trending-7d", "trending-30d", "item-knn"]
}

/// "0.3", not "0.30000001".
func decimal(_ x: Float) -> String {
    let s = "\(x)"
    return s.hasSuffix(".0") ? String(s.dropLast(2)) : s
}

extension ServingCandidate: Codable {
    enum CodingKeys: String, CodingKey { case name, kind, window, blend, activity }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .kind) {
        case "model": self = .model
        case "popular": self = .popular
        case "trending":
            let label = try c.decode(String.self, forKey: .window)
            guard let w = TrendingWindow(label: label) else {
                throw DecodingError.dataCorruptedError(forKey: .window, in: c, debugDescription: "window must be 24h, 7d or 30d, not \(label)")
            }
            self = .trending(w)
        case "blend": self = .blend(try c.decode(ServingBlend.self, forKey: .blend))
        case "activityBlend": self = .activityBlend(try c.decode(ActivityBlend.self, forKey: .activity))
        case "itemKNN": self = .itemKNN
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown candidate kind '\(other)'")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        switch self {
        case .model: try c.encode("model", forKey: .kind)
        case .popular: try c.encode("popular", forKey: .kind)
        case .trending(let w): try c.encode("trending", forKey: .kind); try c.encode(w.label, forKey: .window)
        case .blend(let b): try c.encode("blend", forKey: .kind); try c.encode(b, forKey: .blend)
        case .activityBlend(let a): try c.encode("activityBlend", forKey: .kind); try c.encode(a, forKey: .activity)
        case .itemKNN: try c.encode("itemKNN", forKey: .kind)
        }
    }
}
