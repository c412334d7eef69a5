/// Wire types of the Thrift compact protocol (the 4-bit type nibble of a
/// field header or list header). Parquet's footer and page headers are
/// Thrift structs serialized with this protocol.
enum ThriftWireType: UInt8, Sendable {
    case stop = 0
    case boolTrue = 1
    case boolFalse = 2
    case byte = 3
    case i16 = 4
    case i32 = 5
    case i64 = 6
    case double = 7
    case binary = 8
    case list = 9
    case set = 10
    case map = 11
    case `struct` = 12

    /// Booleans inside a struct carry their value in the type nibble; both
    /// nibbles mean "this field is a bool".
    var isBool: Bool { self == .boolTrue || self == .boolFalse }
}

/// Zigzag maps signed integers to unsigned so that small magnitudes of
/// either sign become short varints.
@inline(__always) func zigzagEncode(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }
@inline(__always) func zigzagDecode(_ v: UInt64) -> Int64 { Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1) }
