import ReelCore

/// Runs one closure on a thread of its own while the caller goes on;
/// `value()` waits for it and returns its result or rethrows its error.
///
/// The ETL writes and fsyncs files this way while both cores keep computing:
/// a thread blocked in `write` back-pressure or `fsync` costs no CPU, and the
/// kernel's copy into the page cache runs on whichever core is free. The
/// thread is a `JoinableThread` (why not Dispatch: see there).
///
/// Every task must be waited for (`value()`); going away unwaited joins the
/// thread anyway, so nothing outlives the folder it writes into.
final class BackgroundTask<T: Sendable>: @unchecked Sendable {
    // Written by the task's thread before it ends; read after the join, which orders the two.
    private var result: Result<T, any Error>?
    private var thread: JoinableThread?

    init(_ body: @escaping @Sendable () throws -> T) {
        thread = JoinableThread { self.result = Result { try body() } }
    }

    /// Waits for the task; its result, or the error it threw.
    func value() throws -> T {
        thread?.join()
        return try result!.get()
    }
}
