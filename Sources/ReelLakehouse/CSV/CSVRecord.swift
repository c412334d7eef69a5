/// One CSV record as byte ranges into the scanned buffer: no copy, no
/// allocation. The scanner fills the same value for every record.
///
/// Field `i` (for `i < min(fieldCount, CSVRecord.capacity)`) is
/// `bytes[fieldStarts[i] ..< fieldEnds[i]]`: for a quoted field, the content
/// between the quotes, still with its doubled quotes when `hasEscapes(i)` is
/// true (`unescapedField` removes them). Offsets are absolute in the buffer.
public struct CSVRecord {
    /// Fields kept per record; a record with more still counts them in
    /// `fieldCount` (so `field_count` can reject it) but stores only these.
    public static let capacity = 8

    /// Offset of the record's first byte.
    public var start = 0
    /// Offset just past its content (line terminator excluded).
    public var end = 0
    /// 1-based line of the record's first byte, relative to where the scan began.
    public var line = 0
    /// Fields found (may exceed `capacity`).
    public var fieldCount = 0
    /// Broken quoting: a quote inside an unquoted field, text after a closing
    /// quote, or a quoted field that never closes.
    public var malformed = false
    public var fieldStarts = InlineArray<8, Int>(repeating: 0)
    public var fieldEnds = InlineArray<8, Int>(repeating: 0)
    /// Bit i: field i was quoted. Bit i + 16: field i contains doubled quotes.
    public var quoteBits: UInt32 = 0

    public init() {}

    @inline(__always)
    public func isQuoted(_ i: Int) -> Bool { quoteBits & (1 << UInt32(i)) != 0 }

    @inline(__always)
    public func hasEscapes(_ i: Int) -> Bool { quoteBits & (1 << UInt32(i + 16)) != 0 }

    @inline(__always)
    public func fieldLength(_ i: Int) -> Int { fieldEnds[i] - fieldStarts[i] }

    /// Field `i`'s raw bytes (doubled quotes still doubled).
    @inline(__always)
    public func field(_ i: Int, in bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[fieldStarts[i]..<fieldEnds[i]])
    }

    /// Appends field `i`'s value, with doubled quotes turned back into one, to `out`.
    public func appendUnescapedField(_ i: Int, in bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        let raw = field(i, in: bytes)
        guard hasEscapes(i) else { out.append(contentsOf: raw); return }
        var skipNext = false
        for b in raw {
            if skipNext { skipNext = false; continue }
            out.append(b)
            if b == CSVByte.quote { skipNext = true }
        }
    }

    /// Field `i` as a String (off the hot path: headers, messages).
    public func string(_ i: Int, in bytes: UnsafeRawBufferPointer) -> String {
        var out: [UInt8] = []
        appendUnescapedField(i, in: bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

/// The bytes RFC 4180 gives meaning to.
public enum CSVByte {
    public static let comma: UInt8 = 0x2C
    public static let quote: UInt8 = 0x22
    public static let lf: UInt8 = 0x0A
    public static let cr: UInt8 = 0x0D
}

/// Writing CSV: every value quoted, quotes doubled, so any bytes (commas,
/// quotes, line breaks, invalid UTF-8) round-trip through an RFC 4180 reader.
public enum CSVQuoting {
    public static func appendQuoted(_ bytes: some Sequence<UInt8>, to out: inout [UInt8]) {
        out.append(CSVByte.quote)
        for b in bytes {
            out.append(b)
            if b == CSVByte.quote { out.append(CSVByte.quote) }
        }
        out.append(CSVByte.quote)
    }
}
