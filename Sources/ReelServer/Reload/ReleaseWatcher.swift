import Logging
import ReelCore
import ReelRelease
import Synchronization

/// What one reload check did.
public enum ReloadOutcome: Sendable, Equatable {
    /// The path points at the file already served (or already refused).
    case unchanged
    /// A new release was verified and is now served.
    case loaded(releaseID: String)
    /// The file failed to load or verify; the previous release (if any) keeps serving.
    case refused(reason: String)
    /// Nothing at the path.
    case missing
}

/// Hot swap: loads the release at a path when what the path points at
/// changes, and installs it in the slot only once it has loaded and verified.
///
/// Generic over the loader, `(String) throws -> Store`: production passes
/// `Release(path:)` (which maps and verifies the file), tests a fake. Checks
/// are meant to run on one serial queue (the poll timer and SIGHUP share it);
/// the state here is still mutex-protected so a stray concurrent call is safe.
public final class ReleaseWatcher<Store: RecommendationStore>: Sendable {
    public let path: String
    public let slot: ReleaseSlot<Store>
    private let metrics: ServerMetrics
    private let logger: Logger
    private let load: @Sendable (String) throws -> Store
    /// The file currently served, the last file refused (not retried until it
    /// changes or a forced check), and whether "missing" was already logged.
    private let memory = Mutex<(served: FileIdentity?, refused: FileIdentity?, reportedMissing: Bool)>(
        (nil, nil, false))

    public init(path: String, slot: ReleaseSlot<Store>, metrics: ServerMetrics, logger: Logger,
                load: @escaping @Sendable (String) throws -> Store) {
        self.path = path
        self.slot = slot
        self.metrics = metrics
        self.logger = logger
        self.load = load
    }

    /// Looks at the path and loads what it points at if that changed since the
    /// last check. `force` (SIGHUP) reloads even an unchanged or refused file.
    @discardableResult
    public func check(force: Bool = false) -> ReloadOutcome {
        guard let identity = FileIdentity.of(path) else {
            let firstReport = memory.withLock { state in
                defer { state.reportedMissing = true }
                return !state.reportedMissing
            }
            let reason = "no release at \(path)"
            slot.noteProblem(reason + " (run `reel publish`, or pass --release)")
            if firstReport {
                if slot.current == nil {
                    logger.warning("waiting for a release", metadata: ["path": "\(path)"])
                } else {
                    logger.warning("release path vanished; still serving the loaded release", metadata: ["path": "\(path)"])
                }
            }
            return .missing
        }
        let known = memory.withLock { state in
            state.reportedMissing = false
            return identity == state.served || identity == state.refused
        }
        if known && !force { return .unchanged }

        let started = Clock.monotonic()
        do {
            let store = try load(identity.resolvedPath)
            let served = ServedRelease(store, preRender: true)
            let previous = slot.install(served)
            memory.withLock { $0.served = identity; $0.refused = nil }
            metrics.recordReload(success: true, at: Clock.now())
            logger.info("release loaded", metadata: [
                "release": "\(store.releaseID)", "path": "\(identity.resolvedPath)",
                "previous": "\(previous?.releaseID ?? "none")",
                "seconds": "\(Console.fixed(Clock.monotonic() - started, 3))",
            ])
            return .loaded(releaseID: store.releaseID)
        } catch {
            let reason = (error as? ReelError)?.message ?? "\(error)"
            memory.withLock { $0.refused = identity }
            metrics.recordReload(success: false, at: Clock.now())
            slot.noteProblem("release at \(identity.resolvedPath) refused: \(reason)")
            logger.error("release refused; keeping the current one", metadata: [
                "path": "\(identity.resolvedPath)", "reason": "\(reason)",
                "serving": "\(slot.current?.releaseID ?? "none")",
            ])
            return .refused(reason: reason)
        }
    }
}
