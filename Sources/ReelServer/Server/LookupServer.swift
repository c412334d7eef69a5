import Dispatch
import Logging
import NIOCore
import NIOPosix
import ReelCore
import Synchronization
import ReelServing

/// The read-only HTTP lookup daemon: HTTP/1.1 with keep-alive on SwiftNIO
/// (one event loop per core, each with its own listener — see
/// `ListenerBinding` — and one handler per connection parsing the raw
/// bytes), answering from the release in `slot`, which `watcher` swaps when
/// the release path changes.
///
/// Generic over the store and its loader so production serves `Release`
/// (mmap'd, verified) and tests a small in-memory store; the request path is
/// specialised per store type, never an existential.
public final class LookupServer<Store: RecommendationStore>: Sendable {
    public let configuration: ServerConfiguration
    public let slot: ReleaseSlot<Store>
    public let metrics: ServerMetrics
    public let watcher: ReleaseWatcher<Store>
    private let logger: Logger
    private let registry = ConnectionRegistry()
    private let gate: ConnectionGate
    /// Loads run here, one at a time, off the event loops: the poll timer and SIGHUP share it.
    private let reloadQueue = DispatchQueue(label: "reel.serve.reload")
    private let running = Mutex<Running?>(nil)

    private struct Running: Sendable {
        var group: MultiThreadedEventLoopGroup
        var channels: [any Channel]
        var poll: RepeatedTask?
    }

    public init(
        configuration: ServerConfiguration, logger: Logger,
        loader: @escaping @Sendable (String) throws -> Store
    ) {
        self.configuration = configuration
        self.logger = logger
        self.slot = ReleaseSlot()
        self.metrics = ServerMetrics(
            eventLoops: max(configuration.threads, 1),
            connectionLimit: configuration.maxConnections)
        self.gate = ConnectionGate(limit: configuration.maxConnections)
        self.watcher = ReleaseWatcher(
            path: configuration.releasePath, slot: slot, metrics: metrics,
            logger: logger, load: loader)
    }

    /// Loads the release (if there is one yet), binds, and starts polling.
    /// Returns the bound port (the real one when configured with port 0).
    /// Without a loadable release the daemon still starts: /readyz answers
    /// 503 until one appears at the release path.
    @discardableResult
    public func start() async throws -> Int {
        reloadQueue.sync { _ = watcher.check() }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(configuration.threads, 1))
        let channels: [any Channel]
        do {
            let loops = Array(group.makeIterator())
            let loopIndex = Dictionary(uniqueKeysWithValues: loops.enumerated().map { (ObjectIdentifier($1), $0) })
            channels = try await ListenerBinding.bind(
                loops: loops, group: group, host: configuration.host, port: configuration.port,
                perLoop: configuration.listenerPerLoop
            ) { configureBootstrap($0, loopIndex: loopIndex) }
        } catch {
            try? await group.shutdownGracefully()
            throw ReelError(.io, "cannot listen on \(configuration.host):\(configuration.port): \(error)")
        }
        let port = channels.first?.localAddress?.port ?? configuration.port

        var poll: RepeatedTask?
        if configuration.pollInterval > 0 {
            let interval = TimeAmount.milliseconds(Int64(min(configuration.pollInterval, 1e9) * 1000))
            poll = group.next().scheduleRepeatedTask(initialDelay: interval, delay: interval) {
                [reloadQueue, watcher] _ in
                reloadQueue.async { watcher.check() }
            }
        }
        running.withLock { $0 = Running(group: group, channels: channels, poll: poll) }
        logger.info(
            "listening",
            metadata: [
                "address": "http://\(configuration.host):\(port)", "release": "\(slot.current?.releaseID ?? "none")",
                "threads": "\(max(configuration.threads, 1))", "listeners": "\(channels.count)",
            ])
        return port
    }

    /// Reloads the release now, even if the path looks unchanged (what SIGHUP does).
    @discardableResult
    public func reload() -> ReloadOutcome {
        reloadQueue.sync { watcher.check(force: true) }
    }

    /// Graceful shutdown: stop accepting, let each connection finish its
    /// request in progress and close, wait up to the grace period, then stop
    /// the event loops.
    public func shutdown() async {
        guard
            let run = running.withLock({ state -> Running? in
                defer { state = nil }
                return state
            })
        else { return }
        logger.info("shutting down", metadata: ["connections": "\(registry.count)"])
        run.poll?.cancel()
        for channel in run.channels { try? await channel.close() }
        registry.quiesceAll()
        let deadline = Clock.monotonic() + configuration.shutdownGracePeriod
        while registry.count > 0 && Clock.monotonic() < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        let forced = registry.count
        registry.closeAll()
        try? await run.group.shutdownGracefully()
        reloadQueue.sync {}
        logger.info("stopped", metadata: ["forced_closes": "\(forced)"])
    }

    /// Starts, then serves until SIGTERM or SIGINT, reloading on SIGHUP.
    /// `onListening` receives the bound port once the socket is open.
    public func run(
        signals: ServerSignals = ServerSignals(),
        onListening: @Sendable (Int) -> Void = { _ in }
    ) async throws {
        let waiter = SignalWaiter(signals: signals, queue: reloadQueue) { [weak self] in
            guard let self else { return }
            logger.info("reload requested (signal)")
            watcher.check(force: true)
        }
        let port: Int
        do {
            port = try await start()
        } catch {
            waiter.cancel()
            throw error
        }
        onListening(port)
        let signal = await waiter.waitForTermination()
        logger.info("signal received", metadata: ["signal": "\(signal)"])
        await shutdown()
        waiter.cancel()
    }

    /// Seconds as nanoseconds for the handler's timers; the option ranges
    /// (`ServeLimits`) keep `seconds` far below where this would overflow.
    private static func nanoseconds(_ seconds: Double, atLeast floor: Double) -> UInt64 {
        let clamped = min(max(seconds.isFinite ? seconds : 0, floor), 1e9)
        return UInt64(clamped * 1e9)
    }

    /// Sets the options and the per-connection handler on a bootstrap (one per listener);
    /// `loopIndex` numbers the event loops for the per-loop connection gauge.
    private func configureBootstrap(_ bootstrap: ServerBootstrap, loopIndex: [ObjectIdentifier: Int]) -> ServerBootstrap {
        let configuration = configuration
        let slot = slot, metrics = metrics, registry = registry, logger = logger, gate = gate
        let queued = max(configuration.maxQueuedBytesPerConnection, 4096)
        let settings = HandlerSettings(
            parser: HTTPRequestParser(
                maxTargetBytes: configuration.maxRequestTargetBytes,
                maxHeadBytes: max(configuration.maxHeaderBytes, configuration.maxRequestTargetBytes)),
            idleNanoseconds: Self.nanoseconds(configuration.idleTimeout, atLeast: 0.001),
            headDeadlineNanoseconds: Self.nanoseconds(configuration.requestHeadTimeout, atLeast: 0),
            flushThresholdBytes: queued / 2,
            accessLog: configuration.accessLog,
            cors: CORSPolicy(origin: configuration.corsOrigin))

        return
            bootstrap
            .serverChannelOption(ChannelOptions.backlog, value: configuration.backlog)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.maxMessagesPerRead, value: 16)
            // Half the queue in NIO's write buffer, half in the handler's response buffer.
            .childChannelOption(
                ChannelOptions.writeBufferWaterMark,
                value: ChannelOptions.Types.WriteBufferWaterMark(low: queued / 4, high: queued / 2)
            )
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard gate.enter() else {
                        metrics.connectionRefused()
                        return try channel.pipeline.syncOperations.addHandler(RefusedConnectionHandler())
                    }
                    channel.closeFuture.whenComplete { _ in gate.leave() }
                    try channel.pipeline.syncOperations.addHandler(
                        LookupHTTPHandler(slot: slot, metrics: metrics, settings: settings, logger: logger))
                    let loop = loopIndex[ObjectIdentifier(channel.eventLoop)] ?? 0
                    registry.add(channel)
                    metrics.connectionOpened(loop: loop)
                    channel.closeFuture.whenComplete { _ in
                        registry.remove(channel)
                        metrics.connectionClosed(loop: loop)
                    }
                }
            }
    }
}
