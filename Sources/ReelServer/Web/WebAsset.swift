/// A page or asset of the web face, compiled into the binary (no files to
/// install, nothing read at run time, no CDN: it works on an air-gapped host).
struct WebAsset: Sendable {
    /// What a response body is, and so which headers it goes with.
    enum Kind: Sendable, Equatable {
        /// An application page: scripts and styles from this daemon only.
        case html
        /// The evaluation report: no script at all, its inline styles allowed.
        case report
        case css
        case javascript
        case svg

        /// Headers every page and asset carries: a Content-Security-Policy that
        /// allows nothing from another origin (and no inline script), no MIME
        /// sniffing, no referrer, no framing, revalidated on each load (a new
        /// release changes them). They end with "Content-Length: " for `ResponseHead`.
        var headers: StaticString {
            switch self {
            case .html:
                return
                    "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'\r\nX-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\nX-Frame-Options: DENY\r\nCache-Control: no-cache\r\nContent-Length: "
            case .report:
                return
                    "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'\r\nX-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\nX-Frame-Options: DENY\r\nCache-Control: no-cache\r\nContent-Length: "
            case .css:
                return "\r\nContent-Type: text/css; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-cache\r\nContent-Length: "
            case .javascript:
                return
                    "\r\nContent-Type: text/javascript; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-cache\r\nContent-Length: "
            case .svg:
                return
                    "\r\nContent-Type: image/svg+xml\r\nContent-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-cache\r\nContent-Length: "
            }
        }

        /// More than the longest `headers`.
        static let maxHeaderBytes = 512
    }

    let kind: Kind
    let bytes: [UInt8]

    init(_ kind: Kind, _ text: String) {
        self.kind = kind
        self.bytes = Array(text.utf8)
    }

    /// The page a path names, or nil.
    static func page(_ path: UnsafeRawBufferPointer) -> WebPage? {
        if path.equals("/") || path.equals("/index.html") { return .explore }
        if path.equals("/docs") || path.equals("/docs/") { return .docs }
        if path.equals("/static/reel.css") { return .css }
        if path.equals("/static/explore.js") { return .exploreJS }
        if path.equals("/static/docs.js") { return .docsJS }
        if path.equals("/favicon.ico") || path.equals("/static/favicon.svg") { return .favicon }
        return nil
    }

    static func of(_ page: WebPage) -> WebAsset {
        switch page {
        case .explore: return explore
        case .docs: return docs
        case .css: return css
        case .exploreJS: return exploreJS
        case .docsJS: return docsJS
        case .favicon: return favicon
        }
    }

    private static let explore = WebAsset(.html, WebPages.exploreHTML)
    private static let docs = WebAsset(.html, WebPages.docsHTML)
    private static let css = WebAsset(.css, WebStyles.css)
    private static let exploreJS = WebAsset(.javascript, WebScripts.explore)
    private static let docsJS = WebAsset(.javascript, WebScripts.docs)
    private static let favicon = WebAsset(.svg, WebPages.faviconSVG)
}

/// The pages and assets the daemon serves.
public enum WebPage: Sendable, Equatable {
    case explore, docs, css, exploreJS, docsJS, favicon
}
