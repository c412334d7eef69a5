/// Results of a parallel loop, one slot per job index, read once the loop
/// has returned.
///
/// Sendable by contract: each index is written by exactly one job, and read
/// only after the `Parallel` call returns. Raw storage, so concurrent writes
/// to different slots do not trip Swift's exclusivity checks on one array.
package final class ParallelSlots<Element>: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Element?>
    package let count: Int

    package init(count: Int) {
        self.count = count
        storage = .allocate(capacity: max(count, 1))
        storage.initialize(repeating: nil, count: max(count, 1))
    }

    deinit {
        storage.deinitialize(count: max(count, 1))
        storage.deallocate()
    }

    /// Set by exactly one job per index.
    package subscript(i: Int) -> Element? {
        get { storage[i] }
        set { storage[i] = newValue }
    }

    /// Every value, in index order (all must be filled).
    package var values: [Element] { (0..<count).map { storage[$0]! } }

    /// Moves every value out, in index order (all must be filled), so large
    /// results are not kept alive twice.
    package func take() -> [Element] {
        (0..<count).map { i in
            let value = storage[i]!
            storage[i] = nil
            return value
        }
    }
}
