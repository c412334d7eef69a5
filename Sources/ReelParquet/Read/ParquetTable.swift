/// A leaf column of a Parquet file as the reader sees it.
public struct ParquetColumnDescriptor: Sendable, Equatable {
    public var name: String
    public var physicalType: ParquetPhysicalType
    public var logicalType: ParquetLogicalType?
    public var convertedType: ParquetConvertedType?
    public var nullable: Bool
    /// The column as one of Reel's types, or nil when it is none of them
    /// (e.g. INT96 timestamps, DATE, binary without a string annotation).
    public var columnType: ColumnType? {
        ColumnType(physical: physicalType, logical: logicalType, converted: convertedType)
    }
}

/// Columns read from a Parquet file (or a Delta table), in the order asked for.
public struct ParquetTable: Sendable {
    public var names: [String]
    public var columns: [ParquetColumnData]
    public var rowCount: Int
    /// Dictionary and data pages decompressed and decoded to produce this
    /// table: proof that column projection skipped the other columns.
    public var pagesDecoded: Int

    public init(names: [String], columns: [ParquetColumnData], rowCount: Int, pagesDecoded: Int) {
        self.names = names
        self.columns = columns
        self.rowCount = rowCount
        self.pagesDecoded = pagesDecoded
    }

    public func column(_ name: String) -> ParquetColumnData? {
        names.firstIndex(of: name).map { columns[$0] }
    }
}
