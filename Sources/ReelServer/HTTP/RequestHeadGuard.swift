import NIOCore
import ReelCore

/// Where a connection is between requests, shared by the byte-level guard
/// and the HTTP handler of one connection (both run on its event loop).
final class RequestProgress {
    /// True from the end of a response until the next request head is parsed.
    var awaitingHead = true
    /// Monotonic time of the first byte of the pending head; 0 when none arrived yet.
    var headStartedAt: UInt64 = 0
    /// Bytes of the pending head seen before its first line feed.
    var bytesBeforeLineEnd = 0
    /// Length of the pending request line, once its line feed has arrived.
    var requestLineLength: Int?

    func reset() {
        awaitingHead = true
        headStartedAt = 0
        bytesBeforeLineEnd = 0
        requestLineLength = nil
    }
}

/// Sits in front of the HTTP decoder and watches the raw bytes of each
/// request head: when it started (request latency and the slow-client
/// deadline) and how long the request line is (to answer 414 rather than 431
/// when the decoder's size limit trips).
///
/// A client that trickles a head for longer than the deadline gets a 408 and
/// is disconnected; one that goes silent is closed by the `IdleStateHandler`.
final class RequestHeadGuard: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let progress: RequestProgress
    private let deadlineNanoseconds: UInt64
    private let metrics: ServerMetrics
    private var timedOut = false

    init(progress: RequestProgress, deadlineNanoseconds: UInt64, metrics: ServerMetrics) {
        self.progress = progress
        self.deadlineNanoseconds = deadlineNanoseconds
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !timedOut else { return }
        if progress.awaitingHead {
            let now = Clock.nanos()
            if progress.headStartedAt == 0 {
                progress.headStartedAt = now
            } else if now &- progress.headStartedAt > deadlineNanoseconds {
                timedOut = true
                let started = progress.headStartedAt
                var out = context.channel.allocator.buffer(capacity: 256)
                ErrorResponse.write(LookupFailure(.requestTimeout, "request_timeout",
                                                  "the request head did not arrive in time"), into: &out)
                metrics.recordRequest(route: .invalid, status: .requestTimeout, nanoseconds: now &- started)
                context.writeAndFlush(wrapOutboundOut(out)).whenComplete { [channel = context.channel] _ in
                    channel.close(promise: nil)
                }
                return
            }
            if progress.requestLineLength == nil {
                let bytes = unwrapInboundIn(data)
                let lineFeed = bytes.withUnsafeReadableBytes { $0.firstIndex(of: UInt8(ascii: "\n")) }
                if let lineFeed {
                    progress.requestLineLength = progress.bytesBeforeLineEnd + lineFeed
                } else {
                    progress.bytesBeforeLineEnd += bytes.readableBytes
                }
            }
        }
        context.fireChannelRead(data)
    }
}
