import Logging
import NIOCore
import ReelCore
import ReelServing

/// Sent to every connection when the daemon shuts down: finish the request
/// in progress, then close.
struct QuiesceEvent: Sendable {}

/// Everything a connection's handler shares with the rest of the daemon.
struct HandlerSettings: Sendable {
    var parser: HTTPRequestParser
    /// A connection with no bytes from its client for this long is closed (408 if a head was started).
    var idleNanoseconds: UInt64
    /// A request head still incomplete this long after its first byte gets a 408.
    var headDeadlineNanoseconds: UInt64
    /// Response bytes a connection may hold unsent before it stops answering
    /// and reading (backpressure); see `ServerConfiguration.maxQueuedBytesPerConnection`.
    var flushThresholdBytes: Int = 128 * 1024
    var accessLog: Bool
    /// `Access-Control-Allow-Origin` on every response, when CORS is on.
    var cors: CORSPolicy? = nil
}

/// The whole HTTP/1.1 side of one connection, on the raw bytes read from the
/// socket: `HTTPRequestParser` finds each request head in place,
/// `LookupResponder` answers it, and the response (status line, headers,
/// body) is appended to one reused buffer that is written and flushed once
/// per read batch, so pipelined requests are answered in order with one
/// write system call and nothing is allocated per request.
///
/// Keep-alive follows the request (HTTP/1.1 default, HTTP/1.0 on request).
/// Requests announcing a body, malformed heads and heads over the size limits
/// are answered (413/400/414/431) and the connection closed. A head split
/// across reads is kept until it completes; one that trickles in for longer
/// than the head deadline gets a 408, and a connection silent for the idle
/// timeout is closed (with a 408 if a head was started).
///
/// Backpressure: a client that pipelines requests and does not read the
/// answers must not make the daemon hold its responses without bound. Once
/// the unsent responses pass `flushThresholdBytes` (and the channel's write
/// buffer is above its high-water mark), the handler stops answering and stops
/// reading; the requests already read wait, in order, in `partial`. When the
/// client drains its responses (the channel becomes writable) the waiting
/// requests are answered and reading resumes. A connection that makes no
/// progress either way for the idle timeout is closed whatever it has queued:
/// timeouts never wait for a write the client will not read.
final class LookupHTTPHandler<Store: RecommendationStore>: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var responder: LookupResponder<Store>
    private var foldIn: FoldInResponder<Store>
    /// A POST head has arrived but not all of its body: parse from the start next time.
    private var awaitingBody = false
    /// A fold-in was answered with more input pending: the rest waits for the next loop turn.
    private var yielded = false
    private var resumePending = false
    private let metrics: ServerMetrics
    private let settings: HandlerSettings
    private let logger: Logger
    /// The start of a request head that has not fully arrived, carried between reads; empty otherwise.
    private var partial = ByteBuffer()
    /// When the first byte of the head in `partial` arrived; 0 when none is pending.
    private var headStartedAt: UInt64 = 0
    private var lastReadAt: UInt64 = 0
    private var body = ByteBuffer()
    /// The responses of the current read batch, written at `channelReadComplete`.
    private var out = ByteBuffer()
    private var date = HTTPDateCache()
    /// A closing response was written; the rest of the input is ignored until the close.
    private var closing = false
    private var quiescing = false
    /// Backpressure: reading and answering stopped until the channel is writable again;
    /// requests read meanwhile wait in `partial`, complete ones included.
    private var paused = false
    private var idleCheck: Scheduled<Void>?
    /// The client's address as the access log shows it, rendered at its first line.
    private var client: String?

    init(slot: ReleaseSlot<Store>, metrics: ServerMetrics, settings: HandlerSettings, logger: Logger) {
        self.responder = LookupResponder(slot: slot, metrics: metrics)
        self.foldIn = FoldInResponder(slot: slot, metrics: metrics)
        self.metrics = metrics
        self.settings = settings
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        body = context.channel.allocator.buffer(capacity: 8192)
        out = context.channel.allocator.buffer(capacity: 16384)
        partial = context.channel.allocator.buffer(capacity: 0)
        lastReadAt = Clock.nanos()
        scheduleIdleCheck(context, in: settings.idleNanoseconds)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleCheck?.cancel()
        idleCheck = nil
    }

    // NIO calls this through the handler's protocol witness, which for a generic class is the
    // unspecialised body: every lookup would go through witness tables and runtime generic
    // metadata. This makes the generic entry jump to a copy specialised for the production
    // store, and everything it calls is specialised with it (tests' stores take the generic path).
    @_specialize(exported:false,where Store == Release)
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        var input = unwrapInboundIn(data)
        let now = Clock.nanos()
        lastReadAt = now
        if paused {
            // The rest of a read batch that arrived after answering stopped: it waits its turn.
            partial.writeBuffer(&input)
            return
        }
        var pendingSince = headStartedAt != 0 ? headStartedAt : now
        if partial.readableBytes == 0 {
            serve(context, &input, searchFrom: 0, now: now, pendingSince: &pendingSince)
            if !closing && input.readableBytes > 0 {
                partial.clear()
                partial.writeBuffer(&input)
            }
        } else {
            let searchFrom = awaitingBody ? 0 : max(0, partial.readableBytes - 2)
            partial.writeBuffer(&input)
            serve(context, &partial, searchFrom: searchFrom, now: now, pendingSince: &pendingSince)
            if partial.readableBytes == 0 { partial.clear() } else { partial.discardReadBytes() }
        }
        guard !closing && !paused else { return }
        headStartedAt = partial.readableBytes > 0 ? pendingSince : 0
        if headStartedAt != 0 && now &- headStartedAt > settings.headDeadlineNanoseconds {
            reject(context, Self.headTimeout, startedAt: headStartedAt)
        }
        if yielded { resumeLater(context) }
    }

    /// After a fold-in, the requests still buffered are served on a later turn
    /// of the event loop, so other connections never wait for more than one
    /// fold-in (pipelined POSTs would otherwise run back to back).
    private func resumeLater(_ context: ChannelHandlerContext) {
        yielded = false
        guard !resumePending else { return }
        resumePending = true
        context.eventLoop.assumeIsolated().execute { [self] in
            resumePending = false
            guard !closing, partial.readableBytes > 0 else { return }
            let now = Clock.nanos()
            var pendingSince = headStartedAt != 0 ? headStartedAt : now
            serve(context, &partial, searchFrom: 0, now: now, pendingSince: &pendingSince)
            if partial.readableBytes == 0 { partial.clear() } else { partial.discardReadBytes() }
            guard !closing else { return }
            headStartedAt = partial.readableBytes > 0 ? pendingSince : 0
            channelReadComplete(context: context)
            if yielded { resumeLater(context) }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if out.readableBytes > 0 && !closing {
            flush(context)
            // The client is not reading its responses: stop reading its requests.
            if !context.channel.isWritable { pause(context) }
        }
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if paused && !closing && context.channel.isWritable { resume(context) }
        context.fireChannelWritabilityChanged()
    }

    /// Writes and flushes the responses buffered in `out`.
    private func flush(_ context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        // Usually the write completed and `out` is again the only reference to its storage:
        // clearing keeps the storage for the next batch.
        out.clear()
    }

    /// Stops reading (the read batch in progress still arrives, into `partial`) and answering.
    private func pause(_ context: ChannelHandlerContext) {
        guard !paused else { return }
        paused = true
        headStartedAt = 0
        metrics.backpressurePaused()
        try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
    }

    /// The client drained its responses: answer the requests that waited, then read again
    /// (unless those answers filled the buffer once more).
    private func resume(_ context: ChannelHandlerContext) {
        let now = Clock.nanos()
        lastReadAt = now  // progress: the client read
        paused = false
        var pendingSince = now
        serve(context, &partial, searchFrom: 0, now: now, pendingSince: &pendingSince)
        if partial.readableBytes == 0 { partial.clear() } else { partial.discardReadBytes() }
        if out.readableBytes > 0 && !closing { flush(context) }
        guard !closing else { return }
        if !paused && !context.channel.isWritable { pause(context) }
        guard !paused else { return }
        headStartedAt = partial.readableBytes > 0 ? pendingSince : 0
        try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: true)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is QuiesceEvent else { return context.fireUserInboundEventTriggered(event) }
        quiescing = true
        // Between requests: close now. Mid-head: the response to it will say `Connection: close`.
        if !closing && partial.readableBytes == 0 { writeAndClose(context) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Answers every complete request at the start of `input`, leaving an incomplete head in it.
    /// `pendingSince` is when the first unanswered head began, advanced to `now` after each answer.
    private func serve(
        _ context: ChannelHandlerContext, _ input: inout ByteBuffer, searchFrom: Int, now: UInt64,
        pendingSince: inout UInt64
    ) {
        var searchFrom = searchFrom
        while !closing {
            if out.readableBytes >= settings.flushThresholdBytes {
                // Many pipelined answers: send what is buffered; stop if the client is not reading.
                flush(context)
                if !context.channel.isWritable { return pause(context) }
            }
            let skip = input.withUnsafeReadableBytes { HTTPRequestParser.leadingEmptyLines($0) }
            if skip > 0 {
                input.moveReaderIndex(forwardBy: skip)
                searchFrom = max(0, searchFrom - skip)
            }
            guard input.readableBytes > 0 else { return }
            let startedAt = pendingSince
            awaitingBody = false
            let parsed = input.withUnsafeReadableBytes { bytes in
                var parsed = settings.parser.parse(bytes, searchFrom: searchFrom)
                if case .request(let head) = parsed {
                    if head.length + head.bodyLength > bytes.count {
                        awaitingBody = true
                        parsed = .incomplete
                    } else {
                        let ifNoneMatch =
                            head.ifNoneMatch.map { UnsafeRawBufferPointer(rebasing: bytes[$0]) }
                            ?? UnsafeRawBufferPointer(start: nil, count: 0)
                        respond(
                            context, head, bytes, target: UnsafeRawBufferPointer(rebasing: bytes[head.target]),
                            ifNoneMatch: ifNoneMatch,
                            payload: UnsafeRawBufferPointer(rebasing: bytes[head.length..<(head.length + head.bodyLength)]),
                            startedAt: startedAt)
                    }
                }
                return parsed
            }
            switch parsed {
            case .request(let head):
                input.moveReaderIndex(forwardBy: head.length + head.bodyLength)
                searchFrom = 0
                pendingSince = now
                if head.method == .post && input.readableBytes > 0 {
                    yielded = true
                    return
                }
            case .incomplete:
                return
            case .failure(let problem):
                return reject(context, settings.parser.failure(problem), startedAt: startedAt)
            }
        }
    }

    private func respond(
        _ context: ChannelHandlerContext, _ head: RequestHead, _ bytes: UnsafeRawBufferPointer,
        target: UnsafeRawBufferPointer,
        ifNoneMatch: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, startedAt: UInt64
    ) {
        body.clear()
        let summary =
            head.method == .post
            ? foldIn.respond(target: target, bodyType: head.bodyType, requestBody: payload, into: &body)
            : responder.respond(head.method, target: target, ifNoneMatch: ifNoneMatch, into: &body)
        let persistence = quiescing ? .close : head.persistence
        let preflight = summary.status == .noContent
        ResponseHead.write(
            summary.status, contentType: summary.contentType, contentLength: body.readableBytes,
            persistence: persistence, allowHeader: summary.status == .methodNotAllowed || preflight,
            allow: summary.route.allowedMethods, caching: summary.caching, cors: settings.cors,
            preflight: preflight, date: &date, into: &out)
        if head.method != .head { out.writeImmutableBuffer(body) }
        let elapsed = Clock.nanos() &- startedAt
        metrics.recordRequest(route: summary.route, status: summary.status, nanoseconds: elapsed)
        if settings.accessLog {
            logAccess(
                context, head, bytes, status: summary.status,
                bodyBytes: head.method == .head ? 0 : body.readableBytes, nanoseconds: elapsed)
        }
        if case .close = persistence { writeAndClose(context) }
    }

    /// One access-log line (`--access-log`): method, target, status, body bytes
    /// sent, duration, client address and user agent, as structured fields of
    /// the daemon's log line (`ConsoleLogHandler`: text or JSON). Off by
    /// default: it formats strings, which the request path otherwise never does.
    private func logAccess(
        _ context: ChannelHandlerContext, _ head: RequestHead, _ bytes: UnsafeRawBufferPointer,
        status: ResponseStatus, bodyBytes: Int, nanoseconds: UInt64
    ) {
        if client == nil {
            client =
                context.channel.remoteAddress.map { address in
                    let ip = address.ipAddress ?? "unix"
                    let host = ip.contains(":") ? "[\(ip)]" : ip
                    return address.port.map { "\(host):\($0)" } ?? host
                } ?? "-"
        }
        // The method is the request line up to the space before the target.
        let method = String(decoding: bytes[0..<max(head.target.lowerBound - 1, 0)], as: UTF8.self)
        var metadata: Logger.Metadata = [
            "stage": "access",
            "method": .string(method),
            "path": .string(String(decoding: bytes[head.target], as: UTF8.self)),
            "status": .stringConvertible(status.rawValue),
            "bytes": .stringConvertible(bodyBytes),
            "durationMicros": .stringConvertible(Int(nanoseconds / 1000)),
            "client": .string(client ?? "-"),
        ]
        if let agent = head.userAgent { metadata["userAgent"] = .string(String(decoding: bytes[agent], as: UTF8.self)) }
        logger.info("request", metadata: metadata)
    }

    /// Answers a request refused before routing and closes the connection: once the answer is
    /// sent, or at once when `now` (a timeout: the client may never read the answer).
    private func reject(_ context: ChannelHandlerContext, _ failure: LookupFailure, startedAt: UInt64, now: Bool = false) {
        ErrorResponse.write(failure, into: &out)
        metrics.recordRequest(route: .invalid, status: failure.status, nanoseconds: Clock.nanos() &- startedAt)
        if now {
            closing = true
            flush(context)
            context.close(promise: nil)
        } else {
            writeAndClose(context)
        }
    }

    /// Writes what is buffered (possibly nothing), then closes once it is sent.
    private func writeAndClose(_ context: ChannelHandlerContext) {
        closing = true
        context.writeAndFlush(wrapOutboundOut(out)).whenComplete { [channel = context.channel] _ in
            channel.close(promise: nil)
        }
        out.clear()
    }

    private static var headTimeout: LookupFailure {
        LookupFailure(.requestTimeout, "request_timeout", "the request head did not arrive in time")
    }

    /// Re-arms itself while the client keeps sending or reading; fires after `idleNanoseconds`
    /// without progress. Runs until the channel goes, closing ones included: a connection waiting
    /// to send its last answer to a client that does not read is closed with the answer unsent.
    private func scheduleIdleCheck(_ context: ChannelHandlerContext, in delay: UInt64) {
        idleCheck = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(delay))) { [self] in
            idleCheck = nil
            let silent = Clock.nanos() &- lastReadAt
            if silent < settings.idleNanoseconds {
                return scheduleIdleCheck(context, in: settings.idleNanoseconds - silent)
            }
            metrics.idleClosed()
            if closing || paused || headStartedAt == 0 {
                closing = true
                context.close(promise: nil)
            } else {
                reject(context, Self.headTimeout, startedAt: headStartedAt, now: true)
            }
        }
    }
}
