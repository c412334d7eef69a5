/// A strict RFC 8259 syntax check, without Foundation and without building
/// any value.
///
/// Why: the daemon copies a release's `meta` section into `/v1/release` as
/// is, and `reel inspect`/`releases` hand it to a JSON parser. A reader that
/// only checked "starts with `{`, ends with `}`" let a malformed section
/// through `verify` and served invalid JSON; this check runs when a release
/// is opened, so such a file is refused instead. Strings must be valid UTF-8
/// (no overlongs, surrogates, or code points above U+10FFFF) and escapes must
/// not encode a lone surrogate; nesting is capped at `maxDepth` so a hostile
/// file cannot exhaust the stack of any parser downstream.
public enum JSONSyntax {
    public static let maxDepth = 64

    /// nil when `bytes` is exactly one JSON object (surrounding whitespace
    /// allowed), else what is wrong and at which byte.
    public static func objectProblem(_ bytes: UnsafeRawBufferPointer) -> String? {
        var p = Parser(bytes: bytes)
        p.skipSpace()
        guard p.peek == UInt8(ascii: "{") else { return "not a JSON object (byte \(p.i))" }
        do {
            try p.value(depth: 0)
            p.skipSpace()
            guard p.i == bytes.count else { throw Parser.Failure(at: p.i, "text after the object") }
            return nil
        } catch let f as Parser.Failure {
            return "invalid JSON at byte \(f.at): \(f.what)"
        } catch {
            return "invalid JSON"
        }
    }

    private struct Parser {
        struct Failure: Error {
            let at: Int
            let what: String
            init(at: Int, _ what: String) { self.at = at; self.what = what }
        }

        let bytes: UnsafeRawBufferPointer
        var i = 0

        var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

        func fail(_ what: String) -> Failure { Failure(at: i, what) }

        mutating func skipSpace() {
            while let c = peek, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 }
        }

        mutating func expect(_ c: UInt8) throws {
            guard peek == c else { throw fail("expected '\(Character(UnicodeScalar(c)))'") }
            i += 1
        }

        mutating func value(depth: Int) throws {
            guard depth < JSONSyntax.maxDepth else { throw fail("nested deeper than \(JSONSyntax.maxDepth)") }
            skipSpace()
            guard let c = peek else { throw fail("unexpected end") }
            switch c {
            case UInt8(ascii: "{"):
                i += 1
                skipSpace()
                if peek == UInt8(ascii: "}") { i += 1; return }
                while true {
                    skipSpace()
                    try string()
                    skipSpace()
                    try expect(UInt8(ascii: ":"))
                    try value(depth: depth + 1)
                    skipSpace()
                    if peek == UInt8(ascii: ",") { i += 1; continue }
                    try expect(UInt8(ascii: "}"))
                    return
                }
            case UInt8(ascii: "["):
                i += 1
                skipSpace()
                if peek == UInt8(ascii: "]") { i += 1; return }
                while true {
                    try value(depth: depth + 1)
                    skipSpace()
                    if peek == UInt8(ascii: ",") { i += 1; continue }
                    try expect(UInt8(ascii: "]"))
                    return
                }
            case UInt8(ascii: "\""): try string()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            default: try number()
            }
        }

        mutating func literal(_ word: StaticString) throws {
            let n = word.utf8CodeUnitCount
            guard bytes.count - i >= n else { throw fail("unexpected end") }
            for k in 0..<n where bytes[i + k] != word.utf8Start[k] { throw fail("invalid literal") }
            i += n
        }

        mutating func digits() throws {
            guard let c = peek, c >= 0x30, c <= 0x39 else { throw fail("expected a digit") }
            while let c = peek, c >= 0x30, c <= 0x39 { i += 1 }
        }

        mutating func number() throws {
            if peek == UInt8(ascii: "-") { i += 1 }
            if peek == UInt8(ascii: "0") { i += 1 } else { try digits() }
            if peek == UInt8(ascii: ".") { i += 1; try digits() }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                i += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
                try digits()
            }
        }

        mutating func hex4() throws -> UInt32 {
            guard bytes.count - i >= 4 else { throw fail("unexpected end in \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[i]
                let d: UInt32
                switch c {
                case 0x30...0x39: d = UInt32(c - 0x30)
                case 0x41...0x46: d = UInt32(c - 0x41 + 10)
                case 0x61...0x66: d = UInt32(c - 0x61 + 10)
                default: throw fail("invalid \\u escape")
                }
                v = v << 4 | d
                i += 1
            }
            return v
        }

        mutating func string() throws {
            try expect(UInt8(ascii: "\""))
            while true {
                guard let c = peek else { throw fail("unterminated string") }
                switch c {
                case UInt8(ascii: "\""):
                    i += 1
                    return
                case UInt8(ascii: "\\"):
                    i += 1
                    guard let e = peek else { throw fail("unterminated string") }
                    i += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                         UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        continue
                    case UInt8(ascii: "u"):
                        let u = try hex4()
                        if u >= 0xDC00 && u <= 0xDFFF { throw fail("lone low surrogate escape") }
                        if u >= 0xD800 && u <= 0xDBFF {
                            guard peek == UInt8(ascii: "\\"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "u") else {
                                throw fail("lone high surrogate escape")
                            }
                            i += 2
                            let low = try hex4()
                            guard low >= 0xDC00 && low <= 0xDFFF else { throw fail("lone high surrogate escape") }
                        }
                    default:
                        i -= 1
                        throw fail("invalid escape")
                    }
                case 0..<0x20:
                    throw fail("control character in a string")
                case 0..<0x80:
                    i += 1
                default:
                    guard let n = UTF8Check.sequenceLength(bytes, at: i) else { throw fail("not UTF-8") }
                    i += n
                }
            }
        }
    }
}
