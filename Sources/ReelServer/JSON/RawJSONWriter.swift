import NIOCore

/// Writes JSON tokens through a raw pointer into space reserved in advance.
///
/// The daemon renders every response body with this (no Foundation, no
/// `JSONEncoder`, no string interpolation): a list item is one reservation in
/// the `ByteBuffer` and then plain stores and `memcpy`s, so there is no
/// per-token capacity check, uniqueness check or exclusivity check. The CLI
/// renders with the same code, so both print identical JSON.
///
/// The request path's own writer, deliberately apart from ReelCore's
/// `JSONValue` (Reel's one JSON value, writer and reader, for everything off
/// the request path): it writes tokens straight into reserved bytes and never
/// builds a value. Its string escaping matches `JSONValue.appendString` byte
/// for byte (`JSONBytesTests`).
struct RawJSONWriter {
    private let base: UnsafeMutableRawPointer
    /// Bytes written so far.
    private(set) var count = 0

    init(_ base: UnsafeMutableRawPointer) {
        self.base = base
    }

    /// The most bytes `string(_:)` writes for `byteCount` input bytes (every byte as `\u00XX`, plus quotes).
    static func maxStringBytes(_ byteCount: Int) -> Int { byteCount * 6 + 2 }
    /// The most bytes `integer(_:)` or `number(_:)` writes.
    static let maxNumberBytes = 32

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        base.storeBytes(of: value, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    @inline(__always)
    mutating func literal(_ text: StaticString) {
        bytes(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inline(__always)
    mutating func bytes(_ raw: UnsafeRawBufferPointer) {
        guard let source = raw.baseAddress, raw.count > 0 else { return }
        (base + count).copyMemory(from: source, byteCount: raw.count)
        count += raw.count
    }

    /// A signed integer in decimal.
    mutating func integer(_ value: Int64) {
        if value < 0 { byte(UInt8(ascii: "-")) }
        unsigned(value.magnitude)
    }

    private mutating func unsigned(_ value: UInt64) {
        var digits = 1
        var probe = value
        while probe >= 10 { probe /= 10; digits += 1 }
        var remaining = value
        var i = count + digits
        repeat {
            i -= 1
            base.storeBytes(of: UInt8(truncatingIfNeeded: remaining % 10) &+ 48, toByteOffset: i, as: UInt8.self)
            remaining /= 10
        } while remaining > 0
        count += digits
    }

    /// A score or a mean with at most `fractionDigits` decimals, trailing zeros
    /// trimmed (`4.5`, `0.123457`, `3`); NaN and infinities become `null`
    /// because JSON has no literal for them.
    ///
    /// Inlined so that at a call site with a literal `fractionDigits` (every
    /// score) the scale is a constant and the divisions become multiplications.
    @inline(__always)
    mutating func number(_ value: Double, fractionDigits: Int = 6) {
        guard value.isFinite else { literal("null"); return }
        let digits = min(max(fractionDigits, 0), 9)
        let scale = powerOfTen(digits)
        let scaled = (value.magnitude * Double(scale)).rounded()
        guard scaled < 9.0e18 else {
            // Beyond fixed-point range (never a score or a mean): the shortest
            // round-trip form, which is valid JSON for finite values.
            var text = value.description
            text.withUTF8 { bytes(UnsafeRawBufferPointer($0)) }
            return
        }
        let units = UInt64(scaled)
        if value < 0 && units != 0 { byte(UInt8(ascii: "-")) }
        unsigned(units / scale)
        var fraction = units % scale
        guard fraction != 0 else { return }
        var width = digits
        while fraction % 10 == 0 { fraction /= 10; width -= 1 }
        byte(UInt8(ascii: "."))
        var i = count + width
        while i > count {
            i -= 1
            base.storeBytes(of: UInt8(truncatingIfNeeded: fraction % 10) &+ 48, toByteOffset: i, as: UInt8.self)
            fraction /= 10
        }
        count += width
    }

    /// UTF-8 `text` as a JSON string, escaping quotes, backslashes and control
    /// characters; runs without escapes are copied in one piece.
    mutating func string(_ text: UnsafeRawBufferPointer) {
        byte(UInt8(ascii: "\""))
        var runStart = 0
        for i in 0..<text.count {
            let b = text[i]
            guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
            bytes(UnsafeRawBufferPointer(rebasing: text[runStart..<i]))
            escape(b)
            runStart = i + 1
        }
        bytes(UnsafeRawBufferPointer(rebasing: text[runStart...]))
        byte(UInt8(ascii: "\""))
    }

    private mutating func escape(_ b: UInt8) {
        switch b {
        case 0x22: literal("\\\"")
        case 0x5C: literal("\\\\")
        case 0x0A: literal("\\n")
        case 0x0D: literal("\\r")
        case 0x09: literal("\\t")
        default:
            let hex: StaticString = "0123456789abcdef"
            literal("\\u00")
            byte(hex.utf8Start[Int(b >> 4)])
            byte(hex.utf8Start[Int(b & 0xF)])
        }
    }
}

extension ByteBuffer {
    /// Reserves `maxBytes` and lets `body` write up to that many through a `RawJSONWriter`.
    @inline(__always)
    mutating func writeJSON(maxBytes: Int, _ body: (inout RawJSONWriter) -> Void) {
        writeWithUnsafeMutableBytes(minimumWritableBytes: maxBytes) { raw in
            var writer = RawJSONWriter(raw.baseAddress!)
            body(&writer)
            precondition(writer.count <= maxBytes, "JSON writer overran its reservation")
            return writer.count
        }
    }

    mutating func writeJSONInteger(_ value: Int) {
        writeJSONInteger(Int64(value))
    }

    mutating func writeJSONInteger(_ value: Int64) {
        writeJSON(maxBytes: RawJSONWriter.maxNumberBytes) { $0.integer(value) }
    }

    mutating func writeJSONNumber(_ value: Float, fractionDigits: Int = 6) {
        writeJSONNumber(Double(value), fractionDigits: fractionDigits)
    }

    mutating func writeJSONNumber(_ value: Double, fractionDigits: Int = 6) {
        // The rare non-fixed-point form (`1e+20`) is at most 24 bytes.
        writeJSON(maxBytes: RawJSONWriter.maxNumberBytes) { $0.number(value, fractionDigits: fractionDigits) }
    }

    mutating func writeJSONString(_ bytes: UnsafeRawBufferPointer) {
        writeJSON(maxBytes: RawJSONWriter.maxStringBytes(bytes.count)) { $0.string(bytes) }
    }

    /// Writes a Swift string as a JSON string (error details, ids: off the per-item path).
    mutating func writeJSONString(_ string: String) {
        var copy = string
        copy.withUTF8 { writeJSONString(UnsafeRawBufferPointer($0)) }
    }
}

/// 10^digits for 0...9, as a switch so a constant argument folds to a constant.
@inline(__always)
private func powerOfTen(_ digits: Int) -> UInt64 {
    switch digits {
    case 0: return 1
    case 1: return 10
    case 2: return 100
    case 3: return 1_000
    case 4: return 10_000
    case 5: return 100_000
    case 6: return 1_000_000
    case 7: return 10_000_000
    case 8: return 100_000_000
    default: return 1_000_000_000
    }
}

let jsonPowersOfTen: [UInt64] = [
    1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000,
    100_000_000, 1_000_000_000,
]
