import NIOCore

/// The body's media type.
enum ContentType: Equatable {
    case json
    /// Prometheus text exposition format 0.0.4.
    case prometheus
    /// A web page or asset (`WebAsset.Kind`): sent with its security headers.
    case web(WebAsset.Kind)
}

/// How the connection continues after a response.
enum Persistence {
    /// HTTP/1.1 default: stays open, no header needed.
    case keepAlive
    /// HTTP/1.0 client that asked for keep-alive: say so.
    case keepAliveHTTP10
    /// `Connection: close`, and the daemon closes after writing.
    case close
}

/// Writes a response's status line and headers. Raw bytes straight into the
/// outgoing buffer through one reservation: no `HTTPHeaders` array, no
/// per-header capacity or uniqueness check.
enum ResponseHead {
    /// More than the longest head `write` produces.
    static let maxBytes = 256 + WebAsset.Kind.maxHeaderBytes

    /// - Parameters:
    ///   - caching: the `ETag`/`Cache-Control` lines (`Caching`); ignored for
    ///     web pages, whose headers carry their own `Cache-Control`.
    ///   - cors: the `Access-Control-Allow-Origin` lines, when CORS is on.
    ///   - preflight: add the CORS preflight lines (an OPTIONS answer; `allow` lists the methods).
    ///   A 204 or 304 has no body: it gets neither `Content-Type` nor `Content-Length`.
    static func write(
        _ status: ResponseStatus, contentType: ContentType, contentLength: Int,
        persistence: Persistence, allowHeader: Bool, allow: StaticString = "GET, HEAD",
        caching: Caching = .noStore, cors: CORSPolicy? = nil, preflight: Bool = false,
        date: inout HTTPDateCache,
        into out: inout ByteBuffer
    ) {
        let extra = caching.byteCount + (cors?.lines.count ?? 0) + (preflight ? CORSPolicy.preflightMaxBytes : 0)
        out.writeJSON(maxBytes: maxBytes + extra) { w in
            w.literal("HTTP/1.1 ")
            w.literal(status.line)
            let bodiless = status == .noContent || status == .notModified
            if !bodiless {
                switch contentType {
                case .json: w.literal("\r\nContent-Type: application/json\r\nContent-Length: ")
                case .prometheus: w.literal("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: ")
                case .web(let kind): w.literal(kind.headers)
                }
                w.integer(Int64(contentLength))
            }
            w.literal("\r\nDate: ")
            date.write(into: &w)
            if case .web = contentType, !bodiless {
                // The page's own headers say how it is cached.
            } else {
                switch caching {
                case .noStore: w.literal(CacheHeaders.noStoreLine)
                case .validated(let headers): headers.lines.withUnsafeBytes { w.bytes($0) }
                }
            }
            if let cors {
                cors.lines.withUnsafeBytes { w.bytes($0) }
                if preflight {
                    w.literal("\r\nAccess-Control-Allow-Methods: ")
                    w.literal(allow)
                    w.literal(CORSPolicy.preflightTail)
                }
            }
            switch persistence {
            case .keepAlive: break
            case .keepAliveHTTP10: w.literal("\r\nConnection: keep-alive")
            case .close: w.literal("\r\nConnection: close")
            }
            if allowHeader {
                w.literal("\r\nAllow: ")
                w.literal(allow)
            }
            w.literal("\r\n\r\n")
        }
    }
}
