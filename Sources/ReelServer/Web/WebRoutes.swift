/// What the web face asks of the daemon.
public enum WebRequest: Sendable, Equatable {
    /// `GET /v1/movies?q=star+wars&k=10`: title search (the query, percent-decoded).
    case movieSearch(query: [UInt8], k: Int?)
    /// `GET /v1/users/{userId}/ratings`: the user's most recent ratings, newest first.
    case userRatings(userID: Int32, k: Int?)
    /// `/`, `/docs` and their assets.
    case page(WebPage)
    /// `/report`: the current release's evaluation report.
    case report
}

/// Routing for the web face, kept apart from the lookup routes' `Router`.
enum WebRoutes {
    /// Search results returned at most (and by default).
    static let maxSearchK = 100
    static let defaultSearchK = 10

    /// The route of a page path, or nil.
    static func match(_ path: UnsafeRawBufferPointer) -> RouteID? {
        if path.equals("/report") || path.equals("/report/") { return .report }
        return WebAsset.page(path) == nil ? nil : .page
    }

    private static let searchParameters: [StaticString] = ["q", "k"]
    private static let ratingsParameters: [StaticString] = ["k"]

    static func parse(_ id: RouteID, path: UnsafeRawBufferPointer, query: UnsafeRawBufferPointer) throws(LookupFailure) -> Route {
        switch id {
        case .movieSearch:
            let q = try QueryParameters(query, accepting: searchParameters, path: "/v1/movies")
            guard let raw = q[0] else {
                throw .badParameter("/v1/movies needs a title to search for, e.g. ?q=star+wars")
            }
            let text = try ParameterValue.decoded(raw) { (bytes) throws(LookupFailure) -> [UInt8] in Array(bytes) }
            let k = try q[1].map { (v) throws(LookupFailure) in try ParameterValue.k(v) }
            if let k, !(1...maxSearchK).contains(k) {
                throw .badParameter("k must be between 1 and \(maxSearchK) for a title search; got \(k)")
            }
            return .web(.movieSearch(query: text, k: k))
        case .userRatings:
            let segment = path.dropPrefix("/v1/users/")!.splitOnce(at: UInt8(ascii: "/")).head
            let user = try ParameterValue.id(segment, what: "user id")
            let q = try QueryParameters(query, accepting: ratingsParameters, path: "/v1/users/{userId}/ratings")
            let k = try q[0].map { (v) throws(LookupFailure) in try ParameterValue.k(v) }
            if let k, k < 1 { throw .badParameter("k must be at least 1; got \(k)") }
            return .web(.userRatings(userID: user, k: k))
        case .report:
            return .web(.report)
        default:
            // Pages ignore query strings (links may carry their own).
            guard let page = WebAsset.page(path) else { throw LookupFailure(.notFound, "no_route", "no route") }
            return .web(.page(page))
        }
    }
}
