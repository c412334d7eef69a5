import Logging
import NIOCore
import NIOHTTP1
import ReelCore
import ReelRelease

/// Sent to every connection when the daemon shuts down: finish the request
/// in progress, then close.
struct QuiesceEvent: Sendable {}

/// Everything a connection's handler shares with the rest of the daemon.
struct HandlerSettings: Sendable {
    var maxRequestTargetBytes: Int
    var accessLog: Bool
}

/// The per-connection HTTP/1.1 handler: takes decoded request parts, answers
/// through `LookupResponder`, and writes status line, headers and body as one
/// buffer (reused across the connection's requests).
///
/// Keep-alive follows the request (HTTP/1.1 default, HTTP/1.0 on request);
/// requests carrying a body are refused with 413 and the connection closed;
/// decoder errors become 400/414/431. Responses are written during
/// `channelRead` and flushed once per read batch, so pipelined requests are
/// answered in order with one write system call.
final class LookupHTTPHandler<Store: RecommendationStore>: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        var method: RequestMethod
        var uri: String
        var persistence: Persistence
        var startedAt: UInt64
    }

    private enum State {
        case idle
        case receiving(Pending)
        /// A closing response was written; ignore everything until the close.
        case closing
    }

    private var responder: LookupResponder<Store>
    private let metrics: ServerMetrics
    private let progress: RequestProgress
    private let settings: HandlerSettings
    private let logger: Logger
    private var state = State.idle
    private var body = ByteBuffer()
    private var out = ByteBuffer()
    private var date = HTTPDateCache()
    private var needsFlush = false
    private var quiescing = false
    private var readingPaused = false

    init(slot: ReleaseSlot<Store>, metrics: ServerMetrics, progress: RequestProgress,
         settings: HandlerSettings, logger: Logger) {
        self.responder = LookupResponder(slot: slot, metrics: metrics)
        self.metrics = metrics
        self.progress = progress
        self.settings = settings
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        body = context.channel.allocator.buffer(capacity: 8192)
        out = context.channel.allocator.buffer(capacity: 8192)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard case .idle = state else { return }
            progress.awaitingHead = false
            let startedAt = progress.headStartedAt != 0 ? progress.headStartedAt : Clock.nanos()
            if head.uri.utf8.count > settings.maxRequestTargetBytes {
                return reject(context, LookupFailure(.uriTooLong, "uri_too_long",
                    "the request target is longer than \(settings.maxRequestTargetBytes) bytes"), startedAt: startedAt)
            }
            if Self.hasBody(head) {
                return reject(context, LookupFailure(.contentTooLarge, "body_not_allowed",
                    "requests to this API carry no body"), startedAt: startedAt)
            }
            let method: RequestMethod = head.method == .GET ? .get : head.method == .HEAD ? .head : .other
            let persistence: Persistence = !head.isKeepAlive ? .close
                : head.version.major == 1 && head.version.minor == 0 ? .keepAliveHTTP10 : .keepAlive
            state = .receiving(Pending(method: method, uri: head.uri, persistence: persistence, startedAt: startedAt))
        case .body:
            // Unreachable for accepted requests (a head announcing a body is refused above).
            break
        case .end:
            guard case .receiving(let pending) = state else { return }
            state = .idle
            respond(context, pending)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
            if !context.channel.isWritable && !readingPaused {
                // The client is not reading its responses: stop reading its requests.
                readingPaused = true
                context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
            }
        }
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if readingPaused && context.channel.isWritable {
            readingPaused = false
            context.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
        }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            guard case .idle = state, progress.headStartedAt != 0 else {
                context.close(promise: nil)
                return
            }
            // A head was started but never finished.
            return reject(context, LookupFailure(.requestTimeout, "request_timeout",
                "the request head did not arrive in time"), startedAt: progress.headStartedAt)
        }
        if event is QuiesceEvent {
            quiescing = true
            if case .idle = state, progress.headStartedAt == 0 {
                state = .closing
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)))
                    .whenComplete { [channel = context.channel] _ in channel.close(promise: nil) }
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.close(promise: nil)
            return
        }
        guard !isClosing else { return }
        let startedAt = progress.headStartedAt != 0 ? progress.headStartedAt : Clock.nanos()
        if parserError == .headerOverflow {
            let line = progress.requestLineLength ?? Int.max
            if line > settings.maxRequestTargetBytes {
                return reject(context, LookupFailure(.uriTooLong, "uri_too_long",
                    "the request line is longer than \(settings.maxRequestTargetBytes) bytes"), startedAt: startedAt)
            }
            return reject(context, LookupFailure(.headersTooLarge, "headers_too_large",
                "the request headers exceed the size limit"), startedAt: startedAt)
        }
        reject(context, LookupFailure(.badRequest, "malformed_request",
            "the request is not valid HTTP/1.1 (\(parserError))"), startedAt: startedAt)
    }

    private var isClosing: Bool {
        if case .closing = state { return true }
        return false
    }

    private func respond(_ context: ChannelHandlerContext, _ pending: Pending) {
        body.clear()
        let summary = pending.uri.utf8.withContiguousStorageIfAvailable {
            responder.respond(pending.method, target: UnsafeRawBufferPointer($0), into: &body)
        } ?? {
            var uri = pending.uri
            return uri.withUTF8 { responder.respond(pending.method, target: UnsafeRawBufferPointer($0), into: &body) }
        }()
        let persistence = quiescing ? .close : pending.persistence
        out.clear()
        ResponseHead.write(summary.status, contentType: summary.contentType, contentLength: body.readableBytes,
                           persistence: persistence, allowHeader: summary.status == .methodNotAllowed,
                           date: &date, into: &out)
        if pending.method != .head { out.writeImmutableBuffer(body) }
        let elapsed = Clock.nanos() &- pending.startedAt
        metrics.recordRequest(route: summary.route, status: summary.status, nanoseconds: elapsed)
        if settings.accessLog {
            logger.info("\(pending.uri) \(summary.status.rawValue) \(elapsed / 1000)µs")
        }
        progress.reset()
        if case .close = persistence {
            state = .closing
            context.writeAndFlush(wrapOutboundOut(out)).whenComplete { [channel = context.channel] _ in
                channel.close(promise: nil)
            }
        } else {
            context.write(wrapOutboundOut(out), promise: nil)
            needsFlush = true
        }
    }

    /// Answers a request rejected before routing and closes the connection.
    private func reject(_ context: ChannelHandlerContext, _ failure: LookupFailure, startedAt: UInt64) {
        state = .closing
        out.clear()
        ErrorResponse.write(failure, into: &out)
        metrics.recordRequest(route: .invalid, status: failure.status, nanoseconds: Clock.nanos() &- startedAt)
        context.writeAndFlush(wrapOutboundOut(out)).whenComplete { [channel = context.channel] _ in
            channel.close(promise: nil)
        }
    }

    /// True when the head announces a body (a non-zero Content-Length or any Transfer-Encoding).
    private static func hasBody(_ head: HTTPRequestHead) -> Bool {
        for (name, value) in head.headers {
            switch name.utf8.count {
            case 14 where name.lowercased() == "content-length":
                if value != "0" { return true }
            case 17 where name.lowercased() == "transfer-encoding":
                return true
            default:
                continue
            }
        }
        return false
    }
}
