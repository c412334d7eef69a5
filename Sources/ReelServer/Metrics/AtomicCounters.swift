import Synchronization

/// A fixed array of 64-bit atomic counters. Incremented with relaxed
/// ordering on the request path (one uncontended atomic add, no allocation)
/// and read when /metrics is scraped.
final class AtomicCounters: @unchecked Sendable {
    // @unchecked: the memory is only touched through `Atomic`, and freed in deinit.
    private let base: UnsafeMutablePointer<Atomic<UInt64>>
    let count: Int

    init(count: Int) {
        self.count = count
        base = .allocate(capacity: count)
        for i in 0..<count { (base + i).initialize(to: Atomic(0)) }
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    @inline(__always)
    func add(_ index: Int, _ amount: UInt64 = 1) {
        base[index].wrappingAdd(amount, ordering: .relaxed)
    }

    @inline(__always)
    func subtract(_ index: Int, _ amount: UInt64 = 1) {
        base[index].wrappingSubtract(amount, ordering: .relaxed)
    }

    @inline(__always)
    func store(_ index: Int, _ value: UInt64) {
        base[index].store(value, ordering: .relaxed)
    }

    @inline(__always)
    func load(_ index: Int) -> UInt64 {
        base[index].load(ordering: .relaxed)
    }
}
