import ReelServing

/// The request methods the router distinguishes: every lookup route answers
/// GET and HEAD, the fold-in routes POST (`Router+FoldIn`), every known path
/// OPTIONS (the CORS preflight, `LookupResponder`); anything else on a known
/// path is a 405.
public enum RequestMethod: Sendable {
    case get, head, post, options, other
}

/// The outcome of routing: which route (always known, for metrics) and either
/// the parsed request or the error to answer with.
public struct Routed: Sendable, Equatable {
    public var id: RouteID
    public var outcome: Result<Route, LookupFailure>
}

/// Maps a request target (`/path?query`) to a `Route` by scanning its bytes.
///
/// Order of checks: unknown path (404), wrong method (405, with Allow),
/// bad path id (400), bad query (400). Never builds a string unless it
/// reports an error.
public enum Router {
    public static func route(_ method: RequestMethod, target: UnsafeRawBufferPointer) -> Routed {
        let (path, rawQuery) = target.splitOnce(at: UInt8(ascii: "?"))
        let query = rawQuery ?? UnsafeRawBufferPointer(start: nil, count: 0)
        let id = match(path)
        guard id != .unmatched else {
            return Routed(
                id: id,
                outcome: .failure(
                    LookupFailure(
                        .notFound, "no_route", "no route for \(quoted(path)); see /openapi.json for the API")))
        }
        if method == .post || id == .foldIn { return routeFoldIn(method, id, path: path, query: query) }
        guard method == .get || method == .head else {
            return Routed(
                id: id,
                outcome: .failure(
                    LookupFailure(
                        .methodNotAllowed, "method_not_allowed", "\(id.template ?? "this route") answers only GET and HEAD")))
        }
        do throws(LookupFailure) {
            return Routed(id: id, outcome: .success(try parse(id, path: path, query: query)))
        } catch {
            return Routed(id: id, outcome: .failure(error))
        }
    }

    /// Which route a path names (ids are not validated here).
    static func match(_ path: UnsafeRawBufferPointer) -> RouteID {
        if let rest = path.dropPrefix("/v1/") {
            if let user = rest.dropPrefix("users/") {
                let (_, tail) = user.splitOnce(at: UInt8(ascii: "/"))
                if tail.map({ $0.equals("recommendations") }) == true { return .recommendations }
                return tail.map { $0.equals("ratings") } == true ? .userRatings : .unmatched
            }
            if rest.equals("movies") { return .movieSearch }
            if let movie = rest.dropPrefix("movies/") {
                let (_, tail) = movie.splitOnce(at: UInt8(ascii: "/"))
                guard let tail else { return .movie }
                return tail.equals("similar") ? .similar : .unmatched
            }
            if rest.equals("trending") { return .trending }
            if rest.equals("release") { return .release }
            if rest.equals("recommendations") { return .foldIn }
            return .unmatched
        }
        if path.equals("/healthz") { return .healthz }
        if path.equals("/readyz") { return .readyz }
        if path.equals("/metrics") { return .metrics }
        if path.equals("/openapi.json") { return .openAPI }
        if let page = WebRoutes.match(path) { return page }
        return .unmatched
    }

    private static let recommendationsParameters: [StaticString] = ["k", "mode", "w_model", "w_trending", "w_diversity"]
    private static let trendingParameters: [StaticString] = ["window", "genre", "k"]
    private static let similarParameters: [StaticString] = ["k"]
    private static let noParameters: [StaticString] = []

    private static func parse(
        _ id: RouteID, path: UnsafeRawBufferPointer,
        query: UnsafeRawBufferPointer
    ) throws(LookupFailure) -> Route {
        switch id {
        case .recommendations:
            let segment = path.dropPrefix("/v1/users/")!.splitOnce(at: UInt8(ascii: "/")).head
            let user = try ParameterValue.id(segment, what: "user id")
            let q = try QueryParameters(
                query, accepting: recommendationsParameters,
                path: "/v1/users/{userId}/recommendations")
            let k = try q[0].map { (v) throws(LookupFailure) in try ParameterValue.k(v) }
            let mode = try q[1].map { (v) throws(LookupFailure) in try ParameterValue.mode(v) }
            var weights = WeightOverrides()
            if let v = q[2] { weights.model = try ParameterValue.weight(v, name: "w_model") }
            if let v = q[3] { weights.trending = try ParameterValue.weight(v, name: "w_trending") }
            if let v = q[4] { weights.diversity = try ParameterValue.weight(v, name: "w_diversity") }
            if mode != .hybrid, !weights.isEmpty {
                throw .badParameter("w_model, w_trending and w_diversity apply only with mode=hybrid")
            }
            return .lookup(.recommendations(userID: user, k: k, mode: mode, weights: weights))

        case .trending:
            let q = try QueryParameters(query, accepting: trendingParameters, path: "/v1/trending")
            let window = try q[0].map { (v) throws(LookupFailure) in try ParameterValue.window(v) }
            let genre = try q[1].map { (v) throws(LookupFailure) in try ParameterValue.genre(v) }
            let k = try q[2].map { (v) throws(LookupFailure) in try ParameterValue.k(v) }
            return .lookup(.trending(window: window ?? LookupDefaults.window, genre: genre, k: k))

        case .movie, .similar:
            let segment = path.dropPrefix("/v1/movies/")!.splitOnce(at: UInt8(ascii: "/")).head
            let movie = try ParameterValue.id(segment, what: "movie id")
            if id == .movie {
                _ = try QueryParameters(query, accepting: noParameters, path: "/v1/movies/{movieId}")
                return .lookup(.movie(id: movie))
            }
            let q = try QueryParameters(query, accepting: similarParameters, path: "/v1/movies/{movieId}/similar")
            let k = try q[0].map { (v) throws(LookupFailure) in try ParameterValue.k(v) }
            return .lookup(.similar(movieID: movie, k: k))

        case .release:
            _ = try QueryParameters(query, accepting: noParameters, path: "/v1/release")
            return .release
        // Operational routes ignore query strings: probes and scrapers may add their own.
        case .healthz: return .healthz
        case .readyz: return .readyz
        case .metrics: return .metrics
        case .openAPI: return .openAPI
        case .movieSearch, .userRatings, .page, .report:
            return try WebRoutes.parse(id, path: path, query: query)
        case .unmatched, .invalid, .foldIn, .userFoldIn:
            throw LookupFailure(.notFound, "no_route", "no route")
        }
    }
}
