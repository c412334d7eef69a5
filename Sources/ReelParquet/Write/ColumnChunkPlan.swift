/// The rows of one data page, and which of the chunk's non-null values they hold.
struct PageSlice: Sendable {
    /// Absolute row indices in the input column.
    var rows: Range<Int>
    /// Indices into the chunk's sequence of non-null values.
    var values: Range<Int>
}

/// A chunk's dictionary: PLAIN-encoded fixed-width keys, or byte strings.
enum ChunkDictionary: Sendable {
    case fixed(plain: [UInt8], count: Int)
    case bytes(ByteArrayColumn)

    var count: Int {
        switch self {
        case let .fixed(_, count): count
        case let .bytes(b): b.count
        }
    }
}

/// Everything decided about one column chunk before its pages are encoded:
/// which rows hold values, whether and with which dictionary it is encoded,
/// its statistics and how its rows split into pages. Building plans is one
/// parallel phase (one job per column); encoding their pages is the next.
struct ColumnChunkPlan: Sendable {
    let column: TableColumn
    let data: ParquetColumnData
    let rows: Range<Int>
    /// Absolute rows of the non-null values, when the chunk has nulls.
    let validRows: [Int]?
    let nullCount: Int
    var dictionary: ChunkDictionary?
    /// How data pages store values when there is no dictionary: PLAIN, or
    /// DELTA_BINARY_PACKED for integers (`ParquetWriteOptions.deltaIntegers`).
    var valueEncoding: ParquetEncoding = .plain
    /// Whether the chunk's pages go through the file's codec. Not for
    /// DELTA_BINARY_PACKED: deltas bit-packed at their exact width leave
    /// ZSTD nothing to find (it gained under 0.1% on MovieLens timestamps
    /// and cost more than the encoding), so those chunks are UNCOMPRESSED.
    var compressed = true
    /// Dictionary index per non-null value (when dictionary-encoded), from
    /// `indices[indexBase]` on: given dictionaries keep their whole index
    /// array (no copy per chunk), built ones start at 0.
    var indices: [UInt32] = []
    var indexBase = 0
    var bitWidth = 0
    var statistics: ColumnStatistics
    var pages: [PageSlice] = []

    var valueCount: Int { rows.count - nullCount }

    init(column: TableColumn, data: ParquetColumnData, rows: Range<Int>, options: ParquetWriteOptions) {
        self.column = column
        self.data = data
        self.rows = rows
        var valid: [Int]? = nil
        var nulls = 0
        if let validity = data.validity, validity[rows].contains(false) {
            var list: [Int] = []
            list.reserveCapacity(rows.count)
            for r in rows where validity[r] { list.append(r) }
            nulls = rows.count - list.count
            valid = list
        }
        validRows = valid
        nullCount = nulls
        statistics = ColumnStatistics(nullCount: nulls)
        if let given = data.dictionaryIndices {
            useGivenDictionary(given)
        } else {
            chooseEncodingAndStatistics(options)
        }
        splitIntoPages(options)
    }

    /// Dictionary-encoded input: its dictionary and indices as they are; the
    /// statistics over the entries this chunk's rows use.
    private mutating func useGivenDictionary(_ given: [UInt32]) {
        var used = [Bool](repeating: false, count: data.values.count)
        given.withUnsafeBufferPointer { all in
            for i in UnsafeBufferPointer(rebasing: all[rows]) { used[Int(i)] = true }
        }
        let usedEntries = used.indices.filter { used[$0] }
        switch data.values {
        case let .byteArray(strings):
            useDictionary(.bytes(strings), given)
            statistics = ColumnStatistics.of(strings, rows: usedEntries, range: 0..<strings.count, nulls: 0)
        case .boolean:
            preconditionFailure("ParquetWriter.validate refuses dictionary-encoded booleans")
        case let .int32(values): useGivenFixed(values, given, usedEntries)
        case let .int64(values): useGivenFixed(values, given, usedEntries)
        case let .float(values): useGivenFixed(values, given, usedEntries)
        case let .double(values): useGivenFixed(values, given, usedEntries)
        }
        indexBase = rows.lowerBound
    }

    private mutating func useGivenFixed<T: BitwiseCopyable>(_ values: [T], _ given: [UInt32], _ usedEntries: [Int]) {
        useDictionary(.fixed(plain: values.withUnsafeBytes { Array($0) }, count: values.count), given)
        statistics = usedEntries.map { values[$0] }.withUnsafeBufferPointer { typedStatistics($0) }
    }

    // MARK: Dictionary and statistics

    private func dictionaryLimits(_ options: ParquetWriteOptions, width: Int) -> (entries: Int, bytes: Int)? {
        switch options.dictionary {
        case .never: return nil
        case .always: return (Int(Int32.max), Int.max)
        case .auto:
            let entries = min(valueCount / 2, options.dictionaryPageLimitBytes / width)
            return entries > 0 ? (entries, options.dictionaryPageLimitBytes) : nil
        }
    }

    private mutating func chooseEncodingAndStatistics(_ options: ParquetWriteOptions) {
        switch data.values {
        case let .byteArray(strings):
            let averageWidth = valueCount == 0 ? 4 : strings.bytes.count / max(1, strings.count) + 4
            if let limits = dictionaryLimits(options, width: averageWidth),
                let built = ByteArrayDictionaryBuilder.build(
                    strings, rows: validRows, range: rows,
                    maxEntries: limits.entries, maxBytes: limits.bytes)
            {
                useDictionary(.bytes(built.dictionary), built.indices)
                statistics = ColumnStatistics.of(built.dictionary, rows: nil, range: 0..<built.dictionary.count, nulls: nullCount)
            } else {
                statistics = ColumnStatistics.of(strings, rows: validRows, range: rows, nulls: nullCount)
            }
        case let .boolean(values):
            let nulls = nullCount
            statistics = withNonNullValues(of: values) { ColumnStatistics.of($0, nulls: nulls) }
        case let .int32(values): planFixedWidth(values, UInt32.self, options)
        case let .int64(values): planFixedWidth(values, UInt64.self, options)
        case let .float(values): planFixedWidth(values, UInt32.self, options)
        case let .double(values): planFixedWidth(values, UInt64.self, options)
        }
    }

    private mutating func planFixedWidth<T: BitwiseCopyable, Key: FixedWidthInteger & UnsignedInteger>(
        _ values: [T], _ key: Key.Type, _ options: ParquetWriteOptions
    ) {
        precondition(MemoryLayout<T>.size == MemoryLayout<Key>.size)
        let limits = dictionaryLimits(options, width: MemoryLayout<T>.size)
        let built: (keys: [Key], indices: [UInt32])? = withNonNullValues(of: values) { buffer in
            guard let limits else { return nil }
            return buffer.withMemoryRebound(to: Key.self) {
                FixedWidthDictionaryBuilder<Key>.build($0, maxEntries: limits.entries)
            }
        }
        if let built {
            useDictionary(.fixed(plain: built.keys.withUnsafeBytes { Array($0) }, count: built.keys.count), built.indices)
            statistics = built.keys.withUnsafeBufferPointer { keys in
                keys.withMemoryRebound(to: T.self) { typedStatistics($0) }
            }
        } else {
            statistics = withNonNullValues(of: values) { typedStatistics($0) }
            if options.deltaIntegers, T.self == Int32.self || T.self == Int64.self {
                valueEncoding = .deltaBinaryPacked
                compressed = false
            }
        }
    }

    private func typedStatistics<T>(_ values: UnsafeBufferPointer<T>) -> ColumnStatistics {
        let n = nullCount
        switch values {
        case let v as UnsafeBufferPointer<Int32>: return .of(v, nulls: n)
        case let v as UnsafeBufferPointer<Int64>: return .of(v, nulls: n)
        case let v as UnsafeBufferPointer<Float>: return .of(v, nulls: n)
        case let v as UnsafeBufferPointer<Double>: return .of(v, nulls: n)
        default: return ColumnStatistics(nullCount: n)
        }
    }

    private mutating func useDictionary(_ dictionary: ChunkDictionary, _ indices: [UInt32]) {
        self.dictionary = dictionary
        self.indices = indices
        bitWidth = max(1, BitPacking.width(forMax: UInt32(max(0, dictionary.count - 1))))
    }

    /// Calls `body` with the chunk's non-null values contiguous: the input
    /// slice itself when there are no nulls, else a gathered copy.
    func withNonNullValues<T, R>(
        of values: [T], in valueRange: Range<Int>? = nil,
        _ body: (UnsafeBufferPointer<T>) throws -> R
    ) rethrows -> R {
        let range = valueRange ?? 0..<valueCount
        if let validRows {
            let gathered = validRows[range].map { values[$0] }
            return try gathered.withUnsafeBufferPointer(body)
        }
        return try values.withUnsafeBufferPointer {
            try body(UnsafeBufferPointer(rebasing: $0[(rows.lowerBound + range.lowerBound)..<(rows.lowerBound + range.upperBound)]))
        }
    }

    // MARK: Pages

    private mutating func splitIntoPages(_ options: ParquetWriteOptions) {
        let bytesPerRow: Int
        if case let .byteArray(strings) = data.values {
            bytesPerRow = strings.bytes.count / max(1, strings.count) + 4
        } else {
            bytesPerRow = column.type.fixedWidth ?? 8
        }
        let rowsPerPage = max(1, options.pageTargetBytes / max(1, bytesPerRow))
        var start = rows.lowerBound
        var valueStart = 0
        var cursor = 0
        repeat {
            let end = min(rows.upperBound, start + rowsPerPage)
            var valueEnd: Int
            if let validRows {
                while cursor < validRows.count && validRows[cursor] < end { cursor += 1 }
                valueEnd = cursor
            } else {
                valueEnd = end - rows.lowerBound
            }
            pages.append(PageSlice(rows: start..<end, values: valueStart..<valueEnd))
            start = end
            valueStart = valueEnd
        } while start < rows.upperBound
    }
}
