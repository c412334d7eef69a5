/// A typed bound in a column's statistics.
public enum StatisticValue: Sendable, Equatable {
    case bool(Bool)
    case int(Int64)
    /// FLOAT and DOUBLE bounds (a Float widens exactly to Double).
    case real(Double)
    /// BYTE_ARRAY bounds (UTF-8 for strings), compared as unsigned bytes.
    case bytes([UInt8])

    /// `self < other` in the column's sort order.
    func less(than other: StatisticValue) -> Bool {
        switch (self, other) {
        case let (.bool(a), .bool(b)): return !a && b
        case let (.int(a), .int(b)): return a < b
        case let (.real(a), .real(b)): return a < b
        case let (.bytes(a), .bytes(b)): return a.lexicographicallyPrecedes(b)
        default: return false
        }
    }

    /// PLAIN encoding of the bound for a column of `type` (strings: raw bytes).
    func plainBytes(for type: ColumnType) -> [UInt8] {
        func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        switch (self, type) {
        case let (.bool(b), _): return [b ? 1 : 0]
        case let (.int(v), .int32): return le(Int32(truncatingIfNeeded: v))
        case let (.int(v), _): return le(v)
        case let (.real(v), .float): return le(Float(v).bitPattern)
        case let (.real(v), _): return le(v.bitPattern)
        case let (.bytes(b), _): return b
        }
    }

    /// The string value of a `.bytes` bound.
    public var stringValue: String? {
        if case let .bytes(b) = self { return String(decoding: b, as: UTF8.self) }
        return nil
    }
}

/// Min, max and null count of a column (one chunk, or merged over a file).
/// NaN is left out of float bounds; all-null or all-NaN columns have no bounds.
public struct ColumnStatistics: Sendable, Equatable {
    public var nullCount: Int = 0
    public var min: StatisticValue?
    public var max: StatisticValue?

    public init(nullCount: Int = 0, min: StatisticValue? = nil, max: StatisticValue? = nil) {
        self.nullCount = nullCount
        self.min = min
        self.max = max
    }

    mutating func merge(_ other: ColumnStatistics) {
        nullCount += other.nullCount
        if let m = other.min, min.map({ m.less(than: $0) }) ?? true { min = m }
        if let m = other.max, max.map({ $0.less(than: m) }) ?? true { max = m }
    }

    /// The Thrift form for a column of `type`, following the spec's rules:
    /// min_value/max_value (with TYPE_ORDER column orders), the deprecated
    /// min/max as well for signed numeric types, zeros as -0.0 / +0.0.
    func thrift(for type: ColumnType) -> ParquetStatistics {
        var s = ParquetStatistics()
        s.nullCount = Int64(nullCount)
        guard var lo = min, var hi = max else { return s }
        if case .real(0) = lo { lo = .real(-0.0) }
        if case .real(0) = hi { hi = .real(0.0) }
        s.minValue = lo.plainBytes(for: type)
        s.maxValue = hi.plainBytes(for: type)
        if type != .string {
            s.min = s.minValue
            s.max = s.maxValue
        }
        return s
    }

    // MARK: Computing

    static func of<T: BinaryInteger>(_ values: UnsafeBufferPointer<T>, nulls: Int) -> ColumnStatistics {
        guard var lo = values.first, var hi = values.first else { return ColumnStatistics(nullCount: nulls) }
        for v in values {
            lo = Swift.min(lo, v)
            hi = Swift.max(hi, v)
        }
        return ColumnStatistics(nullCount: nulls, min: .int(Int64(lo)), max: .int(Int64(hi)))
    }

    static func of<T: BinaryFloatingPoint>(_ values: UnsafeBufferPointer<T>, nulls: Int) -> ColumnStatistics {
        var lo = T.infinity, hi = -T.infinity
        var any = false
        for v in values where !v.isNaN {
            any = true
            lo = Swift.min(lo, v)
            hi = Swift.max(hi, v)
        }
        guard any else { return ColumnStatistics(nullCount: nulls) }
        return ColumnStatistics(nullCount: nulls, min: .real(Double(lo)), max: .real(Double(hi)))
    }

    static func of(_ values: UnsafeBufferPointer<Bool>, nulls: Int) -> ColumnStatistics {
        guard !values.isEmpty else { return ColumnStatistics(nullCount: nulls) }
        let anyTrue = values.contains(true), anyFalse = values.contains(false)
        return ColumnStatistics(nullCount: nulls, min: .bool(!anyFalse), max: .bool(anyTrue))
    }

    /// Byte-wise bounds of the values at `rows` (or all rows in `range`).
    static func of(_ column: ByteArrayColumn, rows: [Int]?, range: Range<Int>, nulls: Int) -> ColumnStatistics {
        let count = rows?.count ?? range.count
        guard count > 0 else { return ColumnStatistics(nullCount: nulls) }
        return column.bytes.withUnsafeBytes { raw in
            func value(_ row: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: raw[column.range(row)]) }
            var lo = value(rows?[0] ?? range.lowerBound), hi = lo
            for i in 0..<count {
                let v = value(rows?[i] ?? range.lowerBound + i)
                if compare(v, lo) < 0 { lo = v }
                if compare(v, hi) > 0 { hi = v }
            }
            return ColumnStatistics(nullCount: nulls, min: .bytes(Array(lo)), max: .bytes(Array(hi)))
        }
    }

    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let n = Swift.min(a.count, b.count)
        if n > 0 {
            let c = memcmp(a.baseAddress!, b.baseAddress!, n)
            if c != 0 { return Int(c) }
        }
        return a.count - b.count
    }
}

#if canImport(Glibc)
import Glibc
#endif
