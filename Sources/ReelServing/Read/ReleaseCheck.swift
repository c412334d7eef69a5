import ReelCore

/// The invariant checks `ReleaseTables` runs when it opens a release. Each
/// failure is a `.corrupt` error that names the file, the section and what is
/// wrong, prefixed "inconsistent release", so an operator can tell a damaged
/// copy (checksum errors) from a bad writer (this).
struct ReleaseCheck {
    let path: String
    /// Whether to scan section contents (O(file): ascending ids, index slots,
    /// list rows, finite scores, UTF-8). Off only for a file whose
    /// `VerificationStamp` proves it is the one verified in full at install.
    var deep = true

    func fail(_ why: String) -> ReelError {
        ReelError(.corrupt, "\(path): inconsistent release: \(why)")
    }

    /// A header count as an Int in `min...max`.
    func count(_ word: UInt64, _ what: String, min: Int = 0, max: Int) throws -> Int {
        guard word >= UInt64(min), word <= UInt64(max) else {
            throw fail("header \(what) \(word) is outside \(min)...\(max)")
        }
        return Int(word)
    }

    /// A typed section that must hold exactly `count` elements.
    func array<T: BitwiseCopyable>(_ file: SectionFileReader, _ name: String, count: Int) throws -> UnsafeBufferPointer<T> {
        let a: UnsafeBufferPointer<T> = try file.array(name)
        guard a.count == count else {
            throw fail("section '\(name)' holds \(a.count) entries, the header implies \(count)")
        }
        return a
    }

    func strictlyAscending(_ ids: UnsafeBufferPointer<Int32>, _ name: String) throws {
        guard deep else { return }
        guard ids.count > 1 else { return }
        for i in 1..<ids.count where ids[i] <= ids[i - 1] {
            throw fail("section '\(name)' is not strictly ascending at row \(i) (\(ids[i - 1]) then \(ids[i]))")
        }
    }

    /// An optional direct-address table: one slot per id up to the largest,
    /// each -1 or the row whose id is the slot, and every row present once.
    func index(_ file: SectionFileReader, _ name: String, ids: UnsafeBufferPointer<Int32>) throws -> UnsafeBufferPointer<Int32>? {
        guard file.has(name) else { return nil }
        if !deep { return try file.array(name) as UnsafeBufferPointer<Int32> }
        let table: UnsafeBufferPointer<Int32> = try file.array(name)
        guard let last = ids.last, let first = ids.first, first >= 0, table.count == Int(last) + 1 else {
            throw fail("section '\(name)' has \(table.count) slots, expected one per id up to the largest")
        }
        var present = 0
        for slot in 0..<table.count {
            let row = table[slot]
            if row < 0 {
                guard row == -1 else { throw fail("section '\(name)' slot \(slot) holds \(row)") }
                continue
            }
            guard Int(row) < ids.count, Int(ids[Int(row)]) == slot else {
                throw fail("section '\(name)' maps id \(slot) to row \(row), which does not hold that id")
            }
            present += 1
        }
        guard present == ids.count else {
            throw fail("section '\(name)' maps \(present) ids, but there are \(ids.count) rows")
        }
        return table
    }

    /// Offsets into a heap: start at 0, never decrease, end at the heap size.
    func offsets(_ offsets: UnsafeBufferPointer<UInt32>, heapSize: Int, _ name: String) throws {
        guard deep else { return }
        guard offsets.first == 0, Int(offsets.last ?? 0) == heapSize else {
            throw fail("section '\(name)' does not span the heap (0 ..< \(heapSize))")
        }
        for i in 1..<offsets.count where offsets[i] < offsets[i - 1] {
            throw fail("section '\(name)' decreases at row \(i)")
        }
    }

    /// Fixed-stride lists of movie rows: each entry in `0 ..< movieCount`, or -1
    /// padding that, once started, runs to the end of its list.
    func lists(_ movies: UnsafeBufferPointer<Int32>, stride: Int, movieCount: Int, _ name: String) throws {
        guard deep else { return }
        let limit = Int32(truncatingIfNeeded: movieCount)
        var i = 0
        while i < movies.count {
            let end = i + stride
            var padded = false
            for j in i..<end {
                let m = movies[j]
                if m == -1 { padded = true; continue }
                guard m >= 0, m < limit else {
                    throw fail("section '\(name)' entry \(j) holds movie row \(m); the release has \(movieCount) movies")
                }
                guard !padded else {
                    throw fail("section '\(name)' list \(i / stride) has an entry after its -1 padding")
                }
            }
            i = end
        }
    }

    func finite(_ values: UnsafeBufferPointer<Float>, _ name: String) throws {
        guard deep else { return }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw fail("section '\(name)' entry \(bad) is \(values[bad])")
        }
    }

    /// Strict UTF-8 (no overlongs, surrogates or code points above U+10FFFF),
    /// so every title can be written into JSON as is.
    func utf8(_ bytes: UnsafeRawBufferPointer, _ name: String) throws {
        guard deep else { return }
        if let bad = UTF8Check.firstInvalid(bytes) {
            throw fail("section '\(name)' is not UTF-8 at byte \(bad)")
        }
    }

    /// The `meta` section: one JSON object, strictly (it is served as is).
    func jsonObject(_ bytes: UnsafeRawBufferPointer, _ name: String) throws {
        if let problem = JSONSyntax.objectProblem(bytes) {
            throw fail("section '\(name)' is \(problem)")
        }
    }
}
