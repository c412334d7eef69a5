import NIOCore

/// The whole life of a connection over the connection cap: a 503 with
/// `Connection: close` and `Retry-After: 1`, sent as soon as it is open,
/// then the close. Whatever the client sent is never read or parsed, so a
/// refused connection costs a few hundred bytes for a moment.
final class RefusedConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let body = #"{"error":"too_many_connections","detail":"the daemon is at its connection limit (serve --max-connections); retry shortly"}"#

    static let response: String =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
        + "Retry-After: 1\r\nConnection: close\r\n\r\n" + body

    func channelActive(context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: Self.response.utf8.count)
        buffer.writeString(Self.response)
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { [channel = context.channel] _ in
            channel.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
