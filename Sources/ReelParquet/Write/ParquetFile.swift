import ReelCore

/// Entry points for writing a Parquet file the way every Reel file is
/// written: into a temporary file in the same folder, fsynced, verified by
/// reading it back with `ParquetReader`, then renamed into place
/// (`AtomicFile`). A reader never sees a half-written file, and a crash
/// leaves at most a `*.tmp-<pid>` file behind.
public enum ParquetFile {
    /// Writes `path`; `body` appends row groups to the writer it is given.
    /// `.deferred` durability leaves the fsync of the file and its folder to
    /// the caller (a Delta transaction does it before its commit).
    @discardableResult
    public static func write(
        to path: String, schema: ParquetSchema,
        options: ParquetWriteOptions = ParquetWriteOptions(), durability: Durability = .synced,
        _ body: (ParquetWriter) throws -> Void
    ) throws -> ParquetFileSummary {
        var written = 0
        var summary = try AtomicFile.write(
            to: path, durability: durability,
            body: { file -> ParquetFileSummary in
                let writer = ParquetWriter(file: file, schema: schema, options: options)
                try body(writer)
                let summary = try writer.finish()
                written = summary.rowCount
                return summary
            },
            verify: { temp in
                try verify(temp, schema: schema, rows: written, options: options)
            })
        summary.path = path
        return summary
    }

    /// Writes `path` from one batch of columns.
    @discardableResult
    public static func write(
        to path: String, schema: ParquetSchema, columns: [ParquetColumnData],
        options: ParquetWriteOptions = ParquetWriteOptions(),
        durability: Durability = .synced
    ) throws -> ParquetFileSummary {
        try write(to: path, schema: schema, options: options, durability: durability) { try $0.writeRowGroup(columns: columns) }
    }

    /// Reads the temporary file back before it may replace anything.
    private static func verify(_ path: String, schema: ParquetSchema, rows: Int, options: ParquetWriteOptions) throws {
        let reader = try ParquetReader(path: path)
        guard reader.columns.map(\.name) == schema.columns.map(\.name), reader.rowCount == rows else {
            throw ReelError(.corrupt, "\(path): the written file does not read back as written (columns or row count differ)")
        }
        if options.verification == .full {
            _ = try reader.readAll(threads: options.threads)
        }
    }
}
