/// Runs `count` pieces of work on their own threads (piece 0 on the calling
/// thread) and waits for all of them, on `JoinableThread`s (why not
/// Dispatch: see there).
public enum ParallelWorkers {
    public static func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard count > 1 else {
            if count == 1 { body(0) }
            return
        }
        let threads = (1..<count).map { index in JoinableThread { body(index) } }
        body(0)
        for thread in threads { thread.join() }
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
