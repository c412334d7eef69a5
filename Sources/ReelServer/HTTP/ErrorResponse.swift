import NIOCore

/// A complete `Connection: close` response for a request rejected before it
/// reached routing (malformed, too long, too slow, carrying a body).
enum ErrorResponse {
    static func write(_ failure: LookupFailure, into out: inout ByteBuffer) {
        var body = ByteBufferAllocator().buffer(capacity: 160)
        LookupJSON.writeError(failure, into: &body)
        var date = HTTPDateCache()
        ResponseHead.write(
            failure.status, contentType: .json, contentLength: body.readableBytes,
            persistence: .close, allowHeader: false, date: &date, into: &out)
        out.writeImmutableBuffer(body)
    }
}
