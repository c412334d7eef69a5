/// Maps external ids (MovieLens userId/movieId) to dense rows 0..<n, in
/// ascending id order, without a Dictionary: a direct-address table when the
/// ids are dense enough (the usual case: O(1), one load), otherwise binary
/// search over the sorted ids (O(log n)), so a single huge id cannot make the
/// table explode.
public struct DenseIDIndex: Sendable {
    /// Row → id, ascending, unique.
    public let ids: [Int32]
    /// id → row, or -1; empty when the sparse path is used.
    private let table: [Int32]

    /// Largest id addressed directly regardless of the id count (64 MiB table).
    static let directLimit: Int64 = 1 << 24

    /// `ids` must be sorted ascending without repeats.
    public init(sortedUniqueIDs ids: [Int32]) {
        self.ids = ids
        let maxID = Int64(ids.last ?? 0)
        if ids.first.map({ $0 >= 0 }) ?? true, Self.useDirect(maxID: maxID, count: ids.count) {
            var table = [Int32](repeating: -1, count: Int(maxID) + 1)
            for (row, id) in ids.enumerated() { table[Int(id)] = Int32(row) }
            self.table = table
        } else {
            self.table = []
        }
    }

    /// Whether a direct table for ids up to `maxID` is worth its memory.
    static func useDirect(maxID: Int64, count: Int) -> Bool {
        maxID < directLimit || maxID < 8 * Int64(count)
    }

    public var count: Int { ids.count }

    /// The row of `id`, or -1 when it is not in the index.
    @inline(__always)
    public func row(of id: Int64) -> Int32 {
        if !table.isEmpty {
            return id >= 0 && id < Int64(table.count) ? table[Int(id)] : -1
        }
        var lo = 0, hi = ids.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if Int64(ids[mid]) < id { lo = mid + 1 } else { hi = mid }
        }
        return lo < ids.count && Int64(ids[lo]) == id ? Int32(lo) : -1
    }
}
