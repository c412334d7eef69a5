// The Parquet footer structures (parquet.thrift), as plain values. The reader
// decodes them from the footer and exposes them for inspection (encodings,
// statistics, row groups); the writer builds them. Only the fields Reel uses
// or checks are modelled; unknown fields are skipped when decoding.

/// `TimeUnit` of TIME and TIMESTAMP logical types.
public enum ParquetTimeUnit: Sendable, Equatable {
    case millis, micros, nanos
}

/// `LogicalType`: what the physical values mean.
public enum ParquetLogicalType: Sendable, Equatable {
    case string
    case map
    case list
    case enumeration
    case decimal(scale: Int32, precision: Int32)
    case date
    case time(adjustedToUTC: Bool, unit: ParquetTimeUnit)
    case timestamp(adjustedToUTC: Bool, unit: ParquetTimeUnit)
    case integer(bitWidth: Int8, signed: Bool)
    case null
    case json
    case bson
    case uuid
    case float16
    /// A union member this reader does not know (its field id).
    case other(Int16)
}

/// `Statistics` of a column chunk or page. Values are PLAIN-encoded bytes
/// (strings without the length prefix).
public struct ParquetStatistics: Sendable, Equatable {
    /// Deprecated signed-order bounds, still written for numbers for old readers.
    public var max: [UInt8]?
    public var min: [UInt8]?
    public var nullCount: Int64?
    public var distinctCount: Int64?
    public var maxValue: [UInt8]?
    public var minValue: [UInt8]?
    public var isMaxValueExact: Bool?
    public var isMinValueExact: Bool?
    public var nanCount: Int64?
    public init() {}
}

/// `SchemaElement`: one node of the depth-first flattened schema tree.
public struct ParquetSchemaElement: Sendable, Equatable {
    public var type: ParquetPhysicalType?
    public var typeLength: Int32?
    public var repetition: ParquetRepetition?
    public var name: String = ""
    public var numChildren: Int32?
    public var convertedType: ParquetConvertedType?
    public var scale: Int32?
    public var precision: Int32?
    public var fieldID: Int32?
    public var logicalType: ParquetLogicalType?
    public init() {}
}

/// `KeyValue` application metadata.
public struct ParquetKeyValue: Sendable, Equatable {
    public var key: String
    public var value: String?
    public init(key: String, value: String?) { self.key = key; self.value = value }
}

/// `PageEncodingStats`: how many pages of a type use an encoding.
public struct ParquetPageEncodingStats: Sendable, Equatable {
    public var pageType: ParquetPageType
    public var encoding: ParquetEncoding
    public var count: Int32
    public init(pageType: ParquetPageType, encoding: ParquetEncoding, count: Int32) {
        self.pageType = pageType; self.encoding = encoding; self.count = count
    }
}

/// `ColumnMetaData`: where a column chunk's pages are and how they are encoded.
public struct ParquetColumnMetaData: Sendable, Equatable {
    public var type: ParquetPhysicalType = .int32
    public var encodings: [ParquetEncoding] = []
    public var pathInSchema: [String] = []
    public var codec: ParquetCodec = .uncompressed
    public var numValues: Int64 = 0
    public var totalUncompressedSize: Int64 = 0
    public var totalCompressedSize: Int64 = 0
    public var keyValueMetadata: [ParquetKeyValue]?
    public var dataPageOffset: Int64 = 0
    public var indexPageOffset: Int64?
    public var dictionaryPageOffset: Int64?
    public var statistics: ParquetStatistics?
    public var encodingStats: [ParquetPageEncodingStats]?
    public init() {}
}

/// `ColumnChunk`: one column of one row group.
public struct ParquetColumnChunk: Sendable, Equatable {
    public var filePath: String?
    public var fileOffset: Int64 = 0
    public var metaData: ParquetColumnMetaData?
    public init() {}
}

/// `RowGroup`: a horizontal slice of the table, one chunk per leaf column.
public struct ParquetRowGroup: Sendable, Equatable {
    public var columns: [ParquetColumnChunk] = []
    public var totalByteSize: Int64 = 0
    public var numRows: Int64 = 0
    public var fileOffset: Int64?
    public var totalCompressedSize: Int64?
    public var ordinal: Int16?
    public init() {}
}

/// `ColumnOrder`: which order the min/max statistics follow.
public enum ParquetColumnOrder: Sendable, Equatable {
    case typeDefined
    case ieee754TotalOrder
    case other(Int16)
}

/// `FileMetaData`: the footer.
public struct ParquetFileMetaData: Sendable, Equatable {
    public var version: Int32 = 1
    public var schema: [ParquetSchemaElement] = []
    public var numRows: Int64 = 0
    public var rowGroups: [ParquetRowGroup] = []
    public var keyValueMetadata: [ParquetKeyValue]?
    public var createdBy: String?
    public var columnOrders: [ParquetColumnOrder]?
    /// Set when the footer declares an encryption algorithm (refused by the reader).
    public var isEncrypted = false
    public init() {}
}
