import ReelCore
import ReelParquet

/// A batch of rows for an open table, its columns keyed by name. Turning it
/// into a `DeltaBatch` puts the columns in the order the table's YAML
/// declares them and refuses any disagreement — a declared column Reel does
/// not produce, or a produced column the YAML does not declare — so code and
/// YAML cannot drift apart silently (types and nullability are checked by
/// the Parquet writer against the same schema).
public struct OpenTableRows: Sendable {
    public var columns: [String: ParquetColumnData]
    /// Values of the table's partition columns shared by these rows.
    public var partitionValues: [String: String]

    public init(_ columns: [String: ParquetColumnData], partitionValues: [String: String] = [:]) {
        self.columns = columns
        self.partitionValues = partitionValues
    }

    public var count: Int { columns.values.first?.count ?? 0 }

    /// The rows as a batch of `schema`'s data columns; `source` (the YAML) is named in errors.
    public func batch(for schema: TableSchema, source: String) throws -> DeltaBatch {
        let declared = schema.dataColumns.map(\.name)
        let missing = declared.filter { columns[$0] == nil }
        guard missing.isEmpty else {
            throw ReelError(
                .invalidInput,
                "\(source): table \(schema.name) declares column(s) \(missing.joined(separator: ", ")), which Reel does not write (it writes \(columns.keys.sorted().joined(separator: ", ")))"
            )
        }
        let extra = columns.keys.filter { !declared.contains($0) }.sorted()
        guard extra.isEmpty else {
            throw ReelError(
                .invalidInput, "\(source): table \(schema.name) does not declare column(s) \(extra.joined(separator: ", ")), which Reel writes")
        }
        guard Set(partitionValues.keys) == Set(schema.partitionColumns) else {
            throw ReelError(
                .invalidInput,
                "\(source): table \(schema.name) is partitioned by [\(schema.partitionColumns.joined(separator: ", "))] but Reel writes it partitioned by [\(partitionValues.keys.sorted().joined(separator: ", "))]"
            )
        }
        return DeltaBatch(columns: declared.map { columns[$0]! }, partitionValues: partitionValues)
    }
}

/// Small column builders shared by the silver and gold tables.
public enum OpenColumns {
    /// Seconds since the epoch as `timestamp_ms` values.
    public static func millis(fromSeconds seconds: some Collection<Int64>) -> ParquetColumnData {
        .int64(seconds.map { $0 &* 1000 })
    }

    /// The same string in every row (a run id, a window name): dictionary-encoded by the writer.
    public static func repeating(_ value: String, count: Int) -> ParquetColumnData {
        var column = ByteArrayColumn()
        let utf8 = Array(value.utf8)
        column.reserve(count: count, bytes: utf8.count * count)
        utf8.withUnsafeBytes { bytes in
            for _ in 0..<count { column.append(bytes) }
        }
        return ParquetColumnData(.byteArray(column))
    }

    /// Values where `isNull(value)` marks a null (a sentinel such as 0 or -1 in the binary layout).
    public static func nullable<T>(_ values: [T], wrap: ([T]) -> ParquetValues, isNull: (T) -> Bool) -> ParquetColumnData {
        let validity = values.map { !isNull($0) }
        return ParquetColumnData(wrap(values), validity: validity.contains(false) ? validity : nil)
    }
}
