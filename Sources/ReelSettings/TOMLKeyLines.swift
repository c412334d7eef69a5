/// The line each key of a TOML document is defined on. TOMLKit reads the
/// values but keeps no source positions for them, and `reel config show` and
/// every error about a value name `file:line`. The document has already been
/// parsed by toml++ when this runs, so this only has to follow table headers,
/// `key =` lines (bare, quoted and dotted keys) and multi-line strings; a key it
/// cannot place (inside an inline table) gets the line of its nearest placed
/// parent, else 0.
struct TOMLKeyLines {
    private var lines: [String: Int] = [:]

    init(_ text: String) {
        var table: [String] = []
        var closing: Substring? = nil  // the delimiter ending the multi-line string we are in
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var s = Substring(raw)
            if let end = closing {
                guard s.contains(end) else { continue }
                closing = nil
                continue
            }
            s = Self.trimmed(s)
            if s.first == "[" {
                var rest = s.drop { $0 == "[" }
                if let path = Self.keyPath(&rest), Self.trimmed(rest).first == "]" {
                    table = path
                    let name = path.joined(separator: ".")
                    if lines[name] == nil { lines[name] = index + 1 }
                }
                continue
            }
            var rest = s
            guard let path = Self.keyPath(&rest) else { continue }
            rest = Self.trimmed(rest)
            guard rest.first == "=" else { continue }
            let key = (table + path).joined(separator: ".")
            if lines[key] == nil { lines[key] = index + 1 }
            let value = Self.trimmed(rest.dropFirst())
            for delimiter in ["\"\"\"", "'''"] where value.hasPrefix(delimiter) {
                if !value.dropFirst(3).contains(delimiter) { closing = Substring(delimiter) }
            }
        }
    }

    /// The line of `key`, or of its nearest parent with a known line, or 0.
    func line(of key: String) -> Int {
        var parts = key.split(separator: ".").map(String.init)
        while !parts.isEmpty {
            if let line = lines[parts.joined(separator: ".")] { return line }
            parts.removeLast()
        }
        return 0
    }

    /// Reads `a."b c".d` from the front of `s`: the key's parts, or nil.
    static func keyPath(_ s: inout Substring) -> [String]? {
        var parts: [String] = []
        while true {
            s = trimmed(s)
            guard let first = s.first else { return nil }
            if first == "\"" || first == "'" {
                s = s.dropFirst()
                var part = ""
                while let c = s.first, c != first {
                    s = s.dropFirst()
                    if c == "\\", first == "\"", let escaped = s.first {
                        s = s.dropFirst()
                        part.append(escaped)
                    } else {
                        part.append(c)
                    }
                }
                guard s.first == first else { return nil }
                s = s.dropFirst()
                parts.append(part)
            } else {
                let bare = s.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
                guard !bare.isEmpty else { return nil }
                s = s.dropFirst(bare.count)
                parts.append(String(bare))
            }
            s = trimmed(s)
            guard s.first == "." else { return parts }
            s = s.dropFirst()
        }
    }

    static func trimmed(_ s: Substring) -> Substring {
        var t = s
        while let f = t.first, f == " " || f == "\t" || f == "\r" { t = t.dropFirst() }
        while let l = t.last, l == " " || l == "\t" || l == "\r" { t = t.dropLast() }
        return t
    }
}
