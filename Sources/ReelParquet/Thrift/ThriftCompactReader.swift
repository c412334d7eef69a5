/// Why a Thrift compact-protocol buffer could not be decoded; the Parquet
/// reader wraps it in a `ReelError` naming the file and the structure.
struct ThriftDecodeError: Error, Sendable {
    var message: String
    var offset: Int
}

/// A field header read from the wire: its id and wire type.
struct ThriftField {
    var id: Int16
    var type: ThriftWireType
}

/// Decodes the Thrift compact protocol from untrusted bytes.
///
/// Every read is bounds-checked against the buffer, every list length is
/// checked against the bytes left (an element takes at least one byte), and
/// nesting is limited, so a corrupted or hostile footer is an error rather
/// than a crash, a runaway allocation or a stack overflow.
struct ThriftCompactReader {
    private let buffer: UnsafeRawBufferPointer
    private(set) var position: Int
    private var lastFieldID: Int16 = 0
    private var outerFieldIDs: [Int16] = []
    /// Deep enough for any Parquet structure (they nest at most ~5 levels).
    static let maxDepth = 32

    init(_ buffer: UnsafeRawBufferPointer, position: Int = 0) {
        self.buffer = buffer
        self.position = position
    }

    var remaining: Int { buffer.count - position }

    func fail(_ message: String) -> ThriftDecodeError {
        ThriftDecodeError(message: message, offset: position)
    }

    // MARK: Structs

    mutating func beginStruct() throws {
        guard outerFieldIDs.count < Self.maxDepth else { throw fail("structures nested deeper than \(Self.maxDepth)") }
        outerFieldIDs.append(lastFieldID)
        lastFieldID = 0
    }

    /// The next field of the current struct, or nil at STOP (which also
    /// closes the struct).
    mutating func nextField() throws -> ThriftField? {
        let byte = try readByte()
        if byte == 0 {
            lastFieldID = outerFieldIDs.popLast() ?? 0
            return nil
        }
        guard let type = ThriftWireType(rawValue: byte & 0x0F), type != .stop else {
            throw fail("unknown wire type \(byte & 0x0F)")
        }
        let delta = Int16(byte >> 4)
        let id: Int16
        if delta != 0 {
            id = lastFieldID &+ delta
        } else {
            let raw = zigzagDecode(try readVarint())
            guard let v = Int16(exactly: raw) else { throw fail("field id \(raw) out of range") }
            id = v
        }
        lastFieldID = id
        return ThriftField(id: id, type: type)
    }

    // MARK: Values

    mutating func readByte() throws -> UInt8 {
        guard position < buffer.count else { throw fail("unexpected end of data") }
        let b = buffer[position]
        position += 1
        return b
    }

    mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try readByte()
            guard shift < 64 else { throw fail("varint longer than 10 bytes") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func readI16() throws -> Int16 {
        let v = zigzagDecode(try readVarint())
        guard let r = Int16(exactly: v) else { throw fail("i16 value \(v) out of range") }
        return r
    }

    mutating func readI32() throws -> Int32 {
        let v = zigzagDecode(try readVarint())
        guard let r = Int32(exactly: v) else { throw fail("i32 value \(v) out of range") }
        return r
    }

    mutating func readI64() throws -> Int64 { zigzagDecode(try readVarint()) }

    mutating func readI8() throws -> Int8 { Int8(bitPattern: try readByte()) }

    mutating func readDouble() throws -> Double {
        guard remaining >= 8 else { throw fail("unexpected end of data in a double") }
        var bits: UInt64 = 0
        for i in 0..<8 { bits |= UInt64(buffer[position + i]) << (8 * UInt64(i)) }
        position += 8
        return Double(bitPattern: bits)
    }

    /// A bool field's value, carried by its wire type.
    func boolValue(_ field: ThriftField) throws -> Bool {
        switch field.type {
        case .boolTrue: return true
        case .boolFalse: return false
        default: throw fail("field \(field.id) should be a bool, is wire type \(field.type.rawValue)")
        }
    }

    /// A bool list element: 1 is true; 0 and 2 are false (writers differ).
    mutating func readBoolElement() throws -> Bool {
        let b = try readByte()
        guard b <= 2 else { throw fail("bool element has value \(b)") }
        return b == 1
    }

    /// The bytes of a binary value, in place.
    mutating func readBinary() throws -> UnsafeRawBufferPointer {
        let length = try readVarint()
        guard length <= UInt64(remaining) else {
            throw fail("binary of \(length) bytes but only \(remaining) left")
        }
        let start = position
        position += Int(length)
        return UnsafeRawBufferPointer(rebasing: buffer[start..<position])
    }

    mutating func readBytes() throws -> [UInt8] { Array(try readBinary()) }

    mutating func readString() throws -> String { String(decoding: try readBinary(), as: UTF8.self) }

    /// A list header: element type and count, the count bounded by the bytes left.
    mutating func readListHeader() throws -> (type: ThriftWireType, count: Int) {
        let byte = try readByte()
        guard let type = ThriftWireType(rawValue: byte & 0x0F) else { throw fail("unknown list element type \(byte & 0x0F)") }
        var count = UInt64(byte >> 4)
        if count == 15 { count = try readVarint() }
        guard count <= UInt64(remaining) else {
            throw fail("list of \(count) elements but only \(remaining) bytes left")
        }
        return (type, Int(count))
    }

    /// Reads a list whose elements must have wire type `type`.
    mutating func readList<T>(
        of type: ThriftWireType, fieldID: Int16,
        _ element: (inout ThriftCompactReader) throws -> T
    ) throws -> [T] {
        let header = try readListHeader()
        let matches = header.type == type || (type.isBool && header.type.isBool)
        guard matches || header.count == 0 else {
            throw fail("list field \(fieldID) has element type \(header.type.rawValue), expected \(type.rawValue)")
        }
        var result: [T] = []
        result.reserveCapacity(header.count)
        for _ in 0..<header.count { result.append(try element(&self)) }
        return result
    }

    /// Fails unless `field` has the wire type the schema says.
    func expect(_ field: ThriftField, _ type: ThriftWireType) throws {
        guard field.type == type else {
            throw fail("field \(field.id) has wire type \(field.type.rawValue), expected \(type.rawValue)")
        }
    }

    // MARK: Skipping unknown fields

    /// Skips a value of `type` (used for fields this reader does not know,
    /// so that newer writers' additions are tolerated).
    mutating func skip(_ type: ThriftWireType, depth: Int = 0) throws {
        guard depth < Self.maxDepth else { throw fail("values nested deeper than \(Self.maxDepth)") }
        switch type {
        case .stop: throw fail("unexpected STOP")
        case .boolTrue, .boolFalse: return
        case .byte: _ = try readByte()
        case .i16, .i32, .i64: _ = try readVarint()
        case .double:
            guard remaining >= 8 else { throw fail("unexpected end of data in a double") }
            position += 8
        case .binary: _ = try readBinary()
        case .list, .set:
            let header = try readListHeader()
            for _ in 0..<header.count {
                if header.type.isBool { _ = try readByte() } else { try skip(header.type, depth: depth + 1) }
            }
        case .map:
            let count = try readVarint()
            guard count <= UInt64(remaining) else { throw fail("map of \(count) entries but only \(remaining) bytes left") }
            if count == 0 { return }
            let kinds = try readByte()
            guard let key = ThriftWireType(rawValue: kinds >> 4), let value = ThriftWireType(rawValue: kinds & 0x0F) else {
                throw fail("unknown map element types \(kinds)")
            }
            for _ in 0..<count {
                if key.isBool { _ = try readByte() } else { try skip(key, depth: depth + 1) }
                if value.isBool { _ = try readByte() } else { try skip(value, depth: depth + 1) }
            }
        case .struct:
            try beginStruct()
            while let field = try nextField() { try skip(field.type, depth: depth + 1) }
        }
    }
}
