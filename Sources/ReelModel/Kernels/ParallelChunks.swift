import ReelCore
import Synchronization

/// Runs work over `0..<count` in fixed-size chunks on `threads` workers.
///
/// Chunks are handed out dynamically (an atomic counter) for load balance,
/// but a chunk's boundaries never depend on the thread count, so any result
/// computed per row, or per chunk and reduced in chunk order, is identical
/// for every thread count. This is what makes training bit-reproducible.
///
/// Workers are plain pthreads started per call (the caller's thread is
/// worker 0), not `DispatchQueue.concurrentPerform`: its first call in a
/// process was seen running on one core only, and a batch command's first
/// parallel call is its longest kernel. Starting a thread costs ~20 µs; calls
/// are per half-iteration or per top-K run, never per row.
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
        withoutActuallyEscaping(body) { body in
            let job = ChunkJob(chunks: chunks, chunkSize: chunkSize, count: count, body: body)
            let started = (1..<workers).map { job.start(worker: $0) }
            job.work(worker: 0)
            for thread in started { thread.join() }
        }
    }

    /// The number of chunks `run` uses for `count` rows.
    public static func chunkCount(_ count: Int, chunkSize: Int) -> Int {
        (count + chunkSize - 1) / chunkSize
    }

    /// A sensible default worker count: the machine's active processors.
    public static var defaultThreads: Int { activeProcessors() }
}

/// The shared state of one `run`: workers pull chunk indices until none are left.
private final class ChunkJob: @unchecked Sendable {
    let next = Atomic<Int>(0)
    let chunks: Int
    let chunkSize: Int
    let count: Int
    let body: @Sendable (Int, Range<Int>, Int) -> Void

    init(chunks: Int, chunkSize: Int, count: Int, body: @escaping @Sendable (Int, Range<Int>, Int) -> Void) {
        self.chunks = chunks
        self.chunkSize = chunkSize
        self.count = count
        self.body = body
    }

    func work(worker: Int) {
        while true {
            let c = next.wrappingAdd(1, ordering: .relaxed).oldValue
            if c >= chunks { return }
            body(c, c * chunkSize ..< min(count, (c + 1) * chunkSize), worker)
        }
    }

    func start(worker: Int) -> JoinableThread { JoinableThread { self.work(worker: worker) } }
}

#if canImport(Glibc)
import Glibc
func activeProcessors() -> Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
#else
import Darwin
func activeProcessors() -> Int { max(1, Int(sysconf(_SC_NPROCESSORS_ONLN))) }
#endif
