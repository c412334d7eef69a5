import ReelCore

/// What a finished Parquet file holds: counts, size and per-column
/// statistics (merged over row groups), which the Delta log's `add` action
/// records without reading the file again.
public struct ParquetFileSummary: Sendable, Equatable {
    public var path: String
    public var rowCount: Int
    public var fileSize: Int
    public var rowGroupCount: Int
    /// One per schema column, in schema order.
    public var columnStatistics: [ColumnStatistics]
    /// Data and dictionary pages written per column.
    public var pagesPerColumn: [Int]
    /// Whether each column was dictionary-encoded in every row group.
    public var dictionaryEncoded: [Bool]
}

/// Writes one Parquet file from columnar batches.
///
/// Use it through `ParquetFile.write(to:schema:options:_:)`, which hands it
/// an `AtomicFile` temporary file and renames only a finished, verified file
/// into place. Each `writeRowGroup` call encodes its columns on all cores
/// (plans per column, then pages compressed in parallel) and appends them in
/// column order; the footer is written at the end.
public final class ParquetWriter {
    public let schema: ParquetSchema
    public let options: ParquetWriteOptions
    private let file: FileWriter
    private var rowGroups: [ParquetRowGroup] = []
    private var statistics: [ColumnStatistics]
    private var pageCounts: [Int]
    private var allDictionary: [Bool]
    public private(set) var rowCount = 0

    init(file: FileWriter, schema: ParquetSchema, options: ParquetWriteOptions) {
        self.file = file
        self.schema = schema
        self.options = options
        statistics = schema.columns.map { _ in ColumnStatistics() }
        pageCounts = schema.columns.map { _ in 0 }
        allDictionary = schema.columns.map { _ in true }
        file.write(ParquetFormat.magic)
    }

    /// Appends the rows in `columns` (one entry per schema column, in schema
    /// order, all of the same length) as one row group, or as several when
    /// they exceed `options.rowGroupTargetBytes`.
    public func writeRowGroup(columns: [ParquetColumnData]) throws {
        let rows = try validate(columns)
        guard rows > 0 else { return }
        let perGroup = rowsPerGroup(columns, rows: rows)
        var start = 0
        while start < rows {
            let end = min(rows, start + perGroup)
            try writeOneRowGroup(columns, rows: start..<end)
            start = end
        }
    }

    /// Checks shapes and types; returns the row count.
    private func validate(_ columns: [ParquetColumnData]) throws -> Int {
        guard columns.count == schema.columns.count else {
            throw ReelError(.usage, "\(file.path): got \(columns.count) columns for a schema of \(schema.columns.count)")
        }
        let rows = columns.first?.count ?? 0
        for (spec, data) in zip(schema.columns, columns) {
            guard data.values.fits(spec.type) else {
                throw ReelError(.usage, "column \(spec.name) is \(spec.type.rawValue) but was given \(data.values.kindName) values")
            }
            guard data.count == rows else {
                throw ReelError(.usage, "column \(spec.name) has \(data.count) rows, column \(schema.columns[0].name) has \(rows)")
            }
            if let indices = data.dictionaryIndices {
                guard data.validity == nil else {
                    throw ReelError(.usage, "column \(spec.name): dictionary-encoded input cannot have nulls")
                }
                if case .boolean = data.values {
                    throw ReelError(.usage, "column \(spec.name): boolean columns are never dictionary-encoded")
                }
                let entries = data.values.count
                guard !indices.contains(where: { Int($0) >= entries }) else {
                    throw ReelError(.usage, "column \(spec.name): a dictionary index is outside its \(entries) entries")
                }
            }
            if let validity = data.validity {
                guard validity.count == rows else {
                    throw ReelError(.usage, "column \(spec.name) has \(rows) values but \(validity.count) validity flags")
                }
                if !spec.nullable, let row = validity.firstIndex(of: false) {
                    throw ReelError(.invalidInput, "column \(spec.name) is not nullable but row \(row) is null")
                }
            }
            if case let .byteArray(strings) = data.values, strings.bytes.count > Int(UInt32.max) {
                throw ReelError(.invalidInput, "column \(spec.name) holds more than 4 GiB of strings in one batch")
            }
        }
        return rows
    }

    private func rowsPerGroup(_ columns: [ParquetColumnData], rows: Int) -> Int {
        var bytesPerRow = 0.0
        for (spec, data) in zip(schema.columns, columns) {
            if case let .byteArray(strings) = data.values {
                bytesPerRow += Double(strings.bytes.count) / Double(max(1, rows)) + 4
            } else {
                bytesPerRow += Double(spec.type.fixedWidth ?? 8)
            }
        }
        return max(1, Int(Double(options.rowGroupTargetBytes) / max(1, bytesPerRow)))
    }

    private func writeOneRowGroup(_ columns: [ParquetColumnData], rows: Range<Int>) throws {
        let specs = schema.columns
        let options = self.options
        // Phase 1: one plan per column (dictionary, statistics, page split).
        let plans = ParallelSlots<ColumnChunkPlan>(count: columns.count)
        Parallel.forEach(columns.count, threads: Parallel.threads(options.threads), makeState: { () }) { _, c in
            plans[c] = ColumnChunkPlan(column: specs[c], data: columns[c], rows: rows, options: options)
        }
        let planned = plans.values
        // Phase 2: every page of every column, compressed in parallel.
        var jobs: [(column: Int, page: Int)] = []
        for (c, plan) in planned.enumerated() {
            if plan.dictionary != nil { jobs.append((c, -1)) }
            for p in plan.pages.indices { jobs.append((c, p)) }
        }
        let encoded = ParallelSlots<EncodedPage>(count: jobs.count)
        let pageJobs = jobs
        try Parallel.forEach(
            jobs.count, threads: Parallel.threads(options.threads),
            makeState: { PageEncoder(options: options) }
        ) { encoder, j in
            let (c, p) = pageJobs[j]
            encoded[j] = p < 0 ? try encoder.dictionaryPage(planned[c]) : try encoder.dataPage(planned[c], planned[c].pages[p])
        }
        // Phase 3: append in column order and describe the chunks.
        var group = ParquetRowGroup()
        group.numRows = Int64(rows.count)
        group.fileOffset = Int64(file.bytesWritten)
        group.ordinal = Int16(exactly: rowGroups.count)
        var j = 0
        for (c, plan) in planned.enumerated() {
            var meta = ParquetColumnMetaData()
            meta.type = plan.column.type.physicalType
            meta.pathInSchema = [plan.column.name]
            meta.codec = plan.compressed ? options.compression.codec : .uncompressed
            meta.numValues = Int64(rows.count)
            meta.statistics = plan.statistics.thrift(for: plan.column.type)
            var encodingCounts: [ParquetEncoding: Int32] = [:]
            var pages = 0
            while j < jobs.count && jobs[j].column == c {
                let page = encoded[j]!
                let offset = Int64(file.bytesWritten)
                if page.type == .dictionaryPage {
                    meta.dictionaryPageOffset = offset
                } else {
                    if encodingCounts.isEmpty { meta.dataPageOffset = offset }
                    encodingCounts[page.encoding, default: 0] += 1
                }
                file.write(page.header)
                file.write(page.body)
                meta.totalUncompressedSize += Int64(page.uncompressedSize)
                meta.totalCompressedSize += Int64(page.header.count + page.body.count)
                pages += 1
                j += 1
            }
            meta.encodings = plan.dictionary != nil ? [.plain, .rle, .rleDictionary] : [plan.valueEncoding, .rle]
            var stats: [ParquetPageEncodingStats] = []
            if plan.dictionary != nil { stats.append(ParquetPageEncodingStats(pageType: .dictionaryPage, encoding: .plain, count: 1)) }
            let dataType: ParquetPageType = options.dataPageVersion == .v1 ? .dataPage : .dataPageV2
            for (encoding, count) in encodingCounts.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                stats.append(ParquetPageEncodingStats(pageType: dataType, encoding: encoding, count: count))
            }
            meta.encodingStats = stats
            var chunk = ParquetColumnChunk()
            chunk.fileOffset = 0
            chunk.metaData = meta
            group.columns.append(chunk)
            group.totalByteSize += meta.totalUncompressedSize
            group.totalCompressedSize = (group.totalCompressedSize ?? 0) + meta.totalCompressedSize
            statistics[c].merge(plan.statistics)
            pageCounts[c] += pages
            if plan.dictionary == nil { allDictionary[c] = false }
        }
        rowGroups.append(group)
        rowCount += rows.count
    }

    /// Writes the footer; the file is complete after this.
    func finish() throws -> ParquetFileSummary {
        var meta = ParquetFileMetaData()
        meta.version = 1
        meta.schema = schema.elements
        meta.numRows = Int64(rowCount)
        meta.rowGroups = rowGroups
        meta.keyValueMetadata = options.keyValueMetadata.isEmpty ? nil : options.keyValueMetadata
        meta.createdBy = options.createdBy
        meta.columnOrders = schema.columns.map { _ in .typeDefined }
        let footer = meta.encoded()
        file.write(footer)
        file.write(value: UInt32(footer.count).littleEndian)
        file.write(ParquetFormat.magic)
        return ParquetFileSummary(
            path: file.path, rowCount: rowCount, fileSize: file.bytesWritten,
            rowGroupCount: rowGroups.count, columnStatistics: statistics,
            pagesPerColumn: pageCounts,
            dictionaryEncoded: allDictionary.map { $0 && !rowGroups.isEmpty })
    }
}

/// Constants of the container format.
enum ParquetFormat {
    static let magic: [UInt8] = Array("PAR1".utf8)
}
