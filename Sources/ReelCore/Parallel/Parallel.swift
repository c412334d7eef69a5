import Synchronization
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The one way Reel spreads work over cores (training, top-K, ETL, synth,
/// event validation, Parquet pages). Every parallel loop follows one policy:
///
/// - **How many threads.** The count the caller was configured with
///   (`--threads`, a `threads` setting) when it is positive, else
///   `availableCores` (the online processors): `threads(_:)` says which.
///   A call never starts more workers than it has pieces of work.
/// - **Which threads.** The calling thread is worker 0; the others are
///   pthreads (`JoinableThread`) started for the call and joined before it
///   returns, so nothing outlives the data a loop works on. Not
///   `DispatchQueue.concurrentPerform`: its first call in a process was seen
///   running on one core only, and a batch command's first parallel call is
///   usually its longest kernel. Starting a thread costs ~20 µs, so loops run
///   per kernel, buffer or file, never per row.
/// - **Reproducibility.** `forEachChunk` cuts `0..<count` into chunks whose
///   boundaries depend on `count` and `chunkSize` only, never on the thread
///   count; workers pull chunk indices from an atomic counter (dynamic, for
///   uneven work). Anything computed per row, or per chunk and reduced in
///   chunk order, is therefore bit-identical for every thread count: ALS
///   training, top-K, synth and the release build rely on this.
///   `onWorkers` is the static variant: worker `w` does the share its caller
///   cut for it (one slice of a buffer per worker).
/// - **Errors.** A body that throws stops further chunks from being handed
///   out; work already running finishes, and the error of the lowest chunk
///   (or worker) index that failed is rethrown, so which error a caller sees
///   does not depend on timing.
///
/// `availableCores` and `threads(_:)` are public because public initialisers
/// (`ALSParams`, `ReleaseOptions`) use them as default arguments.
public enum Parallel {
    /// The online processors (at least 1).
    public static var availableCores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// The thread count for a loop: `configured` when positive, else every core.
    public static func threads(_ configured: Int?) -> Int {
        if let configured, configured > 0 { return configured }
        return availableCores
    }

    /// The number of chunks `forEachChunk` cuts `count` rows into.
    package static func chunkCount(_ count: Int, chunkSize: Int) -> Int {
        (count + chunkSize - 1) / chunkSize
    }

    /// Calls `body(chunk, rows, worker)` once per chunk of `chunkSize` rows
    /// (the last may be shorter) on up to `threads` workers; `worker` in
    /// `0..<threads` indexes per-thread scratch. Returns when all are done.
    package static func forEachChunk<E: Error>(
        count: Int, chunkSize: Int, threads: Int,
        _ body: @Sendable (_ chunk: Int, _ rows: Range<Int>, _ worker: Int) throws(E) -> Void
    ) throws(E) {
        precondition(chunkSize > 0)
        let chunks = chunkCount(count, chunkSize: chunkSize)
        guard chunks > 0 else { return }
        let workers = max(1, min(threads, chunks))
        if workers == 1 {
            for c in 0..<chunks { try body(c, c * chunkSize..<min(count, (c + 1) * chunkSize), 0) }
            return
        }
        let queue = ChunkQueue<E>(chunks: chunks)
        onWorkersUnchecked(workers) { worker in
            while let c = queue.next() {
                do throws(E) {
                    try body(c, c * chunkSize..<min(count, (c + 1) * chunkSize), worker)
                } catch {
                    queue.fail(at: c, error)
                }
            }
        }
        try queue.rethrow()
    }

    /// Calls `body(&state, job)` for every job in `0..<count` on up to
    /// `threads` workers, each with its own `state` made on its own thread by
    /// `makeState` (a compression context, scratch buffers), so the state
    /// needs no locking. Jobs are pulled one at a time: a slow job does not
    /// leave a core idle.
    package static func forEach<State, E: Error>(
        _ count: Int, threads: Int, makeState: @Sendable () -> State,
        _ body: @Sendable (inout State, _ job: Int) throws(E) -> Void
    ) throws(E) {
        guard count > 0 else { return }
        let workers = max(1, min(threads, count))
        if workers == 1 {
            var state = makeState()
            for j in 0..<count { try body(&state, j) }
            return
        }
        let queue = ChunkQueue<E>(chunks: count)
        onWorkersUnchecked(workers) { _ in
            var state = makeState()
            while let j = queue.next() {
                do throws(E) {
                    try body(&state, j)
                } catch {
                    queue.fail(at: j, error)
                }
            }
        }
        try queue.rethrow()
    }

    /// `body(i)` for every `i` in `0..<count` on up to `threads` workers,
    /// results in index order.
    package static func map<T, E: Error>(
        _ count: Int, threads: Int,
        _ body: @Sendable (Int) throws(E) -> T
    ) throws(E) -> [T] {
        let slots = ParallelSlots<T>(count: count)
        try forEachChunk(count: count, chunkSize: 1, threads: threads) { (i, _, _) throws(E) in slots[i] = try body(i) }
        return slots.take()
    }

    /// Runs `body(worker)` once for each worker in `0..<workers`, all at once
    /// (worker 0 on the calling thread), and waits for all of them. Each
    /// worker does the share its caller cut for it. Every worker runs to its
    /// end; the error of the lowest worker index that failed is rethrown.
    package static func onWorkers<E: Error>(_ workers: Int, _ body: @Sendable (_ worker: Int) throws(E) -> Void) throws(E) {
        guard workers > 0 else { return }
        let queue = ChunkQueue<E>(chunks: 0)
        onWorkersUnchecked(workers) { worker in
            do throws(E) {
                try body(worker)
            } catch {
                queue.fail(at: worker, error)
            }
        }
        try queue.rethrow()
    }

    /// The threads themselves: `body(0)` here, `body(1..<workers)` on `JoinableThread`s.
    private static func onWorkersUnchecked(_ workers: Int, _ body: @Sendable (Int) -> Void) {
        if workers <= 1 {
            body(0)
            return
        }
        withoutActuallyEscaping(body) { body in
            let started = (1..<workers).map { w in JoinableThread { body(w) } }
            body(0)
            for thread in started { thread.join() }
        }
    }
}

/// The shared state of one loop: the next chunk index, and the first failure
/// by index (which also stops the handing out of chunks).
private final class ChunkQueue<E: Error>: Sendable {
    private let nextIndex = Atomic<Int>(0)
    private let chunks: Int
    private let failure = Mutex<(index: Int, error: E)?>(nil)

    init(chunks: Int) { self.chunks = chunks }

    func next() -> Int? {
        let c = nextIndex.wrappingAdd(1, ordering: .relaxed).oldValue
        return c < chunks ? c : nil
    }

    func fail(at index: Int, _ error: E) {
        failure.withLock { if $0 == nil || $0!.index > index { $0 = (index, error) } }
        nextIndex.store(chunks, ordering: .relaxed)
    }

    func rethrow() throws(E) {
        if let failed = failure.withLock({ $0 }) { throw failed.error }
    }
}
