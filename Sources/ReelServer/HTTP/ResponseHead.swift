import NIOCore

/// The body's media type.
enum ContentType {
    case json
    /// Prometheus text exposition format 0.0.4.
    case prometheus
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
/// outgoing buffer: no `HTTPHeaders` array, no `HTTPResponseEncoder`.
enum ResponseHead {
    static func write(_ status: ResponseStatus, contentType: ContentType, contentLength: Int,
                      persistence: Persistence, allowHeader: Bool, date: inout HTTPDateCache,
                      into out: inout ByteBuffer) {
        out.writeStaticString("HTTP/1.1 ")
        out.writeStaticString(status.line)
        switch contentType {
        case .json: out.writeStaticString("\r\nContent-Type: application/json\r\nContent-Length: ")
        case .prometheus: out.writeStaticString("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: ")
        }
        out.writeJSONInteger(contentLength)
        out.writeStaticString("\r\nDate: ")
        date.write(into: &out)
        switch persistence {
        case .keepAlive: break
        case .keepAliveHTTP10: out.writeStaticString("\r\nConnection: keep-alive")
        case .close: out.writeStaticString("\r\nConnection: close")
        }
        if allowHeader { out.writeStaticString("\r\nAllow: GET, HEAD") }
        out.writeStaticString("\r\n\r\n")
    }
}
