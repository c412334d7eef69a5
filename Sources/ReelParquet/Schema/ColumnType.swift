/// The column types of Reel's lakehouse tables: the vocabulary of
/// `schemas/lakehouse/*.yml` (`type:`) and what each becomes in Parquet and in
/// a Delta (Spark) schema. Keeping the three spellings in one place is what
/// lets a test prove that a written file and its YAML agree.
public enum ColumnType: String, Sendable, CaseIterable, Equatable {
    case boolean
    case int32
    case int64
    case float
    case double
    case string
    /// Milliseconds since the Unix epoch, UTC (Parquet TIMESTAMP(MILLIS, UTC) on INT64).
    case timestampMillis = "timestamp_ms"

    /// Parses a YAML `type:`; accepts common aliases (`int`, `long`, `float32`, `timestamp`…).
    public init?(yamlName: String) {
        let aliases: [String: ColumnType] = [
            "bool": .boolean, "boolean": .boolean,
            "int": .int32, "int32": .int32, "integer": .int32,
            "int64": .int64, "long": .int64, "bigint": .int64,
            "float": .float, "float32": .float, "real": .float,
            "double": .double, "float64": .double,
            "string": .string, "utf8": .string, "text": .string,
            "timestamp_ms": .timestampMillis, "timestamp": .timestampMillis, "timestamp_millis": .timestampMillis,
        ]
        guard let t = aliases[yamlName.lowercased()] else { return nil }
        self = t
    }

    /// The Parquet physical type that stores it.
    public var physicalType: ParquetPhysicalType {
        switch self {
        case .boolean: .boolean
        case .int32: .int32
        case .int64, .timestampMillis: .int64
        case .float: .float
        case .double: .double
        case .string: .byteArray
        }
    }

    /// The logical type annotation written for it (nil for plain numbers).
    public var logicalType: ParquetLogicalType? {
        switch self {
        case .string: .string
        case .timestampMillis: .timestamp(adjustedToUTC: true, unit: .millis)
        default: nil
        }
    }

    /// The converted type older readers look at.
    var convertedType: ParquetConvertedType? {
        switch self {
        case .string: .utf8
        case .timestampMillis: .timestampMillis
        default: nil
        }
    }

    /// Spark SQL's name, used in the Delta log's `schemaString`.
    public var sparkType: String {
        switch self {
        case .boolean: "boolean"
        case .int32: "integer"
        case .int64: "long"
        case .float: "float"
        case .double: "double"
        case .string: "string"
        case .timestampMillis: "timestamp"
        }
    }

    /// The inverse of `sparkType` (for reading a Delta table's schema back).
    public init?(sparkType: String) {
        guard let t = ColumnType.allCases.first(where: { $0.sparkType == sparkType }) else { return nil }
        self = t
    }

    /// Bytes per value in PLAIN encoding (strings: nil, booleans: 1 as an estimate).
    var fixedWidth: Int? {
        switch self {
        case .boolean: 1
        case .int32, .float: 4
        case .int64, .double, .timestampMillis: 8
        case .string: nil
        }
    }

    /// Reads a Parquet leaf as one of Reel's types, or nil when it is none of them.
    public init?(physical: ParquetPhysicalType, logical: ParquetLogicalType?, converted: ParquetConvertedType?) {
        switch physical {
        case .boolean: self = .boolean
        case .int32: self = .int32
        case .int64:
            if case .timestamp(_, .millis)? = logical {
                self = .timestampMillis
            } else if logical == nil && converted == .timestampMillis {
                self = .timestampMillis
            } else {
                self = .int64
            }
        case .float: self = .float
        case .double: self = .double
        case .byteArray:
            if logical == .string || logical == .enumeration || logical == .json || converted == .utf8 { self = .string } else { return nil }
        default: return nil
        }
    }
}
