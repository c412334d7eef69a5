/// Writing JSON strings without Foundation, for quarantine lines and reports.
enum JSONText {
    /// Appends `bytes` as a quoted JSON string: `"` and `\` escaped, control
    /// characters as `\u00XX`, valid UTF-8 kept, and each invalid byte as
    /// U+FFFD — so the quarantine file stays valid NDJSON whatever was rejected.
    static func appendString(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            out.append(UInt8(ascii: "\""))
            return
        }
        let hex = Array("0123456789abcdef".utf8)
        var i = 0
        let n = bytes.count
        while i < n {
            let c = base[i]
            switch c {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(c); i += 1
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(c); i += 1
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n")); i += 1
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r")); i += 1
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t")); i += 1
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(c >> 4)]); out.append(hex[Int(c & 15)])
                i += 1
            case 0x20..<0x80:
                out.append(c); i += 1
            default:
                let length = FlatJSONScanner.utf8SequenceLength(base, i, n)
                if length == 0 {
                    out.append(contentsOf: [0xEF, 0xBF, 0xBD])
                    i += 1
                } else {
                    out.append(contentsOf: UnsafeBufferPointer(start: base + i, count: length))
                    i += length
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `text` as a quoted JSON string.
    static func quote(_ text: String) -> String {
        var out: [UInt8] = []
        var t = text
        t.withUTF8 { appendString(UnsafeRawBufferPointer($0), to: &out) }
        return String(decoding: out, as: UTF8.self)
    }
}
