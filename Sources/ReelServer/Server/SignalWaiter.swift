import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which signals reload and which stop the daemon (tests substitute SIGUSR1/2).
public struct ServerSignals: Sendable {
    public var reload: Int32
    public var terminate: [Int32]

    public init(reload: Int32 = SIGHUP, terminate: [Int32] = [SIGTERM, SIGINT]) {
        self.reload = reload
        self.terminate = terminate
    }
}

/// Turns process signals into events: the reload signal runs `onReload` on
/// the reload queue; the first terminate signal completes `waitForTermination`.
/// The signals' default actions are suspended while it is active.
final class SignalWaiter: @unchecked Sendable {
    // @unchecked: the dispatch sources are created in init and only cancelled afterwards.
    private let sources: [any DispatchSourceSignal]
    private let signals: ServerSignals
    private let state = Mutex<(received: Int32?, waiting: CheckedContinuation<Int32, Never>?)>((nil, nil))

    init(signals: ServerSignals, queue: DispatchQueue, onReload: @escaping @Sendable () -> Void) {
        self.signals = signals
        var sources: [any DispatchSourceSignal] = []
        signal(signals.reload, SIG_IGN)
        let reload = DispatchSource.makeSignalSource(signal: signals.reload, queue: queue)
        reload.setEventHandler(handler: onReload)
        sources.append(reload)
        for number in signals.terminate {
            signal(number, SIG_IGN)
            sources.append(DispatchSource.makeSignalSource(signal: number, queue: queue))
        }
        self.sources = sources
        for (source, number) in zip(sources.dropFirst(), signals.terminate) {
            source.setEventHandler { [weak self] in self?.received(number) }
        }
        for source in sources { source.resume() }
    }

    private func received(_ number: Int32) {
        let waiting = state.withLock { state -> CheckedContinuation<Int32, Never>? in
            guard state.received == nil else { return nil }
            state.received = number
            defer { state.waiting = nil }
            return state.waiting
        }
        waiting?.resume(returning: number)
    }

    /// Suspends until a terminate signal arrives; returns its number.
    func waitForTermination() async -> Int32 {
        await withCheckedContinuation { continuation in
            let already = state.withLock { state -> Int32? in
                if let received = state.received { return received }
                state.waiting = continuation
                return nil
            }
            if let already { continuation.resume(returning: already) }
        }
    }

    /// Stops listening and restores the signals' default actions.
    func cancel() {
        for source in sources { source.cancel() }
        signal(signals.reload, SIG_DFL)
        for number in signals.terminate { signal(number, SIG_DFL) }
    }
}
