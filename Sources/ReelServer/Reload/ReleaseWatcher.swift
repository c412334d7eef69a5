import Logging
import ReelCore
import Synchronization
import ReelServing

/// What one reload check did.
public enum ReloadOutcome: Sendable, Equatable {
    /// The path points at the file already served (or already refused).
    case unchanged
    /// A new release was verified and is now served.
    case loaded(releaseID: String)
    /// The file failed to load or verify; the previous release (if any) keeps serving.
    case refused(reason: String)
    /// Loading failed for a reason that passes (EMFILE, ENOMEM, …): retried at the next check.
    case retrying(reason: String)
    /// The served file was changed in place; it is no longer served.
    case withdrawn(reason: String)
    /// Nothing at the path.
    case missing
}

/// Hot swap: loads the release at a path when what the path points at
/// changes, and installs it in the slot only once it has loaded and verified.
///
/// Releases are immutable once published: `reel publish` writes a new file
/// and switches a symlink; nothing rewrites a published file. A served file
/// whose size, modification or change time moves while its inode stays (an
/// edit, a truncation, a `touch` with a restored mtime) can no longer be
/// trusted — its mapping may now hold unverified bytes, or fault past a
/// truncated end — so the watcher withdraws it at the next check (lookups and
/// /readyz answer 503 saying why), then loads whatever the path points at
/// anew, fully verified. The window between the change and that check (one
/// poll interval) remains: do not edit published releases.
///
/// A load that fails for a passing reason (too many open files, out of
/// memory) is retried at every check instead of being recorded as a refusal
/// of that file; a file that fails verification is refused until it changes
/// or a forced check (SIGHUP).
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

    public init(
        path: String, slot: ReleaseSlot<Store>, metrics: ServerMetrics, logger: Logger,
        load: @escaping @Sendable (String) throws -> Store
    ) {
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
        let withdrawn = withdrawIfChangedInPlace()
        guard let identity = FileIdentity.of(path) else {
            let firstReport = memory.withLock { state in
                defer { state.reportedMissing = true }
                return !state.reportedMissing
            }
            slot.noteProblem("no release at \(path) (run `reel publish`, or pass --release)")
            if firstReport {
                if slot.current == nil {
                    logger.warning("waiting for a release", metadata: ["path": "\(path)"])
                } else {
                    logger.warning("release path vanished; still serving the loaded release", metadata: ["path": "\(path)"])
                }
            }
            return withdrawn ?? .missing
        }
        let known = memory.withLock { state in
            state.reportedMissing = false
            return identity == state.served || identity == state.refused
        }
        if known && !force { return withdrawn ?? .unchanged }

        let started = Clock.monotonic()
        do {
            let store = try load(identity.resolvedPath)
            let served = ServedRelease(store, preRender: true)
            let previous = slot.install(served)
            memory.withLock {
                $0.served = identity; $0.refused = nil
            }
            metrics.recordReload(success: true, at: Clock.now())
            logger.info(
                "release loaded",
                metadata: [
                    "release": "\(store.releaseID)", "path": "\(identity.resolvedPath)",
                    "previous": "\(previous?.releaseID ?? "none")",
                    "seconds": "\(Console.fixed(Clock.monotonic() - started, 3))",
                ])
            return .loaded(releaseID: store.releaseID)
        } catch {
            let reason = (error as? ReelError)?.message ?? "\(error)"
            metrics.recordReload(success: false, at: Clock.now())
            if (error as? ReelError)?.isTransient == true {
                // Not the file's fault: leave it unrecorded so the next check tries again.
                slot.noteProblem("loading the release at \(identity.resolvedPath) failed, retrying: \(reason)")
                logger.warning(
                    "release load failed for a passing reason; retrying at the next check",
                    metadata: [
                        "path": "\(identity.resolvedPath)", "reason": "\(reason)",
                        "serving": "\(slot.current?.releaseID ?? "none")",
                    ])
                return .retrying(reason: reason)
            }
            memory.withLock { $0.refused = identity }
            let why = "release at \(identity.resolvedPath) refused: \(reason)"
            if case .withdrawn(let withdrawal) = withdrawn {
                slot.noteRefusal(withdrawal + "; reloading it failed: " + why)
            } else {
                slot.noteRefusal(why)
            }
            logger.error(
                "release refused; keeping the current one",
                metadata: [
                    "path": "\(identity.resolvedPath)", "reason": "\(reason)",
                    "serving": "\(slot.current?.releaseID ?? "none")",
                ])
            // A withdrawal is the bigger news: the daemon serves nothing now.
            return withdrawn ?? .refused(reason: reason)
        }
    }

    /// Withdraws the served release when its file (same device and inode) has a
    /// new size, modification or change time. A file replaced by a rename or
    /// deleted is not a change in place: the mapping keeps the old inode alive.
    private func withdrawIfChangedInPlace() -> ReloadOutcome? {
        guard let served = memory.withLock({ $0.served }), let now = FileIdentity.of(served.resolvedPath),
            now.device == served.device, now.inode == served.inode, now != served
        else { return nil }
        memory.withLock { $0.served = nil }
        let reason =
            "the served release file \(served.resolvedPath) was changed in place "
            + "(size \(served.size) → \(now.size) bytes); published releases are immutable"
        let old = slot.withdraw(problem: reason + "; publish or roll back to serve again")
        metrics.recordReload(success: false, at: Clock.now())
        logger.critical(
            "served release changed in place; stopped serving it",
            metadata: [
                "path": "\(served.resolvedPath)", "release": "\(old?.releaseID ?? "none")",
                "size_before": "\(served.size)", "size_now": "\(now.size)",
            ])
        return .withdrawn(reason: reason)
    }
}
