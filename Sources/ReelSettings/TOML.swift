import ReelCore
internal import TOMLKit

/// A value in a TOML document (the kinds Reel's configuration uses).
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

/// Reads `pipeline/reel.toml` with TOMLKit (toml++, the full TOML 1.0), so the
/// file can use any TOML its readers know: dotted keys, inline tables,
/// multi-line strings. A syntax error names the file, line and column toml++
/// reports. Dates and times, which no setting takes, are errors naming the key.
public enum TOML {
    /// Parses `text` into dotted keys (`model.rank`) → values, in file order,
    /// each with the line it is defined on (`TOMLKeyLines`).
    public static func parse(_ text: String, file: String) throws -> [(key: String, value: TOMLValue, line: Int)] {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            // toml++ says "Error while parsing value: could not determine value type"; the
            // line already starts with "error:", and the usual cause deserves a hint.
            var why = e.description
            if why.hasPrefix("Error while parsing ") { why = "malformed " + why.dropFirst(20) }
            if why.contains("could not determine value type") { why += " (strings need quotes)" }
            throw ReelError(.usage, "\(file):\(e.source.begin.line):\(e.source.begin.column): \(why)")
        }
        var leaves: [(key: String, value: TOMLKit.TOMLValue)] = []
        flatten(table, prefix: "", into: &leaves)
        let lines = TOMLKeyLines(text)
        var result: [(key: String, value: TOMLValue, line: Int)] = []
        for leaf in leaves {
            let line = lines.line(of: leaf.key)
            guard let value = convert(leaf.value) else {
                throw ReelError(
                    .usage,
                    "\(file):\(line): '\(leaf.key)' holds a \(leaf.value.type); Reel's settings take strings, numbers, booleans and arrays of those")
            }
            result.append((leaf.key, value, line))
        }
        // toml++ keeps a table's keys sorted; report in file order so the first
        // bad value in the file is the one an error names.
        return result.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
    }

    static func flatten(_ table: TOMLTable, prefix: String, into out: inout [(key: String, value: TOMLKit.TOMLValue)]) {
        for key in table.keys {
            guard let value = table[key]?.tomlValue else { continue }
            let full = prefix.isEmpty ? key : prefix + "." + key
            if let sub = value.table {
                flatten(sub, prefix: full, into: &out)
            } else {
                out.append((full, value))
            }
        }
    }

    static func convert(_ v: TOMLKit.TOMLValue) -> TOMLValue? {
        switch v.type {
        case .string: return v.string.map(TOMLValue.string)
        case .int: return v.int.map { .integer(Int64($0)) }
        case .double: return v.double.map(TOMLValue.float)
        case .bool: return v.bool.map(TOMLValue.boolean)
        case .array:
            guard let array = v.array else { return nil }
            var items: [TOMLValue] = []
            for item in array {
                guard let converted = convert(item.tomlValue) else { return nil }
                items.append(converted)
            }
            return .array(items)
        case .table, .date, .time, .dateTime: return nil
        }
    }
}
