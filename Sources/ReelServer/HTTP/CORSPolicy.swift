/// Cross-origin access for a browser front end served from another origin
/// (`reel serve --cors-origin`, `serve.cors_origin`; off by default).
///
/// With an origin set, every response carries `Access-Control-Allow-Origin`
/// for it (the same on every response, so no `Vary: Origin` is needed) and
/// exposes `ETag`; an `OPTIONS` preflight on any route is answered 204 with
/// the route's methods. The lines are rendered once, at start.
public struct CORSPolicy: Sendable, Equatable {
    public let origin: String
    /// `\r\nAccess-Control-Allow-Origin: …\r\nAccess-Control-Expose-Headers: ETag`.
    let lines: [UInt8]

    /// Longest origin accepted (a scheme, a host and a port fit easily).
    public static let maxOriginBytes = 256

    /// What a preflight answer adds after `Access-Control-Allow-Methods: <the route's methods>`:
    /// the request headers a page may send, and how long the browser may reuse the answer.
    static let preflightTail: StaticString = "\r\nAccess-Control-Allow-Headers: Content-Type, If-None-Match\r\nAccess-Control-Max-Age: 600"
    /// Bytes a preflight adds at most (the methods list is at most "GET, HEAD, POST").
    static let preflightMaxBytes = 64 + preflightTail.utf8CodeUnitCount

    /// Nil when `origin` is nil or empty (CORS off).
    public init?(origin: String?) {
        guard let origin, !origin.isEmpty else { return nil }
        self.origin = origin
        lines = Array("\r\nAccess-Control-Allow-Origin: \(origin)\r\nAccess-Control-Expose-Headers: ETag".utf8)
    }

    /// Why `origin` cannot be an `Access-Control-Allow-Origin` value, or nil:
    /// `*`, or `scheme://host[:port]` with no path, of visible ASCII.
    public static func problem(_ origin: String) -> String? {
        if origin.isEmpty || origin == "*" { return nil }
        let bytes = Array(origin.utf8)
        guard bytes.count <= maxOriginBytes else {
            return "--cors-origin is longer than \(maxOriginBytes) bytes"
        }
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return "--cors-origin must be visible ASCII (no spaces); got \(origin)"
        }
        let scheme = origin.hasPrefix("https://") ? 8 : origin.hasPrefix("http://") ? 7 : 0
        guard scheme > 0 else {
            return "--cors-origin must be * or an origin such as https://app.example.com; got \(origin)"
        }
        let authority = origin.utf8.dropFirst(scheme)
        guard !authority.isEmpty, !authority.contains(UInt8(ascii: "/")) else {
            return "--cors-origin is an origin (scheme://host[:port]) without a path; got \(origin)"
        }
        return nil
    }
}
