/// Maps external ids (MovieLens userId/movieId) to dense rows 0..<n, in
/// ascending id order, without a Dictionary: a rank bitmap when the ids are
/// dense enough (the usual case: O(1), two loads and a popcount), otherwise
/// binary search over the sorted ids (O(log n)), so a single huge id cannot
/// make the table explode.
///
/// The rank bitmap is one bit per possible id and, per 64 ids, the number of
/// ids below them: for MovieLens' movie ids (up to ~210,000) 39 KB, which
/// stays in the first-level caches while 25 million ratings are looked up;
/// a direct id → row table of Int32 was 840 KB and a cache miss per rating.
public struct DenseIDIndex: Sendable {
    /// Row → id, ascending, unique.
    public let ids: [Int32]
    /// Bit `id % 64` of word `id / 64`: `id` is in the index. Empty when the sparse path is used.
    @usableFromInline let bits: [UInt64]
    /// Rows before word w: the ids below `64 * w`.
    @usableFromInline let ranks: [Int32]

    /// Largest id addressed directly regardless of the id count (a 2 MiB bitmap).
    static let directLimit: Int64 = 1 << 24

    /// `ids` must be sorted ascending without repeats.
    public init(sortedUniqueIDs ids: [Int32]) {
        self.ids = ids
        let maxID = Int64(ids.last ?? 0)
        guard ids.first.map({ $0 >= 0 }) ?? true, Self.useDirect(maxID: maxID, count: ids.count) else {
            bits = []
            ranks = []
            return
        }
        let words = Int(maxID >> 6) + 1
        var bits = [UInt64](repeating: 0, count: words)
        for id in ids { bits[Int(id >> 6)] |= 1 << UInt64(id & 63) }
        var ranks = [Int32](repeating: 0, count: words)
        var below: Int32 = 0
        for w in 0..<words {
            ranks[w] = below
            below += Int32(bits[w].nonzeroBitCount)
        }
        self.bits = bits
        self.ranks = ranks
    }

    /// Whether a bitmap for ids up to `maxID` is worth its memory.
    static func useDirect(maxID: Int64, count: Int) -> Bool {
        maxID < directLimit || maxID < 8 * Int64(count)
    }

    public var count: Int { ids.count }

    /// The row of `id`, or -1 when it is not in the index. `@inlinable`: the
    /// ETL's parse threads look up every rating's movie from another module.
    @inlinable @inline(__always)
    public func row(of id: Int64) -> Int32 {
        if !bits.isEmpty {
            guard id >= 0, id >> 6 < Int64(bits.count) else { return -1 }
            let w = Int(id >> 6)
            let word = bits[w]
            let bit = UInt64(1) << UInt64(id & 63)
            guard word & bit != 0 else { return -1 }
            return ranks[w] + Int32((word & (bit &- 1)).nonzeroBitCount)
        }
        var lo = 0, hi = ids.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if Int64(ids[mid]) < id { lo = mid + 1 } else { hi = mid }
        }
        return lo < ids.count && Int64(ids[lo]) == id ? Int32(lo) : -1
    }
}
