import Dispatch

/// One value passed from one thread to another exactly once: the producer
/// `put`s it (or the error that stopped it), the consumer `take`s it,
/// waiting until it is there. The ETL's open-tables writer takes the movies
/// with their rating statistics this way from the strand that computes them
/// (`ETLRun.writeFiles`).
final class Handoff<T: Sendable>: @unchecked Sendable {
    // Written once before `ready` is signalled, read after waiting on it.
    private var result: Result<T, any Error>?
    private let ready = DispatchSemaphore(value: 0)

    init() {}

    /// Hands over `result`; only the first call counts.
    func put(_ result: Result<T, any Error>) {
        guard self.result == nil else { return }
        self.result = result
        ready.signal()
    }

    var isResolved: Bool { result != nil }

    /// Waits for the value; rethrows the producer's error.
    func take() throws -> T {
        ready.wait()
        ready.signal()  // a second take does not block
        return try result!.get()
    }
}
