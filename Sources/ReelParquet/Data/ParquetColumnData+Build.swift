import ReelCore

extension ParquetColumnData {
    /// A column with no rows of `type` (nullable columns have no validity yet).
    public static func empty(_ type: ColumnType) -> ParquetColumnData {
        switch type {
        case .boolean: .boolean([])
        case .int32: .int32([Int32]())
        case .int64, .timestampMillis: .int64([Int64]())
        case .float: .float([Float]())
        case .double: .double([Double]())
        case .string: .strings([String]())
        }
    }

    /// `count` copies of a partition value (given as text, as in the Delta log),
    /// or `count` nulls.
    static func repeating(_ text: String, type: ColumnType, count: Int, column: String, null: Bool = false) throws -> ParquetColumnData {
        if null {
            var nulls: ParquetColumnData
            switch type {
            case .boolean: nulls = .boolean([Bool](repeating: false, count: count))
            case .int32: nulls = .int32([Int32](repeating: 0, count: count))
            case .int64, .timestampMillis: nulls = .int64([Int64](repeating: 0, count: count))
            case .float: nulls = .float([Float](repeating: 0, count: count))
            case .double: nulls = .double([Double](repeating: 0, count: count))
            case .string: nulls = ParquetColumnData(.byteArray(ByteArrayColumn([String](repeating: "", count: count))))
            }
            nulls.validity = [Bool](repeating: false, count: count)
            return nulls
        }
        func parse<T: LosslessStringConvertible>(_: T.Type) throws -> T {
            guard let v = T(text) else {
                throw ReelError(.corrupt, "partition value \(column)=\(text) is not a valid \(type.rawValue)")
            }
            return v
        }
        switch type {
        case .string:
            var strings = ByteArrayColumn()
            strings.reserve(count: count, bytes: count * text.utf8.count)
            for _ in 0..<count { strings.append(text) }
            return ParquetColumnData(.byteArray(strings))
        case .int32: return .int32([Int32](repeating: try parse(Int32.self), count: count))
        case .int64: return .int64([Int64](repeating: try parse(Int64.self), count: count))
        case .float: return .float([Float](repeating: try parse(Float.self), count: count))
        case .double: return .double([Double](repeating: try parse(Double.self), count: count))
        case .boolean: return .boolean([Bool](repeating: try parse(Bool.self), count: count))
        case .timestampMillis:
            throw ReelError(.invalidInput, "partition column \(column): timestamp partition values are not supported")
        }
    }

    /// Appends another column of the same kind (rows of a further file).
    mutating func append(_ other: ParquetColumnData) throws {
        let before = count
        switch (values, other.values) {
        case let (.boolean(a), .boolean(b)): values = .boolean(a + b)
        case let (.int32(a), .int32(b)): values = .int32(a + b)
        case let (.int64(a), .int64(b)): values = .int64(a + b)
        case let (.float(a), .float(b)): values = .float(a + b)
        case let (.double(a), .double(b)): values = .double(a + b)
        case let (.byteArray(a), .byteArray(b)):
            var merged = a
            merged.append(contentsOf: b)
            values = .byteArray(merged)
        default:
            throw ReelError(.corrupt, "cannot append \(other.values.kindName) values to a \(values.kindName) column (the files of a table disagree)")
        }
        if validity != nil || other.validity != nil {
            validity = (validity ?? [Bool](repeating: true, count: before)) + (other.validity ?? [Bool](repeating: true, count: other.count))
        }
    }
}
