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
            (.float, .float), (.double, .double), (.byteArray, .string):
            true
        default: false
        }
    }

    public var kindName: String {
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
    /// Dictionary-encoded input: `values` is then the dictionary and row i
    /// holds `values[dictionaryIndices[i]]`. The writer stores them as the
    /// column chunk's dictionary and indices as they are, instead of finding
    /// the distinct values itself — for callers that already hold dense
    /// codes (the ETL's movie and user rows). No nulls.
    public var dictionaryIndices: [UInt32]?

    public init(_ values: ParquetValues, validity: [Bool]? = nil) {
        self.values = values
        self.validity = validity
    }

    /// Rows given as indices into `dictionary` (see `dictionaryIndices`).
    public init(dictionary: ParquetValues, indices: [UInt32]) {
        values = dictionary
        dictionaryIndices = indices
    }

    public var count: Int { dictionaryIndices?.count ?? values.count }

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

    /// The rows as plain values (dictionary-encoded input expanded), as a
    /// reader returns them.
    public var expanded: ParquetColumnData {
        guard let indices = dictionaryIndices else { return self }
        func gather<T>(_ values: [T]) -> [T] { indices.map { values[Int($0)] } }
        switch values {
        case let .boolean(v): return .boolean(gather(v))
        case let .int32(v): return .int32(gather(v))
        case let .int64(v): return .int64(gather(v))
        case let .float(v): return .float(gather(v))
        case let .double(v): return .double(gather(v))
        case let .byteArray(v):
            var out = ByteArrayColumn()
            v.bytes.withUnsafeBytes { raw in
                for i in indices { out.append(UnsafeRawBufferPointer(rebasing: raw[v.range(Int(i))])) }
            }
            return ParquetColumnData(.byteArray(out))
        }
    }

    /// The column with all-valid validity normalised to nil, so data read back
    /// from a nullable column without nulls compares equal to what was written.
    public var normalized: ParquetColumnData {
        var c = self
        if let v = validity, !v.contains(false) { c.validity = nil }
        return c
    }
}
