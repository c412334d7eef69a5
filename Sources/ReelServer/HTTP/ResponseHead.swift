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

    static func write(_ status: ResponseStatus, contentType: ContentType, contentLength: Int,
                      persistence: Persistence, allowHeader: Bool, allow: StaticString = "GET, HEAD",
                      date: inout HTTPDateCache,
                      into out: inout ByteBuffer) {
        out.writeJSON(maxBytes: maxBytes) { w in
            w.literal("HTTP/1.1 ")
            w.literal(status.line)
            switch contentType {
            case .json: w.literal("\r\nContent-Type: application/json\r\nContent-Length: ")
            case .prometheus: w.literal("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: ")
            case .web(let kind): w.literal(kind.headers)
            }
            w.integer(Int64(contentLength))
            w.literal("\r\nDate: ")
            date.write(into: &w)
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
