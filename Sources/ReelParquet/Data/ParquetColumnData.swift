/// The values of one column, as one typed array (no boxing per value).
public enum ParquetValues: Sendable, Equatable {
    case boolean([Bool])
    case int32([Int32])
    /// INT64 columns, including `timestamp_ms` (milliseconds since the epoch).
    case int64([Int64])
    case float([Float])
    case double([Double])
    case byteArray(ByteArrayColumn)

    public var count: Int {
        switch self {
        case let .boolean(v): v.count
        case let .int32(v): v.count
        case let .int64(v): v.count
        case let .float(v): v.count
        case let .double(v): v.count
        case let .byteArray(v): v.count
        }
    }

    /// Whether these values can be written to (or were read from) a column of `type`.
    func fits(_ type: ColumnType) -> Bool {
        switch (self, type) {
        case (.boolean, .boolean), (.int32, .int32), (.int64, .int64), (.int64, .timestampMillis),
             (.float, .float), (.double, .double), (.byteArray, .string): true
        default: false
        }
    }

    var kindName: String {
        switch self {
        case .boolean: "boolean"
        case .int32: "int32"
        case .int64: "int64"
        case .float: "float"
        case .double: "double"
        case .byteArray: "string"
        }
    }
}

/// One column of a batch of rows: values with one slot per row, and for a
/// nullable column an optional validity array (`false` = null; the value in
/// that slot is ignored when writing and zero/empty when reading). This is
/// Arrow's layout, so row `i` of every column is at index `i`.
public struct ParquetColumnData: Sendable, Equatable {
    public var values: ParquetValues
    /// nil when every row has a value.
    public var validity: [Bool]?

    public init(_ values: ParquetValues, validity: [Bool]? = nil) {
        self.values = values
        self.validity = validity
    }

    public var count: Int { values.count }

    public var nullCount: Int { validity.map { $0.reduce(0) { $0 + ($1 ? 0 : 1) } } ?? 0 }

    public func isNull(_ row: Int) -> Bool { validity.map { !$0[row] } ?? false }

    // Convenience constructors.
    public static func boolean(_ v: [Bool]) -> Self { Self(.boolean(v)) }
    public static func int32(_ v: [Int32]) -> Self { Self(.int32(v)) }
    public static func int64(_ v: [Int64]) -> Self { Self(.int64(v)) }
    public static func float(_ v: [Float]) -> Self { Self(.float(v)) }
    public static func double(_ v: [Double]) -> Self { Self(.double(v)) }
    public static func strings(_ v: [String]) -> Self { Self(.byteArray(ByteArrayColumn(v))) }

    /// Strings where nil is null.
    public static func strings(_ v: [String?]) -> Self {
        Self(.byteArray(ByteArrayColumn(v)), validity: v.contains(nil) ? v.map { $0 != nil } : nil)
    }

    public static func int32(_ v: [Int32?]) -> Self {
        Self(.int32(v.map { $0 ?? 0 }), validity: v.contains(nil) ? v.map { $0 != nil } : nil)
    }

    public static func int64(_ v: [Int64?]) -> Self {
        Self(.int64(v.map { $0 ?? 0 }), validity: v.contains(nil) ? v.map { $0 != nil } : nil)
    }

    public static func float(_ v: [Float?]) -> Self {
        Self(.float(v.map { $0 ?? 0 }), validity: v.contains(nil) ? v.map { $0 != nil } : nil)
    }

    public static func double(_ v: [Double?]) -> Self {
        Self(.double(v.map { $0 ?? 0 }), validity: v.contains(nil) ? v.map { $0 != nil } : nil)
    }

    /// The column with all-valid validity normalised to nil, so data read back
    /// from a nullable column without nulls compares equal to what was written.
    public var normalized: ParquetColumnData {
        var c = self
        if let v = validity, !v.contains(false) { c.validity = nil }
        return c
    }
}
