#if canImport(Glibc)
import Glibc
#endif

/// Runs one closure on a thread of its own while the caller goes on;
/// `value()` waits for it and returns its result or rethrows its error.
///
/// The ETL writes and fsyncs files this way while both cores keep computing:
/// a thread blocked in `write` back-pressure or `fsync` costs no CPU, and the
/// kernel's copy into the page cache runs on whichever core is free. A plain
/// pthread rather than Dispatch, for the reason `ParallelWorkers` gives.
///
/// Every task must be waited for (`value()`); going away unwaited joins the
/// thread anyway, so nothing outlives the folder it writes into.
final class BackgroundTask<T: Sendable>: @unchecked Sendable {
    // Written by the task's thread before it ends; read after `pthread_join`,
    // which orders the two.
    private var result: Result<T, any Error>?
    private var thread = pthread_t()
    private var started = false
    private var joined = false

    init(_ body: @escaping @Sendable () throws -> T) {
        // The box (and through it `self`) lives until the thread is done.
        let work = Unmanaged.passRetained(TaskBox { self.result = Result { try body() } })
        started = pthread_create(&thread, nil, { raw in
            Unmanaged<TaskBox>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, work.toOpaque()) == 0
        if !started { work.takeRetainedValue().run() } // no thread to be had: run it here
    }

    deinit { join() }

    private func join() {
        if started && !joined { pthread_join(thread, nil) }
        joined = true
    }

    /// Waits for the task; its result, or the error it threw.
    func value() throws -> T {
        join()
        return try result!.get()
    }
}

private final class TaskBox {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}
