#if canImport(Glibc)
import Glibc
#endif

/// Runs `count` pieces of work on their own threads (piece 0 on the calling
/// thread) and waits for all of them. Plain pthreads rather than Dispatch:
/// a cold `concurrentPerform` was seen to run on one core only, and a
/// long-running kernel wants its threads for the whole time anyway.
public enum ParallelWorkers {
    public static func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard count > 1 else {
            if count == 1 { body(0) }
            return
        }
        var threads: [pthread_t] = []
        for index in 1..<count {
            let box = Unmanaged.passRetained(WorkBox { body(index) })
            var thread = pthread_t()
            let rc = pthread_create(&thread, nil, { raw in
                let work = Unmanaged<WorkBox>.fromOpaque(raw!).takeRetainedValue()
                work.run()
                return nil
            }, box.toOpaque())
            if rc == 0 {
                threads.append(thread)
            } else {
                // No thread to be had: do the work here instead.
                box.takeRetainedValue().run()
            }
        }
        body(0)
        for t in threads { pthread_join(t, nil) }
    }

    /// Slots that workers fill by index, read after `run` returns.
    public final class Results<T>: @unchecked Sendable {
        private let slots: UnsafeMutablePointer<T?>
        public let count: Int

        public init(count: Int) {
            self.count = count
            slots = .allocate(capacity: max(count, 1))
            slots.initialize(repeating: nil, count: max(count, 1))
        }

        deinit {
            slots.deinitialize(count: max(count, 1))
            slots.deallocate()
        }

        /// Set by exactly one worker per index.
        public subscript(index: Int) -> T? {
            get { slots[index] }
            set { slots[index] = newValue }
        }

        /// Moves every value out, in index order (all must be filled), so
        /// large results are not kept alive twice.
        public func take() -> [T] {
            (0..<count).map { i in
                let value = slots[i]!
                slots[i] = nil
                return value
            }
        }
    }
}

private final class WorkBox {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}
