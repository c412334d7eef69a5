import ReelCore

/// Reads flat Parquet files: Reel's own, and what pyarrow and Spark write by
/// default apart from Snappy (PLAIN and dictionary pages, data page v1 and
/// v2, RLE/bit-packed levels, UNCOMPRESSED and ZSTD; INT96 timestamps come
/// back as nanoseconds).
///
/// Opening a file maps it, checks `PAR1` at both ends and the footer length,
/// decodes the footer and checks that schema, row groups and every column
/// chunk's byte range are consistent with each other and with the file —
/// before any page is read. `readColumns` then decodes only the requested
/// columns (projection), one job per row group and column on all cores.
public final class ParquetReader: @unchecked Sendable {
    public let path: String
    public let metadata: ParquetFileMetaData
    /// The leaf columns, in file order.
    public let columns: [ParquetColumnDescriptor]
    public var rowCount: Int { Int(metadata.numRows) }
    public var rowGroupCount: Int { metadata.rowGroups.count }
    private let file: MappedFile
    private let chunks: [[ChunkLocation]]

    public init(path: String) throws {
        self.path = path
        file = try MappedFile(path: path)
        let bytes = file.bytes
        let size = bytes.count
        guard size >= 12 else {
            throw ReelError(.corrupt, "\(path): \(size) bytes is too short to be a Parquet file (truncated?)")
        }
        guard Array(bytes[0..<4]) == ParquetFormat.magic else {
            throw ReelError(.corrupt, "\(path): does not start with the Parquet magic PAR1")
        }
        let tail = Array(bytes[(size - 4)..<size])
        if tail == Array("PARE".utf8) {
            throw ReelError(.invalidInput, "\(path): the footer is encrypted (PARE), which is not supported")
        }
        guard tail == ParquetFormat.magic else {
            throw ReelError(.corrupt, "\(path): does not end with the Parquet magic PAR1 (truncated or still being written?)")
        }
        let footerLength = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: size - 8, as: UInt32.self)))
        guard footerLength > 0, footerLength <= size - 12 else {
            throw ReelError(.corrupt, "\(path): footer length \(footerLength) does not fit in a file of \(size) bytes")
        }
        let footerStart = size - 8 - footerLength
        var reader = ThriftCompactReader(UnsafeRawBufferPointer(rebasing: bytes[footerStart..<(size - 8)]))
        let meta: ParquetFileMetaData
        do {
            meta = try ParquetFileMetaData(thrift: &reader)
            guard reader.remaining == 0 else { throw reader.fail("\(reader.remaining) bytes follow the footer structure") }
        } catch let e as ThriftDecodeError {
            throw ReelError(.corrupt, "\(path): footer is damaged at byte \(footerStart + e.offset): \(e.message)")
        }
        if meta.isEncrypted {
            throw ReelError(.invalidInput, "\(path): encrypted columns are not supported")
        }
        metadata = meta
        columns = try Self.leafColumns(meta.schema, path: path)
        chunks = try Self.locateChunks(meta, columns: columns, dataEnd: footerStart, path: path)
    }

    /// The flat schema's leaves; nested schemas are refused by name.
    private static func leafColumns(_ schema: [ParquetSchemaElement], path: String) throws -> [ParquetColumnDescriptor] {
        guard let root = schema.first, let children = root.numChildren, children >= 0 else {
            throw ReelError(.corrupt, "\(path): the schema has no root group")
        }
        guard Int(children) == schema.count - 1 else {
            let group = schema.dropFirst().first { ($0.numChildren ?? 0) > 0 }?.name
            if let group {
                throw ReelError(.invalidInput, "\(path): nested schemas are not supported (column \(group) is a group)")
            }
            throw ReelError(.corrupt, "\(path): the schema root claims \(children) columns but \(schema.count - 1) follow")
        }
        var names = Set<String>()
        return try schema.dropFirst().map { e in
            if let n = e.numChildren, n > 0 || e.type == nil {
                throw ReelError(.invalidInput, "\(path): nested schemas are not supported (column \(e.name) is a group)")
            }
            guard let type = e.type else { throw ReelError(.corrupt, "\(path): column \(e.name) has no type") }
            let repetition = e.repetition ?? .required
            guard repetition == .required || repetition == .optional else {
                throw ReelError(.invalidInput, "\(path): column \(e.name) is \(repetition); repeated (nested) columns are not supported")
            }
            guard names.insert(e.name).inserted else { throw ReelError(.corrupt, "\(path): column \(e.name) appears twice") }
            return ParquetColumnDescriptor(
                name: e.name, physicalType: type, logicalType: e.logicalType,
                convertedType: e.convertedType, nullable: repetition == .optional)
        }
    }

    /// Checks every row group and column chunk against the schema and the
    /// file, and computes where each chunk's pages are.
    private static func locateChunks(
        _ meta: ParquetFileMetaData, columns: [ParquetColumnDescriptor],
        dataEnd: Int, path: String
    ) throws -> [[ChunkLocation]] {
        guard meta.numRows >= 0 else { throw ReelError(.corrupt, "\(path): negative row count \(meta.numRows)") }
        // Even run-length encoded constant columns stay far below 65,536 rows
        // per byte of file; a larger claim is damage, refused before allocating.
        guard meta.numRows <= max(1 << 20, Int64(dataEnd) << 16) else {
            throw ReelError(.corrupt, "\(path): claims \(meta.numRows) rows, implausible for \(dataEnd) bytes of data")
        }
        var rowOffset = 0
        var result: [[ChunkLocation]] = []
        for (g, group) in meta.rowGroups.enumerated() {
            let here = "\(path): row group \(g)"
            guard group.numRows >= 0, group.numRows <= meta.numRows - Int64(rowOffset) else {
                throw ReelError(.corrupt, "\(here) claims \(group.numRows) rows, more than the file's \(meta.numRows)")
            }
            guard group.columns.count == columns.count else {
                throw ReelError(.corrupt, "\(here) has \(group.columns.count) column chunks for \(columns.count) columns")
            }
            var locations: [ChunkLocation] = []
            for (c, chunk) in group.columns.enumerated() {
                let column = columns[c]
                guard chunk.filePath == nil else {
                    throw ReelError(
                        .invalidInput, "\(here): column \(column.name) is stored in another file (\(chunk.filePath!)), which is not supported")
                }
                guard let m = chunk.metaData else {
                    throw ReelError(.corrupt, "\(here): column \(column.name) has no metadata")
                }
                guard m.type == column.physicalType, m.pathInSchema == [column.name] else {
                    throw ReelError(
                        .corrupt,
                        "\(here): column chunk \(c) (\(m.pathInSchema.joined(separator: ".")), \(m.type)) does not match schema column \(column.name) (\(column.physicalType))"
                    )
                }
                guard m.numValues == group.numRows else {
                    throw ReelError(.corrupt, "\(here): column \(column.name) has \(m.numValues) values for \(group.numRows) rows")
                }
                var start = m.dataPageOffset
                if let d = m.dictionaryPageOffset, d > 0, d < start { start = d }
                guard start >= 4, m.totalCompressedSize >= 0, start <= Int64(dataEnd),
                    m.totalCompressedSize <= Int64(dataEnd) - start
                else {
                    throw ReelError(
                        .corrupt, "\(here): column \(column.name) pages (\(m.totalCompressedSize) bytes at \(start)) lie outside the file's data")
                }
                locations.append(
                    ChunkLocation(
                        rowGroup: g, column: c, range: Int(start)..<Int(start + m.totalCompressedSize),
                        codec: m.codec, rows: Int(group.numRows), rowOffset: rowOffset))
            }
            rowOffset += Int(group.numRows)
            result.append(locations)
        }
        // Chunks never share bytes; a footer pointing two chunks at the same
        // pages (a damaged offset) would otherwise read one column's values as another's.
        let ranges = result.joined().map(\.range).filter { !$0.isEmpty }.sorted { $0.lowerBound < $1.lowerBound }
        for (a, b) in zip(ranges, ranges.dropFirst()) where a.upperBound > b.lowerBound {
            throw ReelError(.corrupt, "\(path): column chunks overlap (bytes \(a) and \(b)); the footer is damaged")
        }
        guard rowOffset == meta.numRows else {
            throw ReelError(.corrupt, "\(path): row groups hold \(rowOffset) rows, the footer says \(meta.numRows)")
        }
        return result
    }

    public func index(of name: String) -> Int? { columns.firstIndex { $0.name == name } }

    /// Reads the named columns (and only those), in the order given.
    public func readColumns(_ names: [String], threads: Int = 0) throws -> ParquetTable {
        let indices = try names.map { name -> Int in
            guard let i = index(of: name) else {
                throw ReelError(.invalidInput, "\(self.path): no column \(name); the file has \(self.columns.map(\.name).joined(separator: ", "))")
            }
            return i
        }
        let outputs = try indices.map {
            try ColumnOutput(descriptor: columns[$0], rows: rowCount, rowGroups: chunks.count)
        }
        var jobs: [(output: Int, chunk: ChunkLocation)] = []
        for group in chunks {
            for (o, c) in indices.enumerated() { jobs.append((o, group[c])) }
        }
        // Largest chunks first, so the last job to finish is a small one.
        jobs.sort { $0.chunk.range.count > $1.chunk.range.count }
        let pages = ParallelSlots<Int>(count: jobs.count)
        // The mapping outlives the loop, and jobs only read it.
        nonisolated(unsafe) let bytes = file.bytes
        let filePath = self.path, chunkJobs = jobs
        let values = try ColumnOutputs.fill(outputs) {
            try Parallel.forEach(chunkJobs.count, threads: Parallel.threads(threads), makeState: { ReadScratch() }) { scratch, j in
                let decoder = ColumnChunkDecoder(file: bytes, path: filePath, scratch: scratch)
                pages[j] = try decoder.decode(chunkJobs[j].chunk, into: outputs[chunkJobs[j].output])
            }
        }
        return ParquetTable(
            names: names, columns: zip(outputs, values).map { $0.finish($1) }, rowCount: rowCount,
            pagesDecoded: pages.values.reduce(0, +))
    }

    /// Reads every column.
    public func readAll(threads: Int = 0) throws -> ParquetTable {
        try readColumns(columns.map(\.name), threads: threads)
    }
}
