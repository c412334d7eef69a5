/// The destination of one column being read: a flat buffer with one slot per
/// row of the whole file (fixed-width types), or one string column per row
/// group, plus validity when the column is nullable. Row groups decode in
/// parallel into disjoint row ranges; `finish` turns the result into arrays.
/// Sendable by contract: jobs write disjoint ranges and `finish` runs after
/// all of them.
final class ColumnOutput: @unchecked Sendable {
    enum Storage {
        /// `width` bytes per row; INT96 is decoded to 8-byte nanoseconds.
        case fixed(UnsafeMutableRawPointer, width: Int)
        case strings(SlotArray<ByteArrayColumn>)
    }

    let descriptor: ParquetColumnDescriptor
    let rows: Int
    let storage: Storage
    /// One flag per row (true = value present), when the column is nullable.
    let validity: UnsafeMutablePointer<Bool>?

    init(descriptor: ParquetColumnDescriptor, rows: Int, rowGroups: Int) throws {
        self.descriptor = descriptor
        self.rows = rows
        switch descriptor.physicalType {
        case .boolean: storage = .fixed(.allocate(byteCount: max(rows, 1), alignment: 16), width: 1)
        case .int32, .float: storage = .fixed(.allocate(byteCount: max(rows * 4, 1), alignment: 16), width: 4)
        case .int64, .double, .int96: storage = .fixed(.allocate(byteCount: max(rows * 8, 1), alignment: 16), width: 8)
        case .byteArray: storage = .strings(SlotArray(count: rowGroups))
        default:
            throw ReelError(.invalidInput, "column \(descriptor.name) has physical type \(descriptor.physicalType), which is not supported")
        }
        if descriptor.nullable {
            validity = .allocate(capacity: max(rows, 1))
            validity!.initialize(repeating: true, count: rows)
        } else {
            validity = nil
        }
    }

    deinit {
        if case let .fixed(p, _) = storage { p.deallocate() }
        validity?.deallocate()
    }

    /// The column as values (+ validity, nil when nothing is null).
    func finish() -> ParquetColumnData {
        var valid: [Bool]? = nil
        if let validity {
            let flags = UnsafeBufferPointer(start: validity, count: rows)
            if flags.contains(false) { valid = Array(flags) }
        }
        switch storage {
        case let .fixed(p, width):
            func array<T>(_ type: T.Type) -> [T] {
                Array(UnsafeBufferPointer(start: p.assumingMemoryBound(to: T.self), count: rows))
            }
            switch descriptor.physicalType {
            case .boolean:
                return ParquetColumnData(.boolean(Array(UnsafeBufferPointer(start: p.assumingMemoryBound(to: UInt8.self), count: rows)).map { $0 != 0 }), validity: valid)
            case .int32: return ParquetColumnData(.int32(array(Int32.self)), validity: valid)
            case .float: return ParquetColumnData(.float(array(Float.self)), validity: valid)
            case .double: return ParquetColumnData(.double(array(Double.self)), validity: valid)
            default:
                precondition(width == 8)
                return ParquetColumnData(.int64(array(Int64.self)), validity: valid)
            }
        case let .strings(groups):
            var all = ByteArrayColumn()
            let parts = groups.values
            all.reserve(count: rows, bytes: parts.reduce(0) { $0 + $1.bytes.count })
            for part in parts { all.append(contentsOf: part) }
            return ParquetColumnData(.byteArray(all), validity: valid)
        }
    }
}

import ReelCore
