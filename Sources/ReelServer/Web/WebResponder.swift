import NIOCore
import ReelCore
import ReelServing

/// Answers the web face's requests (`WebRequest`): title search, a user's
/// recent ratings, the pages, the report. One per connection, beside the
/// `LookupEngine`; its searcher's buffers are reused request after request.
struct WebResponder<Store: RecommendationStore> {
    private var search = TitleSearch()

    mutating func respond(
        _ request: WebRequest, route: RouteID, release: ServedRelease<Store>?,
        notReady: () -> String, into body: inout ByteBuffer
    ) -> ResponseSummary {
        switch request {
        case .page(let page):
            let asset = WebAsset.of(page)
            body.writeBytes(asset.bytes)
            return ResponseSummary(status: .ok, route: route, contentType: .web(asset.kind))
        case .report:
            guard let release else {
                return Self.reportMissing(.serviceUnavailable, "The daemon has no verified release mapped yet.", route, &body)
            }
            guard let report = release.store.web?.reportHTML else {
                return Self.reportMissing(
                    .notFound, "Release \(release.releaseID) carries no evaluation report (it was published without one).", route, &body)
            }
            body.writeBytes(report)
            return ResponseSummary(status: .ok, route: route, contentType: .web(.report))
        case let .movieSearch(query, k):
            guard let release else { return Self.fail(.init(.serviceUnavailable, "not_ready", notReady()), route, &body) }
            let store = release.store
            let k = k ?? WebRoutes.defaultSearchK
            query.withUnsafeBytes { text in
                if let index = store.web?.titleIndex {
                    search.search(text, k: k, index: index)
                } else {
                    search.scan(
                        text, k: k, movieCount: store.movieCount, title: { store.movie(row: $0).title },
                        ratingCount: { store.movie(row: $0).ratingCount })
                }
            }
            WebJSON.writeSearch(query: query, results: search.results, release: release, into: &body)
        case let .userRatings(userID, k):
            guard let release else { return Self.fail(.init(.serviceUnavailable, "not_ready", notReady()), route, &body) }
            guard let row = release.store.userRow(forID: userID) else {
                return Self.fail(.notFound("user \(userID) is not in release \(release.releaseID)"), route, &body)
            }
            WebJSON.writeRatings(userID: userID, userRow: row, limit: k, release: release, into: &body)
        }
        return ResponseSummary(status: .ok, route: route)
    }

    private static func fail(_ failure: LookupFailure, _ route: RouteID, _ body: inout ByteBuffer) -> ResponseSummary {
        LookupJSON.writeError(failure, into: &body)
        return ResponseSummary(status: failure.status, route: route)
    }

    /// A small page saying why there is no report (a person opened the link).
    private static func reportMissing(
        _ status: ResponseStatus, _ why: String, _ route: RouteID,
        _ body: inout ByteBuffer
    ) -> ResponseSummary {
        body.writeString(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>No report</title></head>"
                + "<body><h1>No evaluation report</h1><p>\(HTMLText.escape(why))</p>"
                + "<p>Run <code>reel report</code> after an evaluation, then publish; the nightly does both.</p>"
                + "<p><a href=\"/\">Back to Explore</a></p></body></html>")
        return ResponseSummary(status: status, route: route, contentType: .web(.report))
    }
}
