/// A sparse matrix in compressed sparse row form — what `ALS.train` takes,
/// as the `implicit` library's `fit` takes a SciPy `csr_matrix`: row r's
/// entries are `offsets[r] ..< offsets[r+1]` of `indices` (column numbers)
/// and `values`. Plain arrays and no ids or times, so the trainer depends on
/// the numbers alone and not on where they came from (silver ratings, a test,
/// a tool); `SilverRatings.byUser`/`byMovie` hand their arrays over without
/// a copy.
public struct CSRMatrix: Sendable, Equatable {
    /// `rowCount + 1` offsets, starting at 0 and ending at `indices.count`.
    public var offsets: [Int64]
    /// Column of each entry; ascending within a row.
    public var indices: [Int32]
    public var values: [Float]
    public var columnCount: Int

    public init(offsets: [Int64], indices: [Int32], values: [Float], columnCount: Int) {
        self.offsets = offsets
        self.indices = indices
        self.values = values
        self.columnCount = columnCount
    }

    public var rowCount: Int { offsets.count - 1 }
    /// Stored entries (`nnz`).
    public var entryCount: Int { indices.count }

    /// Entry positions of row `r`.
    public func entries(ofRow r: Int) -> Range<Int> { Int(offsets[r])..<Int(offsets[r + 1]) }

    /// The transpose (columns become rows), by a counting sort: walking the
    /// rows in order keeps each new row's indices ascending, so the transpose
    /// of a user-major rating matrix is the movie-major one, entry for entry.
    /// Only for a matrix without a `problem()` (it indexes by the offsets and columns).
    public func transposed() -> CSRMatrix {
        var out = [Int64](repeating: 0, count: columnCount + 1)
        for c in indices { out[Int(c) + 1] += 1 }
        for c in 0..<columnCount { out[c + 1] += out[c] }
        var cursor = out
        var rows = [Int32](repeating: 0, count: indices.count)
        var moved = [Float](repeating: 0, count: indices.count)
        for r in 0..<rowCount {
            for j in entries(ofRow: r) {
                let c = Int(indices[j])
                let at = Int(cursor[c])
                cursor[c] += 1
                rows[at] = Int32(r)
                moved[at] = values[j]
            }
        }
        return CSRMatrix(offsets: out, indices: rows, values: moved, columnCount: rowCount)
    }

    /// Why the arrays do not form a matrix, or nil when they do: offsets
    /// start at 0, never decrease and end at the entry count; every index is
    /// a column; one value per entry. O(entries), so a trainer can afford
    /// to check its input before it reads memory by these numbers.
    public func problem() -> String? {
        guard offsets.count >= 1, offsets.first == 0, offsets.last == Int64(indices.count) else {
            return "offsets must start at 0 and end at the entry count (\(indices.count))"
        }
        guard values.count == indices.count else { return "\(values.count) values for \(indices.count) entries" }
        guard columnCount >= 0, columnCount <= Int(Int32.max) else { return "column count \(columnCount) out of range" }
        for r in 0..<rowCount where offsets[r] > offsets[r + 1] { return "offsets decrease at row \(r)" }
        let columns = Int32(columnCount)
        if let bad = indices.firstIndex(where: { $0 < 0 || $0 >= columns }) {
            return "entry \(bad) has column \(indices[bad]), outside 0..<\(columnCount)"
        }
        return nil
    }
}
