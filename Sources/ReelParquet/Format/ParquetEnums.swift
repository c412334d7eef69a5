// Parquet's Thrift enums (parquet.thrift). Each is an open set of i32 codes so
// that a value from a newer writer decodes, and is then refused by name where
// it matters ("encoding DELTA_BINARY_PACKED is not supported") instead of
// failing the whole footer.

/// An open Thrift enum: its code, and the spec's names for the known codes.
public protocol ParquetEnumCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible where RawValue == Int32 {
    init(rawValue: Int32)
    /// The spec's names, indexed by code.
    static var names: [String] { get }
    /// How an unknown code is shown ("encoding 42").
    static var unknownLabel: String { get }
}

extension ParquetEnumCode {
    public var description: String {
        Self.names.indices.contains(Int(rawValue)) ? Self.names[Int(rawValue)] : "\(Self.unknownLabel) \(rawValue)"
    }
}

/// `Type`: the physical storage type of a leaf column.
public struct ParquetPhysicalType: ParquetEnumCode {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let names = ["BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"]
    public static let unknownLabel = "type"
    public static let boolean = Self(rawValue: 0)
    public static let int32 = Self(rawValue: 1)
    public static let int64 = Self(rawValue: 2)
    public static let int96 = Self(rawValue: 3)
    public static let float = Self(rawValue: 4)
    public static let double = Self(rawValue: 5)
    public static let byteArray = Self(rawValue: 6)
    public static let fixedLenByteArray = Self(rawValue: 7)
}

/// `Encoding` of values or levels in a page.
public struct ParquetEncoding: ParquetEnumCode {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let names = [
        "PLAIN", "GROUP_VAR_INT", "PLAIN_DICTIONARY", "RLE", "BIT_PACKED", "DELTA_BINARY_PACKED",
        "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY", "RLE_DICTIONARY", "BYTE_STREAM_SPLIT",
    ]
    public static let unknownLabel = "encoding"
    public static let plain = Self(rawValue: 0)
    public static let plainDictionary = Self(rawValue: 2)
    public static let rle = Self(rawValue: 3)
    public static let bitPacked = Self(rawValue: 4)
    public static let deltaBinaryPacked = Self(rawValue: 5)
    public static let deltaLengthByteArray = Self(rawValue: 6)
    public static let deltaByteArray = Self(rawValue: 7)
    public static let rleDictionary = Self(rawValue: 8)
    public static let byteStreamSplit = Self(rawValue: 9)
    /// Dictionary-encoded data pages (the old and the new name of the same thing).
    var isDictionary: Bool { self == .plainDictionary || self == .rleDictionary }
}

/// `CompressionCodec` of a column chunk's pages.
public struct ParquetCodec: ParquetEnumCode {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let names = ["UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"]
    public static let unknownLabel = "codec"
    public static let uncompressed = Self(rawValue: 0)
    public static let snappy = Self(rawValue: 1)
    public static let gzip = Self(rawValue: 2)
    public static let lzo = Self(rawValue: 3)
    public static let brotli = Self(rawValue: 4)
    public static let lz4 = Self(rawValue: 5)
    public static let zstd = Self(rawValue: 6)
    public static let lz4Raw = Self(rawValue: 7)
}

/// `PageType`.
public struct ParquetPageType: ParquetEnumCode {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let names = ["DATA_PAGE", "INDEX_PAGE", "DICTIONARY_PAGE", "DATA_PAGE_V2"]
    public static let unknownLabel = "page type"
    public static let dataPage = Self(rawValue: 0)
    public static let indexPage = Self(rawValue: 1)
    public static let dictionaryPage = Self(rawValue: 2)
    public static let dataPageV2 = Self(rawValue: 3)
}

/// `FieldRepetitionType`.
public struct ParquetRepetition: ParquetEnumCode {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let names = ["REQUIRED", "OPTIONAL", "REPEATED", "VECTOR"]
    public static let unknownLabel = "repetition"
    public static let required = Self(rawValue: 0)
    public static let optional = Self(rawValue: 1)
    public static let repeated = Self(rawValue: 2)
}

/// `ConvertedType` (the deprecated annotation older readers still look at).
public struct ParquetConvertedType: ParquetEnumCode {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let names = [
        "UTF8", "MAP", "MAP_KEY_VALUE", "LIST", "ENUM", "DECIMAL", "DATE", "TIME_MILLIS",
        "TIME_MICROS", "TIMESTAMP_MILLIS", "TIMESTAMP_MICROS",
    ]
    public static let unknownLabel = "converted type"
    public static let utf8 = Self(rawValue: 0)
    public static let date = Self(rawValue: 6)
    public static let timestampMillis = Self(rawValue: 9)
    public static let timestampMicros = Self(rawValue: 10)
}
