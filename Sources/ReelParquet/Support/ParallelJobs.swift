import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs independent jobs (pages to compress, column chunks to decode) on all
/// cores. Each worker owns a state value (its zstd context, scratch buffers)
/// and pulls the next job index from a shared counter, so a slow job does not
/// leave a core idle. The first error thrown stops the remaining jobs and is
/// rethrown to the caller.
enum ParallelJobs {
    /// Worker threads to use: `requested` if positive, else the online CPUs.
    static func workerCount(_ requested: Int) -> Int {
        if requested > 0 { return requested }
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    static func run<State>(jobs: Int, threads: Int = 0,
                           makeState: () -> State,
                           _ body: (inout State, Int) throws -> Void) throws {
        guard jobs > 0 else { return }
        let workers = min(workerCount(threads), jobs)
        if workers == 1 {
            var state = makeState()
            for j in 0..<jobs { try body(&state, j) }
            return
        }
        // The contract of `run`: `body` may be called concurrently for
        // distinct job indices, and each job writes only its own outputs.
        // That is what makes sharing these closures across threads safe.
        nonisolated(unsafe) let body = body
        nonisolated(unsafe) let makeState = makeState
        let next = Atomic<Int>(0)
        let failure = Mutex<(any Error)?>(nil)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var state = makeState()
            while true {
                let j = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if j >= jobs { break }
                do {
                    try body(&state, j)
                } catch {
                    failure.withLock { if $0 == nil { $0 = error } }
                    next.store(jobs, ordering: .relaxed)
                    break
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
    }
}

/// A fixed-size output buffer that parallel jobs fill at disjoint indices.
/// Sendable by contract: each index is written by exactly one job, and read
/// only after `ParallelJobs.run` returns. Raw storage, so concurrent writes to
/// different slots do not trip Swift's exclusivity checks on one array.
final class SlotArray<Element>: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Element?>
    let count: Int

    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: max(count, 1))
        storage.initialize(repeating: nil, count: count)
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    subscript(i: Int) -> Element? {
        get { storage[i] }
        set { storage[i] = newValue }
    }

    var values: [Element] { (0..<count).map { storage[$0]! } }
}
