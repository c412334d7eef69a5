import NIOCore

/// JSON primitives written straight into a `ByteBuffer`.
///
/// The daemon renders every response body with these (no Foundation, no
/// `JSONEncoder`, no string interpolation), so a response costs a few
/// `memcpy`s and digit loops into a buffer that is reused across requests.
/// The CLI renders with the same functions, so both print identical JSON.
extension ByteBuffer {
    /// Writes `value` in decimal.
    @inline(__always)
    mutating func writeJSONInteger(_ value: Int) {
        writeJSONInteger(Int64(value))
    }

    /// Writes `value` in decimal.
    mutating func writeJSONInteger(_ value: Int64) {
        var magnitude = value.magnitude
        var digits = 1
        var probe = magnitude
        while probe >= 10 { probe /= 10; digits += 1 }
        let total = digits + (value < 0 ? 1 : 0)
        writeWithUnsafeMutableBytes(minimumWritableBytes: total) { raw in
            var i = total
            repeat {
                i -= 1
                raw[i] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 48
                magnitude /= 10
            } while magnitude > 0
            if value < 0 { raw[0] = UInt8(ascii: "-") }
            return total
        }
    }

    /// Writes a score or a mean with at most `fractionDigits` decimals, trailing
    /// zeros trimmed (`4.5`, `0.123457`, `3`); NaN and infinities become `null`
    /// because JSON has no literal for them.
    mutating func writeJSONNumber(_ value: Float, fractionDigits: Int = 6) {
        writeJSONNumber(Double(value), fractionDigits: fractionDigits)
    }

    mutating func writeJSONNumber(_ value: Double, fractionDigits: Int = 6) {
        guard value.isFinite else { writeStaticString("null"); return }
        let digits = min(max(fractionDigits, 0), 9)
        let scale = jsonPowersOfTen[digits]
        let scaled = (value.magnitude * Double(scale)).rounded()
        guard scaled < 9.0e18 else {
            // Beyond fixed-point range (never a score or a mean): the shortest
            // round-trip form, which is valid JSON for finite values.
            writeString(value.description)
            return
        }
        let units = UInt64(scaled)
        let whole = units / scale
        var fraction = units % scale
        if value < 0 && units != 0 { writeInteger(UInt8(ascii: "-")) }
        writeJSONInteger(Int64(whole))
        guard fraction != 0 else { return }
        var width = digits
        while fraction % 10 == 0 { fraction /= 10; width -= 1 }
        writeWithUnsafeMutableBytes(minimumWritableBytes: width + 1) { raw in
            raw[0] = UInt8(ascii: ".")
            var i = width
            while i > 0 {
                raw[i] = UInt8(truncatingIfNeeded: fraction % 10) &+ 48
                fraction /= 10
                i -= 1
            }
            return width + 1
        }
    }

    /// Writes UTF-8 `bytes` as a JSON string, escaping quotes, backslashes and
    /// control characters. Runs without escapes are copied in one piece.
    mutating func writeJSONString(_ bytes: UnsafeRawBufferPointer) {
        writeInteger(UInt8(ascii: "\""))
        var runStart = 0
        for i in 0..<bytes.count {
            let byte = bytes[i]
            guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
            if i > runStart { writeBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart..<i])) }
            writeJSONEscape(byte)
            runStart = i + 1
        }
        if runStart < bytes.count { writeBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart...])) }
        writeInteger(UInt8(ascii: "\""))
    }

    /// Writes a Swift string as a JSON string (error details, ids: off the per-item path).
    mutating func writeJSONString(_ string: String) {
        var copy = string
        copy.withUTF8 { writeJSONString(UnsafeRawBufferPointer($0)) }
    }

    private mutating func writeJSONEscape(_ byte: UInt8) {
        switch byte {
        case 0x22: writeStaticString("\\\"")
        case 0x5C: writeStaticString("\\\\")
        case 0x0A: writeStaticString("\\n")
        case 0x0D: writeStaticString("\\r")
        case 0x09: writeStaticString("\\t")
        default:
            let hex: StaticString = "0123456789abcdef"
            writeStaticString("\\u00")
            hex.withUTF8Buffer { digits in
                writeInteger(digits[Int(byte >> 4)])
                writeInteger(digits[Int(byte & 0xF)])
            }
        }
    }
}

let jsonPowersOfTen: [UInt64] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000,
                                 100_000_000, 1_000_000_000]
