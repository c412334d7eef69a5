#if canImport(Glibc)
import Glibc
#endif

/// A pthread running one closure; `join()` waits for it.
///
/// The batch kernels start their own threads rather than use Dispatch: the
/// first `concurrentPerform` in a process was seen running on one core only,
/// and a long kernel wants its threads for its whole run. One type for every
/// such thread (every `Parallel` loop, the ETL's background writes), so
/// each gets the same fallback: when no thread can be had, the
/// closure runs on the caller's thread and the work still gets done.
///
/// Joining is idempotent, and a thread not joined by its owner is joined
/// when it goes away, so no thread outlives the data it works on.
public final class JoinableThread {
    private var thread = pthread_t()
    private var running = false

    public init(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(ClosureBox(body)).toOpaque()
        running =
            pthread_create(
                &thread, nil,
                { raw in
                    Unmanaged<ClosureBox>.fromOpaque(raw!).takeRetainedValue().run()
                    return nil
                }, box) == 0
        if !running { Unmanaged<ClosureBox>.fromOpaque(box).takeRetainedValue().run() }
    }

    deinit { join() }

    /// Waits until the closure has returned.
    public func join() {
        if running { pthread_join(thread, nil) }
        running = false
    }
}

private final class ClosureBox {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}
