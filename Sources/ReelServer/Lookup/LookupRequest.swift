import ReelServing
import ReelCore

/// How a user's list is ordered: the stored ALS top-K (UC1) or the hybrid
/// re-rank of it with trending popularity and genre diversity (UC3).
public enum RecommendationMode: String, Sendable, Equatable, CaseIterable {
    case als, hybrid

    /// The names a request may give: the model's order by its candidate name
    /// (`implicit-als`, `explicit-als`) or the older alias `als`; `hybrid`.
    public static let names: [(name: String, mode: RecommendationMode)] = [
        ("implicit-als", .als), ("explicit-als", .als), ("als", .als), ("hybrid", .hybrid),
    ]

    /// Parses a mode name, any case; nil for anything else.
    public init?(name: String) {
        guard let found = Self.names.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = found.mode
    }

    /// For error messages.
    public static let allowed = "the model's candidate name (implicit-als, explicit-als; alias als) or hybrid"
}

/// The hybrid weights a request names; the others come from the release's
/// served blend, or the contract's defaults when it has none.
public struct WeightOverrides: Sendable, Equatable {
    public var model: Float?
    public var trending: Float?
    public var diversity: Float?

    public init(model: Float? = nil, trending: Float? = nil, diversity: Float? = nil) {
        self.model = model
        self.trending = trending
        self.diversity = diversity
    }

    public var isEmpty: Bool { model == nil && trending == nil && diversity == nil }

    public func applied(to base: HybridWeights) -> HybridWeights {
        HybridWeights(model: model ?? base.model, trending: trending ?? base.trending, diversity: diversity ?? base.diversity)
    }
}

/// One lookup the daemon and the CLI both answer: the HTTP router and the
/// CLI's argument parsing each produce one of these, and `LookupEngine`
/// answers it, so the two front ends can never disagree.
///
/// A `k` of nil means "the route's default, capped at what the release stores".
public enum LookupRequest: Sendable, Equatable {
    /// UC1/UC3: `GET /v1/users/{userId}/recommendations`. A nil `mode` is
    /// the release's default: `hybrid` with its blend when it has one, else `als`.
    case recommendations(userID: Int32, k: Int?, mode: RecommendationMode?, weights: WeightOverrides)
    /// UC2: `GET /v1/trending`; `genre` is a bit index into `Genres.all`.
    case trending(window: TrendingWindow, genre: Int?, k: Int?)
    /// `GET /v1/movies/{movieId}`.
    case movie(id: Int32)
    /// `GET /v1/movies/{movieId}/similar`.
    case similar(movieID: Int32, k: Int?)
}

/// Defaults shared by the daemon, the CLI and the OpenAPI document.
public enum LookupDefaults {
    public static let recommendationsK = 10
    public static let similarK = 10
    public static let trendingK = 20
    /// Window of the trending list served to users not in the release, and of
    /// the popularity blended into the hybrid re-rank when the release has no blend.
    public static let window = TrendingWindow.week
}
