import Dispatch
import Synchronization

/// Runs work over `0..<count` in fixed-size chunks on `threads` workers.
///
/// Chunks are handed out dynamically (an atomic counter) for load balance,
/// but a chunk's boundaries never depend on the thread count, so any result
/// computed per row, or per chunk and reduced in chunk order, is identical
/// for every thread count. This is what makes training bit-reproducible.
public enum ParallelChunks {
    /// Calls `body(chunkIndex, rows, worker)` once per chunk; `worker` in
    /// `0..<threads` identifies per-thread scratch. Returns when all are done.
    public static func run(count: Int, chunkSize: Int, threads: Int,
                           _ body: @Sendable (_ chunk: Int, _ rows: Range<Int>, _ worker: Int) -> Void) {
        precondition(chunkSize > 0)
        let chunks = (count + chunkSize - 1) / chunkSize
        guard chunks > 0 else { return }
        let workers = max(1, min(threads, chunks))
        if workers == 1 {
            for c in 0..<chunks { body(c, c * chunkSize ..< min(count, (c + 1) * chunkSize), 0) }
            return
        }
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            while true {
                let c = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if c >= chunks { break }
                body(c, c * chunkSize ..< min(count, (c + 1) * chunkSize), worker)
            }
        }
    }

    /// The number of chunks `run` uses for `count` rows.
    public static func chunkCount(_ count: Int, chunkSize: Int) -> Int {
        (count + chunkSize - 1) / chunkSize
    }

    /// A sensible default worker count: the machine's active processors.
    public static var defaultThreads: Int { activeProcessors() }
}

#if canImport(Glibc)
import Glibc
func activeProcessors() -> Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
#else
import Darwin
func activeProcessors() -> Int { max(1, Int(sysconf(_SC_NPROCESSORS_ONLN))) }
#endif
