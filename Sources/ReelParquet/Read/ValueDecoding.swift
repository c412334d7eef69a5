/// A column chunk's decoded dictionary page.
enum DecodedDictionary {
    /// `count` values of `width` bytes (INT96 already converted to 8-byte nanoseconds).
    case fixed([UInt8], count: Int, width: Int)
    case strings(ByteArrayColumn)

    var count: Int {
        switch self {
        case let .fixed(_, count, _): count
        case let .strings(s): s.count
        }
    }
}

/// Decoding of PLAIN values and dictionary indices from a page's bytes into
/// a column's output. All functions treat the bytes as untrusted: sizes must
/// match exactly, indices must be inside the dictionary.
enum ValueDecoding {
    /// INT96 (Impala/Spark legacy timestamps): nanoseconds of the day, then
    /// the Julian day. Returned as nanoseconds since the Unix epoch.
    @inline(__always)
    static func int96Nanos(_ p: UnsafeRawPointer) -> Int64 {
        let nanos = Int64(bitPattern: UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)))
        let day = Int64(Int32(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: Int32.self)))
        return (day &- 2_440_588) &* 86_400_000_000_000 &+ nanos
    }

    /// PLAIN fixed-width values (`width` is the output width; INT96 input is 12 bytes).
    static func plainFixed(
        _ data: UnsafeRawBufferPointer, count: Int, physical: ParquetPhysicalType,
        width: Int, into out: UnsafeMutableRawPointer
    ) throws {
        switch physical {
        case .boolean:
            guard data.count == (count + 7) / 8 else {
                throw PageDecodeError("\(count) PLAIN booleans need \((count + 7) / 8) bytes, the page has \(data.count)")
            }
            for i in 0..<count { out.storeBytes(of: (data[i >> 3] >> UInt8(i & 7)) & 1, toByteOffset: i, as: UInt8.self) }
        case .int96:
            guard data.count == count * 12 else {
                throw PageDecodeError("\(count) INT96 values need \(count * 12) bytes, the page has \(data.count)")
            }
            for i in 0..<count {
                out.storeBytes(of: int96Nanos(data.baseAddress! + i * 12), toByteOffset: i * 8, as: Int64.self)
            }
        default:
            guard data.count == count * width else {
                throw PageDecodeError("\(count) PLAIN \(physical) values need \(count * width) bytes, the page has \(data.count)")
            }
            if count > 0 { out.copyMemory(from: data.baseAddress!, byteCount: count * width) }
        }
    }

    /// Dictionary indices (a bit-width byte, then the hybrid RLE stream).
    static func dictionaryIndices(
        _ data: UnsafeRawBufferPointer, count: Int,
        into indices: UnsafeMutableBufferPointer<UInt32>
    ) throws {
        guard count > 0 else { return }
        guard data.count >= 1 else { throw PageDecodeError("dictionary-encoded page has no bit width") }
        var decoder = try RleHybridDecoder(UnsafeRawBufferPointer(rebasing: data[1...]), bitWidth: Int(data[0]))
        try decoder.decode(into: indices)
    }

    /// Gathers dictionary values for `indices` into `out` (fixed width).
    static func gather(
        _ dictionary: [UInt8], count: Int, width: Int,
        indices: UnsafeBufferPointer<UInt32>, into out: UnsafeMutableRawPointer
    ) throws {
        try dictionary.withUnsafeBytes { d in
            switch width {
            case 4:
                for (i, index) in indices.enumerated() {
                    guard Int(index) < count else { throw badIndex(index, count) }
                    out.storeBytes(of: d.load(fromByteOffset: Int(index) * 4, as: UInt32.self), toByteOffset: i * 4, as: UInt32.self)
                }
            case 8:
                for (i, index) in indices.enumerated() {
                    guard Int(index) < count else { throw badIndex(index, count) }
                    out.storeBytes(of: d.load(fromByteOffset: Int(index) * 8, as: UInt64.self), toByteOffset: i * 8, as: UInt64.self)
                }
            default:
                for (i, index) in indices.enumerated() {
                    guard Int(index) < count else { throw badIndex(index, count) }
                    (out + i * width).copyMemory(from: d.baseAddress! + Int(index) * width, byteCount: width)
                }
            }
        }
    }

    static func badIndex(_ index: UInt32, _ count: Int) -> PageDecodeError {
        PageDecodeError("dictionary index \(index) is outside the dictionary of \(count) values")
    }

    /// Spreads `valid.count`-row output whose first `nonNull` slots hold the
    /// values of the valid rows, in place, back to front; null slots become 0.
    static func scatter(_ out: UnsafeMutableRawPointer, width: Int, valid: UnsafeBufferPointer<Bool>, nonNull: Int) {
        var k = nonNull - 1
        for i in stride(from: valid.count - 1, through: 0, by: -1) {
            if valid[i] {
                if k != i { (out + i * width).copyMemory(from: out + k * width, byteCount: width) }
                k -= 1
            } else {
                (out + i * width).initializeMemory(as: UInt8.self, repeating: 0, count: width)
            }
            if k == i - 1 { break }  // the rows before are all valid and already in place
        }
    }

    /// PLAIN byte arrays: appends `nonNull` values, interleaving empty slots for nulls.
    static func plainStrings(
        _ data: UnsafeRawBufferPointer, rows: Int, nonNull: Int,
        valid: UnsafeBufferPointer<Bool>?, into out: inout ByteArrayColumn
    ) throws {
        var position = 0
        var read = 0
        for row in 0..<rows {
            if let valid, !valid[row] { out.appendEmpty(); continue }
            guard position + 4 <= data.count else { throw PageDecodeError("PLAIN byte array \(read) starts past the end of the page") }
            let length = Int(UInt32(littleEndian: data.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
            position += 4
            guard length <= data.count - position else {
                throw PageDecodeError("PLAIN byte array \(read) of \(length) bytes runs past the end of the page")
            }
            out.append(UnsafeRawBufferPointer(rebasing: data[position..<(position + length)]))
            position += length
            read += 1
        }
        guard read == nonNull, position == data.count else {
            throw PageDecodeError("PLAIN byte arrays use \(position) of the page's \(data.count) bytes")
        }
    }

    /// Dictionary-encoded byte arrays.
    static func dictionaryStrings(
        _ dictionary: ByteArrayColumn, indices: UnsafeBufferPointer<UInt32>, rows: Int,
        valid: UnsafeBufferPointer<Bool>?, into out: inout ByteArrayColumn
    ) throws {
        var k = 0
        try dictionary.bytes.withUnsafeBytes { d in
            for row in 0..<rows {
                if let valid, !valid[row] { out.appendEmpty(); continue }
                let index = indices[k]
                k += 1
                guard Int(index) < dictionary.count else { throw badIndex(index, dictionary.count) }
                out.append(UnsafeRawBufferPointer(rebasing: d[dictionary.range(Int(index))]))
            }
        }
    }

    /// A dictionary page's PLAIN values.
    static func dictionary(_ data: UnsafeRawBufferPointer, count: Int, physical: ParquetPhysicalType) throws -> DecodedDictionary {
        guard count >= 0 else { throw PageDecodeError("dictionary page has \(count) values") }
        switch physical {
        case .byteArray:
            var strings = ByteArrayColumn()
            try plainStrings(data, rows: count, nonNull: count, valid: nil, into: &strings)
            return .strings(strings)
        case .int32, .float, .int64, .double, .int96:
            let width = physical == .int32 || physical == .float ? 4 : 8
            let inputWidth = physical == .int96 ? 12 : width
            guard data.count == count * inputWidth else {
                throw PageDecodeError("dictionary of \(count) \(physical) values needs \(count * inputWidth) bytes, the page has \(data.count)")
            }
            var values = [UInt8](repeating: 0, count: count * width)
            try values.withUnsafeMutableBytes { try plainFixed(data, count: count, physical: physical, width: width, into: $0.baseAddress!) }
            return .fixed(values, count: count, width: width)
        default:
            throw PageDecodeError("dictionary pages of \(physical) columns are not supported")
        }
    }
}
