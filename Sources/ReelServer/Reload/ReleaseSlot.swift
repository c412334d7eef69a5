import Synchronization
import ReelServing

/// The release the daemon serves right now, swapped atomically on reload.
///
/// A request takes a strong reference for its duration (`current`); `install`
/// replaces the reference under a mutex, so requests in flight finish on the
/// old release and the next ones see the new one. The old release is freed
/// (unmapped) when its last request drops it.
///
/// The texts it keeps for /readyz and 503 bodies (`problem`, `refusal`) are
/// shown to any client, so they name files by their last path component only
/// (`PathRedaction`): an absolute path tells an attacker the layout of the host.
public final class ReleaseSlot<Store: RecommendationStore>: Sendable {
    private struct State {
        var served: ServedRelease<Store>?
        /// Why nothing is served (while `served` is nil).
        var problem = "no release loaded yet"
        /// The last reload refused while a release kept serving; nil after a successful one.
        var refusal: String?
    }

    private let state = Mutex(State())

    public init() {}

    /// The release to answer from, or nil before the first successful load.
    public var current: ServedRelease<Store>? {
        state.withLock { $0.served }
    }

    /// Makes `release` the one served; returns the one it replaces.
    @discardableResult
    public func install(_ release: ServedRelease<Store>) -> ServedRelease<Store>? {
        state.withLock { state in
            let old = state.served
            state.served = release
            state.problem = ""
            state.refusal = nil
            return old
        }
    }

    /// Stops serving (the served file can no longer be trusted); lookups answer 503 with `problem`.
    /// Returns the release withdrawn.
    @discardableResult
    func withdraw(problem: String) -> ServedRelease<Store>? {
        state.withLock { state in
            let old = state.served
            state.served = nil
            state.problem = PathRedaction.redact(problem)
            state.refusal = nil
            return old
        }
    }

    /// Why nothing is served yet (shown by /readyz while not ready).
    public var problem: String {
        state.withLock { $0.problem }
    }

    /// The last reload refused while the current release kept serving (shown by /readyz), or nil.
    public var refusal: String? {
        state.withLock { $0.refusal }
    }

    /// What /readyz reports, read at once: the release served and the last refusal.
    var readiness: (served: ServedRelease<Store>?, refusal: String?, problem: String) {
        state.withLock { ($0.served, $0.refusal, $0.problem) }
    }

    func noteProblem(_ text: String) {
        state.withLock { if $0.served == nil { $0.problem = PathRedaction.redact(text) } }
    }

    /// Records a refused reload: the reason /readyz gives while a release serves, or while none does.
    func noteRefusal(_ text: String) {
        let text = PathRedaction.redact(text)
        state.withLock { state in
            if state.served == nil { state.problem = text } else { state.refusal = text }
        }
    }
}
