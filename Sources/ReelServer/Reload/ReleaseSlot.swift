import ReelRelease
import Synchronization

/// The release the daemon serves right now, swapped atomically on reload.
///
/// A request takes a strong reference for its duration (`current`); `install`
/// replaces the reference under a mutex, so requests in flight finish on the
/// old release and the next ones see the new one. The old release is freed
/// (unmapped) when its last request drops it.
public final class ReleaseSlot<Store: RecommendationStore>: Sendable {
    private let state = Mutex<(served: ServedRelease<Store>?, problem: String)>(
        (nil, "no release loaded yet"))

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
            return old
        }
    }

    /// Why nothing is served yet (shown by /readyz while not ready).
    public var problem: String {
        state.withLock { $0.problem }
    }

    func noteProblem(_ text: String) {
        state.withLock { if $0.served == nil { $0.problem = text } }
    }
}
