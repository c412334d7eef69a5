import Dispatch
import ReelCore

/// Runs independent, throwing jobs on every core and collects their results
/// in order; the first error (by job index) is rethrown once all have ended.
/// For coarse work only (writing files, one job per partition).
enum ParallelWork {
    static func map<T: Sendable>(_ count: Int, _ job: @Sendable (Int) throws -> T) throws -> [T] {
        let results = ResultSlots<T>(count)
        DispatchQueue.concurrentPerform(iterations: count) { i in
            results.set(i, Result { try job(i) })
        }
        return try results.values()
    }

    /// One slot per job, written once each under a lock.
    private final class ResultSlots<T: Sendable>: @unchecked Sendable {
        private var slots: [Result<T, Error>?]
        private let lock = NSLockLite()
        init(_ count: Int) { slots = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ r: Result<T, Error>) { lock.withLock { slots[i] = r } }
        func values() throws -> [T] { try slots.map { try $0!.get() } }
    }
}
