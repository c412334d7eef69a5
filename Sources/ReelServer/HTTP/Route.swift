/// A request the daemon understood.
public enum Route: Sendable, Equatable {
    /// A lookup answered from the release (the `/v1/...` data routes).
    case lookup(LookupRequest)
    case release
    case healthz
    case readyz
    case metrics
    case openAPI
    /// `POST /v1/recommendations` (userID nil) or `POST /v1/users/{userId}/recommendations`:
    /// a fold-in of the ratings in the body (`FoldInResponder`).
    case foldIn(userID: Int32?)
    /// Title search, recent ratings, and the web pages (`WebRoutes`).
    case web(WebRequest)
}

/// Which route a request hit, known even when its parameters were bad; the
/// label of the metrics series and the unit of the 405 check.
public enum RouteID: Int, Sendable, CaseIterable {
    case recommendations, trending, movie, similar, release, healthz, readyz, metrics, openAPI
    /// The web face: title search, a user's recent ratings, the pages and assets, the report.
    case movieSearch, userRatings, page, report
    /// No route has this path (404).
    case unmatched
    /// The request never reached routing: malformed, too long, too slow, or carrying a body.
    case invalid
    /// `POST /v1/recommendations` and `POST /v1/users/{userId}/recommendations`
    /// (declared after the others so existing metrics slots keep their places).
    case foldIn, userFoldIn

    /// The metrics label.
    public var label: String {
        switch self {
        case .recommendations: return "recommendations"
        case .trending: return "trending"
        case .movie: return "movie"
        case .similar: return "similar"
        case .release: return "release"
        case .healthz: return "healthz"
        case .readyz: return "readyz"
        case .metrics: return "metrics"
        case .openAPI: return "openapi"
        case .movieSearch: return "movie_search"
        case .userRatings: return "user_ratings"
        case .page: return "page"
        case .report: return "report"
        case .unmatched: return "unmatched"
        case .invalid: return "invalid"
        case .foldIn: return "fold_in"
        case .userFoldIn: return "user_fold_in"
        }
    }

    /// The path template as written in the OpenAPI document, or nil for the
    /// pseudo-routes.
    public var template: String? {
        switch self {
        case .recommendations: return "/v1/users/{userId}/recommendations"
        case .trending: return "/v1/trending"
        case .movie: return "/v1/movies/{movieId}"
        case .similar: return "/v1/movies/{movieId}/similar"
        case .release: return "/v1/release"
        case .healthz: return "/healthz"
        case .readyz: return "/readyz"
        case .metrics: return "/metrics"
        case .openAPI: return "/openapi.json"
        case .foldIn: return "/v1/recommendations"
        case .userFoldIn: return "/v1/users/{userId}/recommendations"
        case .movieSearch: return "/v1/movies"
        case .userRatings: return "/v1/users/{userId}/ratings"
        // The pages are the UI, not the API: not in the OpenAPI document.
        case .page, .report: return nil
        case .unmatched, .invalid: return nil
        }
    }
}
