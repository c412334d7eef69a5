/// A value in a TOML document (the subset Reel's configuration uses).
public enum TOMLValue: Equatable, Sendable, CustomStringConvertible {
    case string(String)
    case integer(Int64)
    case float(Double)
    case boolean(Bool)
    case array([TOMLValue])

    public var description: String {
        switch self {
        case .string(let s): return "\"" + s.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
        case .integer(let i): return String(i)
        case .float(let d): return String(d)
        case .boolean(let b): return b ? "true" : "false"
        case .array(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        }
    }
}

/// A parser for the TOML subset that `pipeline/reel.toml` uses: `[table]` and
/// `[table.sub]` headers, `key = value` with basic strings, literal strings,
/// integers (with `_`), floats, booleans and one-line arrays of those, and
/// `#` comments. Anything else is an error naming the line, so a typo never
/// silently becomes a default. (TOMLKit would bring C++ toml++ and a package
/// that does not resolve here; this subset is all the config needs.)
public enum TOML {
    /// Parses `text` into dotted keys (`model.rank`) → values, in file order.
    public static func parse(_ text: String, file: String) throws -> [(key: String, value: TOMLValue, line: Int)] {
        var result: [(String, TOMLValue, Int)] = []
        var seen = Set<String>()
        var table = ""
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            func fail(_ why: String) -> ReelError {
                ReelError(.usage, "\(file):\(lineNumber): \(why)")
            }
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            line = trimmed(stripComment(line))
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), !line.hasPrefix("[[") else { throw fail("malformed table header \(line)") }
                let name = trimmed(line.dropFirst().dropLast())
                guard !name.isEmpty, name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isBareKey) else {
                    throw fail("malformed table name '\(name)'")
                }
                table = String(name)
                continue
            }
            guard let eq = line.firstIndex(of: "=") else { throw fail("expected `key = value`, got \(line)") }
            let key = trimmed(line[..<eq])
            guard isBareKey(key) else { throw fail("malformed key '\(key)'") }
            let fullKey = table.isEmpty ? String(key) : table + "." + key
            guard !seen.contains(fullKey) else { throw fail("key '\(fullKey)' is defined twice") }
            seen.insert(fullKey)
            var rest = trimmed(line[line.index(after: eq)...])
            let value = try parseValue(&rest, fail)
            guard trimmed(rest).isEmpty else { throw fail("unexpected text after the value of '\(fullKey)': \(rest)") }
            result.append((fullKey, value, lineNumber))
        }
        return result
    }

    static func parseValue(_ s: inout Substring, _ fail: (String) -> ReelError) throws -> TOMLValue {
        s = trimmed(s)
        guard let first = s.first else { throw fail("missing value") }
        if first == "\"" || first == "'" {
            s = s.dropFirst()
            var out = ""
            while let c = s.first {
                s = s.dropFirst()
                if c == first { return .string(out) }
                if c == "\\" && first == "\"" {
                    guard let e = s.first else { break }
                    s = s.dropFirst()
                    switch e {
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    case "\\": out.append("\\")
                    case "\"": out.append("\"")
                    default: throw fail("unsupported escape \\\(e)")
                    }
                } else {
                    out.append(c)
                }
            }
            throw fail("unterminated string")
        }
        if first == "[" {
            s = s.dropFirst()
            var items: [TOMLValue] = []
            while true {
                s = trimmed(s)
                if s.first == "]" { s = s.dropFirst(); return .array(items) }
                items.append(try parseValue(&s, fail))
                s = trimmed(s)
                if s.first == "," { s = s.dropFirst(); continue }
                if s.first == "]" { s = s.dropFirst(); return .array(items) }
                throw fail("expected , or ] in array")
            }
        }
        let end = s.firstIndex { $0 == "," || $0 == "]" || $0 == " " || $0 == "\t" } ?? s.endIndex
        let token = String(s[..<end])
        s = s[end...]
        if token == "true" { return .boolean(true) }
        if token == "false" { return .boolean(false) }
        let digits = token.filter { $0 != "_" }
        if let i = Int64(digits) { return .integer(i) }
        if let d = Double(digits), digits.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return .float(d) }
        throw fail("cannot read value '\(token)' (strings need quotes)")
    }

    static func stripComment(_ line: Substring) -> Substring {
        var quote: Character? = nil
        var escaped = false
        for i in line.indices {
            let c = line[i]
            if escaped { escaped = false; continue }
            if let q = quote {
                if c == "\\" && q == "\"" { escaped = true } else if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "#" {
                return line[..<i]
            }
        }
        return line
    }

    static func trimmed(_ s: Substring) -> Substring {
        var t = s
        while let f = t.first, f == " " || f == "\t" { t = t.dropFirst() }
        while let l = t.last, l == " " || l == "\t" { t = t.dropLast() }
        return t
    }

    static func isBareKey(_ s: Substring) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }
}
