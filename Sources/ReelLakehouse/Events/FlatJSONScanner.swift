import ReelCore

/// The kind of a JSON value found by `FlatJSONScanner`.
enum JSONValueKind: UInt8 {
    case string, number, trueLiteral, falseLiteral, null, object, array
}

/// One `"key": value` member of a scanned object. Offsets are relative to the
/// line: for strings they exclude the quotes, for other values they cover the
/// literal (for objects and arrays the whole bracketed text).
struct JSONMember {
    var keyStart: Int
    var keyEnd: Int
    var valueStart: Int
    var valueEnd: Int
    var kind: JSONValueKind
    var keyEscaped: Bool
    var valueEscaped: Bool
}

/// A minimal, allocation-free JSON tokenizer for one NDJSON line holding one
/// object — the shape of every event. It checks the full RFC 8259 grammar
/// (strings with every escape and valid UTF-8, numbers, `true`/`false`/`null`,
/// nested values skipped but still checked) and records where each member's
/// key and value are, without decoding anything. Decoding happens only for
/// the rare string that contains an escape.
enum FlatJSONScanner {
    /// Nesting deeper than this is treated as invalid (a guard, not a contract).
    static let maxDepth = 32

    /// Scans `count` bytes at `p` (`stop` is `EventRuleTable.stringStop`).
    /// Returns false unless they are exactly one
    /// JSON object, optionally surrounded by whitespace. `members` is cleared
    /// and filled in order (it keeps its capacity, so no allocation per line).
    static func scan(_ p: UnsafePointer<UInt8>, _ n: Int, stop: UnsafePointer<UInt8>, into members: inout [JSONMember]) -> Bool {
        members.removeAll(keepingCapacity: true)
        var i = 0
        skipSpace(p, &i, n)
        guard i < n, p[i] == UInt8(ascii: "{") else { return false }
        i += 1
        skipSpace(p, &i, n)
        guard i < n else { return false }
        if p[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                guard i < n, p[i] == UInt8(ascii: "\"") else { return false }
                let keyStart = i + 1
                guard let keyEscaped = scanString(p, &i, n, stop) else { return false }
                let keyEnd = i - 1
                skipSpace(p, &i, n)
                guard i < n, p[i] == UInt8(ascii: ":") else { return false }
                i += 1
                skipSpace(p, &i, n)
                guard i < n else { return false }
                var member = JSONMember(
                    keyStart: keyStart, keyEnd: keyEnd, valueStart: i, valueEnd: i,
                    kind: .null, keyEscaped: keyEscaped, valueEscaped: false)
                switch p[i] {
                case UInt8(ascii: "\""):
                    member.valueStart = i + 1
                    guard let escaped = scanString(p, &i, n, stop) else { return false }
                    member.valueEnd = i - 1
                    member.valueEscaped = escaped
                    member.kind = .string
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    guard scanNumber(p, &i, n) else { return false }
                    member.valueEnd = i
                    member.kind = .number
                case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                    guard let kind = scanLiteral(p, &i, n) else { return false }
                    member.valueEnd = i
                    member.kind = kind
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    member.kind = p[i] == UInt8(ascii: "{") ? .object : .array
                    guard skipValue(p, &i, n, stop, depth: 1) else { return false }
                    member.valueEnd = i
                default:
                    return false
                }
                members.append(member)
                skipSpace(p, &i, n)
                guard i < n else { return false }
                if p[i] == UInt8(ascii: ",") {
                    i += 1
                    skipSpace(p, &i, n)
                    continue
                }
                guard p[i] == UInt8(ascii: "}") else { return false }
                i += 1
                break
            }
        }
        skipSpace(p, &i, n)
        return i == n
    }

    @inline(__always)
    static func skipSpace(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int) {
        while i < n {
            let c = p[i]
            guard c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D else { return }
            i += 1
        }
    }

    /// `i` at the opening quote; on success `i` is just past the closing quote
    /// and the result tells whether the string holds an escape.
    @inline(__always)
    static func scanString(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int, _ stop: UnsafePointer<UInt8>) -> Bool? {
        i += 1
        var escaped = false
        while i < n {
            // Fast path: plain printable ASCII, eight bytes at a time, then
            // one table load per byte for the tail.
            while i + 8 <= n {
                let special = specialBytes(UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
                if special != 0 { i += special.trailingZeroBitCount >> 3; break }
                i += 8
            }
            while i < n && stop[Int(p[i])] == 0 { i += 1 }
            guard i < n else { return nil }
            let c = p[i]
            if c == UInt8(ascii: "\"") { i += 1; return escaped }
            if c == UInt8(ascii: "\\") {
                escaped = true
                guard i + 1 < n else { return nil }
                switch p[i + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                    UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 2
                case UInt8(ascii: "u"):
                    guard i + 5 < n, hexValue(p[i + 2]) >= 0, hexValue(p[i + 3]) >= 0,
                        hexValue(p[i + 4]) >= 0, hexValue(p[i + 5]) >= 0
                    else { return nil }
                    i += 6
                default:
                    return nil
                }
                continue
            }
            if c < 0x20 { return nil }
            if c < 0x80 { i += 1; continue }
            let length = utf8SequenceLength(p, i, n)
            guard length > 0 else { return nil }
            i += length
        }
        return nil
    }

    /// SWAR test of eight bytes (little-endian): the high bit of each byte of
    /// the result is set for `"`, `\`, a control character or a non-ASCII
    /// byte. Bits above the lowest set one may be spurious (borrows), so only
    /// the lowest is used: it is exact.
    @inline(__always)
    static func specialBytes(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
        let quote = w ^ (ones &* 0x22), backslash = w ^ (ones &* 0x5C)
        let isQuote = (quote &- ones) & ~quote
        let isBackslash = (backslash &- ones) & ~backslash
        let isControl = (w &- ones &* 0x20) & ~w
        return (isQuote | isBackslash | isControl | w) & high
    }

    /// Length of the valid UTF-8 sequence starting at `i` (lead byte ≥ 0x80), or 0.
    static func utf8SequenceLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int {
        let c = p[i]
        func cont(_ k: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool {
            i + k < n && p[i + k] >= lo && p[i + k] <= hi
        }
        switch c {
        case 0xC2...0xDF: return cont(1) ? 2 : 0
        case 0xE0: return cont(1, 0xA0) && cont(2) ? 3 : 0
        case 0xED: return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0
        case 0xE1...0xEF: return cont(1) && cont(2) ? 3 : 0
        case 0xF0: return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4: return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0
        default: return 0
        }
    }

    /// RFC 8259 number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    @inline(__always)
    static func scanNumber(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int) -> Bool {
        @inline(__always) func digit(_ k: Int) -> Bool { k < n && p[k] &- UInt8(ascii: "0") < 10 }
        if p[i] == UInt8(ascii: "-") { i += 1 }
        guard digit(i) else { return false }
        if p[i] == UInt8(ascii: "0") { i += 1 } else { while digit(i) { i += 1 } }
        if i < n && p[i] == UInt8(ascii: ".") {
            i += 1
            guard digit(i) else { return false }
            while digit(i) { i += 1 }
        }
        if i < n && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
            i += 1
            if i < n && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) { i += 1 }
            guard digit(i) else { return false }
            while digit(i) { i += 1 }
        }
        return true
    }

    /// `true`, `false` or `null` at `i` (chosen by its first byte).
    static func scanLiteral(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int) -> JSONValueKind? {
        let word: StaticString, kind: JSONValueKind
        switch p[i] {
        case UInt8(ascii: "t"): (word, kind) = ("true", .trueLiteral)
        case UInt8(ascii: "f"): (word, kind) = ("false", .falseLiteral)
        default: (word, kind) = ("null", .null)
        }
        let w = word.utf8Start
        let len = word.utf8CodeUnitCount
        guard i + len <= n else { return nil }
        for k in 0..<len where p[i + k] != w[k] { return nil }
        i += len
        return kind
    }

    /// Skips any JSON value (used for nested objects and arrays), checking its grammar.
    static func skipValue(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int, _ stop: UnsafePointer<UInt8>, depth: Int) -> Bool {
        guard i < n, depth <= maxDepth else { return false }
        switch p[i] {
        case UInt8(ascii: "\""): return scanString(p, &i, n, stop) != nil
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return scanNumber(p, &i, n)
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"): return scanLiteral(p, &i, n) != nil
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let isObject = p[i] == UInt8(ascii: "{")
            let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
            i += 1
            skipSpace(p, &i, n)
            if i < n && p[i] == close { i += 1; return true }
            while true {
                if isObject {
                    guard i < n, p[i] == UInt8(ascii: "\""), scanString(p, &i, n, stop) != nil else { return false }
                    skipSpace(p, &i, n)
                    guard i < n, p[i] == UInt8(ascii: ":") else { return false }
                    i += 1
                    skipSpace(p, &i, n)
                }
                guard skipValue(p, &i, n, stop, depth: depth + 1) else { return false }
                skipSpace(p, &i, n)
                guard i < n else { return false }
                if p[i] == UInt8(ascii: ",") { i += 1; skipSpace(p, &i, n); continue }
                guard p[i] == close else { return false }
                i += 1
                return true
            }
        default:
            return false
        }
    }

    @inline(__always)
    static func hexValue(_ c: UInt8) -> Int {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(c - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(c - UInt8(ascii: "A")) + 10
        default: return -1
        }
    }

    /// Decodes the (already scanned) string body `p[start..<end]` into `out`
    /// as UTF-8, resolving escapes; a lone surrogate becomes U+FFFD.
    static func decode(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        var i = start
        func hex4(_ k: Int) -> UInt32 {
            UInt32(hexValue(p[k]) << 12 | hexValue(p[k + 1]) << 8 | hexValue(p[k + 2]) << 4 | hexValue(p[k + 3]))
        }
        while i < end {
            let c = p[i]
            guard c == UInt8(ascii: "\\") else { out.append(c); i += 1; continue }
            let e = p[i + 1]
            i += 2
            if let byte = JSONValue.unescapedByte(e) { out.append(byte); continue }
            switch e {
            case UInt8(ascii: "u"):
                var scalar = hex4(i)
                i += 4
                if scalar >= 0xD800 && scalar < 0xDC00, i + 6 <= end, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") {
                    let low = hex4(i + 2)
                    if low >= 0xDC00 && low < 0xE000 {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                }
                if scalar >= 0xD800 && scalar < 0xE000 { scalar = 0xFFFD }
                appendUTF8(scalar, to: &out)
            default: out.append(e)  // not reached: the scan accepted only valid escapes
            }
        }
    }

    static func appendUTF8(_ s: UInt32, to out: inout [UInt8]) {
        switch s {
        case 0..<0x80: out.append(UInt8(s))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (s >> 6))); out.append(UInt8(0x80 | (s & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (s >> 12))); out.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (s & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (s >> 18))); out.append(UInt8(0x80 | ((s >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((s >> 6) & 0x3F))); out.append(UInt8(0x80 | (s & 0x3F)))
        }
    }

    /// Unicode code points in valid UTF-8 bytes (what JSON Schema's
    /// minLength/maxLength count).
    @inline(__always)
    static func codePoints(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var count = 0
        for k in start..<end where p[k] & 0xC0 != 0x80 { count += 1 }
        return count
    }
}
