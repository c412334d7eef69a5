/// Serializes Thrift structs with the compact protocol into a byte array.
///
/// Only what Parquet metadata needs: structs (with field-id deltas), lists,
/// bool, i8, i16, i32, i64, double and binary. Callers write fields in
/// ascending id order (the compact protocol encodes the delta to the previous
/// id of the same struct), open nested structs with `beginStruct`, and close
/// each with `endStruct`, which writes the STOP byte.
struct ThriftCompactWriter {
    private(set) var bytes: [UInt8] = []
    private var lastFieldID: Int16 = 0
    private var outerFieldIDs: [Int16] = []

    init(reservingCapacity capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    // MARK: Structs and fields

    /// Starts a struct at the top level or as a list element.
    mutating func beginStruct() {
        outerFieldIDs.append(lastFieldID)
        lastFieldID = 0
    }

    /// Writes STOP and returns to the enclosing struct's field numbering.
    mutating func endStruct() {
        bytes.append(ThriftWireType.stop.rawValue)
        lastFieldID = outerFieldIDs.popLast() ?? 0
    }

    mutating func fieldHeader(_ id: Int16, _ type: ThriftWireType) {
        let delta = Int(id) - Int(lastFieldID)
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            writeVarint(zigzagEncode(Int64(id)))
        }
        lastFieldID = id
    }

    mutating func field(_ id: Int16, bool value: Bool) {
        fieldHeader(id, value ? .boolTrue : .boolFalse)
    }

    mutating func field(_ id: Int16, i8 value: Int8) {
        fieldHeader(id, .byte)
        bytes.append(UInt8(bitPattern: value))
    }

    mutating func field(_ id: Int16, i16 value: Int16) {
        fieldHeader(id, .i16)
        writeVarint(zigzagEncode(Int64(value)))
    }

    mutating func field(_ id: Int16, i32 value: Int32) {
        fieldHeader(id, .i32)
        writeVarint(zigzagEncode(Int64(value)))
    }

    mutating func field(_ id: Int16, i64 value: Int64) {
        fieldHeader(id, .i64)
        writeVarint(zigzagEncode(value))
    }

    mutating func field(_ id: Int16, double value: Double) {
        fieldHeader(id, .double)
        writeDouble(value)
    }

    mutating func field(_ id: Int16, binary value: [UInt8]) {
        fieldHeader(id, .binary)
        writeBinary(value)
    }

    mutating func field(_ id: Int16, string value: String) {
        field(id, binary: Array(value.utf8))
    }

    /// A nested struct field: writes the header, then `body` writes the fields.
    mutating func field(_ id: Int16, struct body: (inout ThriftCompactWriter) -> Void) {
        fieldHeader(id, .struct)
        beginStruct()
        body(&self)
        endStruct()
    }

    /// A list field whose elements `body` writes (with the element writers below).
    mutating func field(
        _ id: Int16, listOf type: ThriftWireType, count: Int,
        _ body: (inout ThriftCompactWriter) -> Void
    ) {
        fieldHeader(id, .list)
        listHeader(type, count: count)
        body(&self)
    }

    mutating func listHeader(_ type: ThriftWireType, count: Int) {
        if count < 15 {
            bytes.append(UInt8(count) << 4 | type.rawValue)
        } else {
            bytes.append(0xF0 | type.rawValue)
            writeVarint(UInt64(count))
        }
    }

    // MARK: Bare values (list elements)

    mutating func writeI32(_ value: Int32) { writeVarint(zigzagEncode(Int64(value))) }
    mutating func writeI64(_ value: Int64) { writeVarint(zigzagEncode(value)) }
    /// A bool list element is one byte: 1 true, 2 false (as Apache Thrift writes it).
    mutating func writeBool(_ value: Bool) { bytes.append(value ? 1 : 2) }

    mutating func writeDouble(_ value: Double) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func writeBinary(_ value: [UInt8]) {
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func writeString(_ value: String) { writeBinary(Array(value.utf8)) }

    mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }
}
