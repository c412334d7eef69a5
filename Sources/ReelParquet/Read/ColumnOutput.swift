/// The destination of one column being read: the result array itself for
/// fixed-width types (decoded into in place, no copy afterwards), or one
/// string column per row group, plus validity when the column is nullable.
/// Row groups decode in parallel into disjoint row ranges. Sendable by
/// contract: jobs write disjoint ranges; results are taken after all of them.
final class ColumnOutput: @unchecked Sendable {
    enum Kind {
        case boolean, int32, float, int64, double
        case strings
    }

    let descriptor: ParquetColumnDescriptor
    let rows: Int
    let kind: Kind
    /// Bytes per row in `base` (INT96 is decoded to 8-byte nanoseconds).
    let width: Int
    /// The result array's storage while `ColumnOutputs.allocate` runs its body.
    var base: UnsafeMutableRawPointer?
    let strings: ParallelSlots<ByteArrayColumn>
    /// One flag per row (true = value present), when the column is nullable.
    let validity: UnsafeMutablePointer<Bool>?

    init(descriptor: ParquetColumnDescriptor, rows: Int, rowGroups: Int) throws {
        self.descriptor = descriptor
        self.rows = rows
        switch descriptor.physicalType {
        case .boolean: (kind, width) = (.boolean, 1)
        case .int32: (kind, width) = (.int32, 4)
        case .float: (kind, width) = (.float, 4)
        case .int64, .int96: (kind, width) = (.int64, 8)
        case .double: (kind, width) = (.double, 8)
        case .byteArray: (kind, width) = (.strings, 0)
        default:
            throw ReelError(.invalidInput, "column \(descriptor.name) has physical type \(descriptor.physicalType), which is not supported")
        }
        strings = ParallelSlots(count: kind == .strings ? rowGroups : 0)
        if descriptor.nullable {
            validity = .allocate(capacity: max(rows, 1))
            validity!.initialize(repeating: true, count: rows)
        } else {
            validity = nil
        }
    }

    deinit { validity?.deallocate() }

    /// The column: `values` for fixed-width kinds (the array filled in place),
    /// the row groups' strings joined otherwise; validity nil when nothing is null.
    func finish(_ values: ParquetValues?) -> ParquetColumnData {
        var valid: [Bool]? = nil
        if let validity {
            let flags = UnsafeBufferPointer(start: validity, count: rows)
            if flags.contains(false) { valid = Array(flags) }
        }
        if let values { return ParquetColumnData(values, validity: valid) }
        var all = ByteArrayColumn()
        let parts = strings.values
        all.reserve(count: rows, bytes: parts.reduce(0) { $0 + $1.bytes.count })
        for part in parts { all.append(contentsOf: part) }
        return ParquetColumnData(.byteArray(all), validity: valid)
    }
}

enum ColumnOutputs {
    /// Creates the result arrays of the fixed-width outputs (uninitialized,
    /// each pointed to by its output's `base`), runs `body` to fill them, and
    /// returns them (nil for string outputs). Nesting one
    /// `Array(unsafeUninitializedCapacity:)` per column is what lets the
    /// decoders write straight into the arrays the caller gets.
    static func fill(_ outputs: [ColumnOutput], _ body: () throws -> Void) throws -> [ParquetValues?] {
        var values = [ParquetValues?](repeating: nil, count: outputs.count)
        try allocate(outputs, from: 0, into: &values, body)
        return values
    }

    private static func allocate(
        _ outputs: [ColumnOutput], from i: Int, into values: inout [ParquetValues?],
        _ body: () throws -> Void
    ) throws {
        guard i < outputs.count else { return try body() }
        let output = outputs[i]
        func make<T>(_: T.Type) throws -> [T] {
            try [T](unsafeUninitializedCapacity: output.rows) { buffer, count in
                output.base = UnsafeMutableRawPointer(buffer.baseAddress)
                defer { output.base = nil }
                try allocate(outputs, from: i + 1, into: &values, body)
                // Every row was written: the chunks of all row groups cover them.
                count = output.rows
            }
        }
        switch output.kind {
        case .boolean: values[i] = .boolean(try make(Bool.self))
        case .int32: values[i] = .int32(try make(Int32.self))
        case .float: values[i] = .float(try make(Float.self))
        case .int64: values[i] = .int64(try make(Int64.self))
        case .double: values[i] = .double(try make(Double.self))
        case .strings: try allocate(outputs, from: i + 1, into: &values, body)
        }
    }
}

import ReelCore
