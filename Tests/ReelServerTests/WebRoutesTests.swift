import Foundation
import NIOCore
import ReelCore
@testable import ReelServer
import Testing

/// The web face's routes on the daemon: title search, recent ratings, the
/// pages with their security headers, the report, and escaping.
@Suite("Web routes")
struct WebRoutesTests {
    @Test("GET /v1/movies?q= searches titles (scan fallback on a store without an index)")
    func search() throws {
        var (responder, _) = makeResponder()
        let (summary, text) = responder.call("/v1/movies?q=AM%C3%89LIE&k=3")
        #expect(summary.status == .ok && summary.route == .movieSearch)
        let body = try jsonObject(text)
        #expect(body["query"] as? String == "AMÉLIE")
        let items = try #require(body["items"] as? [[String: Any]])
        #expect(items.count == 1 && items[0]["title"] as? String == "Amélie" && items[0]["match"] as? String == "exact")
        let toy = try jsonObject(responder.call("/v1/movies?q=toy+st").1)
        #expect((toy["items"] as? [[String: Any]])?.first?["movieId"] as? Int == 1)
        #expect((toy["items"] as? [[String: Any]])?.first?["match"] as? String == "prefix")
        #expect(try jsonObject(responder.call("/v1/movies?q=nothing+like+this").1)["count"] as? Int == 0)
    }

    @Test("search parameters are checked: q is required, k is 1...100, unknown names are 400")
    func searchParameters() {
        var (responder, _) = makeResponder()
        for target in ["/v1/movies", "/v1/movies?q=", "/v1/movies?q=a&k=0", "/v1/movies?q=a&k=101", "/v1/movies?query=a"] {
            #expect(responder.call(target).0.status == .badRequest, "\(target)")
        }
    }

    @Test("GET /v1/users/{id}/ratings: 404 for an unknown user, stored 0 without the sections")
    func ratings() throws {
        var (responder, _) = makeResponder()
        let (summary, text) = responder.call("/v1/users/1/ratings")
        #expect(summary.status == .ok && summary.route == .userRatings)
        let body = try jsonObject(text)
        #expect(body["stored"] as? Int == 0 && body["count"] as? Int == 0)
        #expect(responder.call("/v1/users/424242/ratings").0.status == .notFound)
        #expect(responder.call("/v1/users/x/ratings").0.status == .badRequest)
        #expect(responder.call("/v1/users/1/ratings", method: .other).0.status == .methodNotAllowed)
    }

    @Test("pages and assets are served with their content types; the report is a 404 page when absent")
    func pages() {
        var (responder, _) = makeResponder()
        for (target, kind) in [
            ("/", WebAsset.Kind.html), ("/docs", .html), ("/static/reel.css", .css),
            ("/static/explore.js", .javascript), ("/static/docs.js", .javascript),
            ("/favicon.ico", .svg), ("/?user=1", .html),
        ] {
            let (summary, text) = responder.call(target)
            #expect(summary.status == .ok && summary.contentType == .web(kind), "\(target)")
            #expect(!text.isEmpty)
        }
        let (report, text) = responder.call("/report")
        #expect(report.status == .notFound && report.contentType == .web(.report))
        #expect(text.contains("carries no evaluation report"))
        #expect(responder.call("/static/nope.js").0.status == .notFound)
        var (empty, _) = makeResponder(nil)
        #expect(empty.call("/").0.status == .ok)
        #expect(empty.call("/report").0.status == .serviceUnavailable)
        #expect(empty.call("/v1/movies?q=a").0.status == .serviceUnavailable)
    }

    @Test("pages never put data into HTML: the scripts insert text nodes only")
    func noHTMLInjection() {
        for script in [WebScripts.explore, WebScripts.docs] {
            #expect(
                !script.contains("innerHTML") && !script.contains("outerHTML") && !script.contains("insertAdjacentHTML")
                    && !script.contains("document.write") && !script.contains("eval("))
        }
        for page in [WebPages.exploreHTML, WebPages.docsHTML] {
            #expect(!page.contains("style=\"") && !page.contains("onclick") && !page.contains("<script>"))
            #expect(page.contains("<script src=\"/static/"))
        }
        #expect(HTMLText.escape("<script>alert('x') & \"y\"</script>") == "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;")
    }

    @Test("on the wire: CSP and nosniff on every page and asset, none added to the JSON routes")
    func headersOnTheWire() async throws {
        try await withServer { running in
            let page = try await get(running.port, "/")
            #expect(page.status == 200)
            #expect(page.headers["content-type"] == "text/html; charset=utf-8")
            #expect(page.headers["content-security-policy"]?.contains("script-src 'self'") == true)
            #expect(page.headers["x-content-type-options"] == "nosniff")
            for target in ["/static/explore.js", "/static/reel.css", "/docs", "/report"] {
                let r = try await get(running.port, target)
                #expect(r.headers["x-content-type-options"] == "nosniff", "\(target)")
            }
            let report = try await get(running.port, "/report")
            #expect(report.headers["content-security-policy"]?.hasPrefix("default-src 'none'") == true)
            let head = try await get(running.port, "/", method: "HEAD")
            #expect(head.status == 200 && head.body.isEmpty)
            let json = try await get(running.port, "/v1/movies/1")
            #expect(json.headers["content-security-policy"] == nil)
        }
    }
}
