import ReelCore

/// A JSON document written as Swift literals, keys kept in the order written.
///
/// The OpenAPI document is one of these, so the served `/openapi.json` and
/// the checked-in `docs/openapi.yaml` are two renderings of one source.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([Member])

    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONValue
    }

    /// The value under `key` of an object (nil for other kinds or a missing key).
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// Members of an object in order (empty for other kinds).
    public var members: [Member] {
        if case .object(let members) = self { return members }
        return []
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var arrayValue: [JSONValue] {
        if case .array(let a) = self { return a }
        return []
    }

    /// A new object with `other`'s members appended.
    func merging(_ other: JSONValue) -> JSONValue {
        .object(members + other.members)
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(elements.map { Member(key: $0.0, value: $0.1) })
    }
    public init(nilLiteral: ()) { self = .null }
}

// MARK: - Rendering

extension JSONValue {
    /// Pretty-printed JSON, two-space indent, keys in document order.
    public var json: String {
        var out = ""
        writeJSON(into: &out, indent: "")
        out.append("\n")
        return out
    }

    private func writeJSON(into out: inout String, indent: String) {
        let inner = indent + "  "
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += Self.number(n)
        case .string(let s): out += Self.quoted(s)
        case .array(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += inner
                item.writeJSON(into: &out, indent: inner)
                out += i + 1 < items.count ? ",\n" : "\n"
            }
            out += indent + "]"
        case .object(let members):
            guard !members.isEmpty else { out += "{}"; return }
            out += "{\n"
            for (i, member) in members.enumerated() {
                out += inner + Self.quoted(member.key) + ": "
                member.value.writeJSON(into: &out, indent: inner)
                out += i + 1 < members.count ? ",\n" : "\n"
            }
            out += indent + "}"
        }
    }

    /// Block-style YAML 1.2: plain scalars where unambiguous, JSON-style
    /// double quotes otherwise (so every YAML parser reads back the same values).
    public var yaml: String {
        var out = ""
        writeYAML(into: &out, indent: "")
        return out
    }

    private func writeYAML(into out: inout String, indent: String) {
        switch self {
        case .array(let items):
            for item in items {
                out += indent + "-"
                item.writeYAMLValue(into: &out, indent: indent + "  ", inline: true)
            }
        case .object(let members):
            for member in members {
                out += indent + Self.yamlScalar(member.key) + ":"
                member.value.writeYAMLValue(into: &out, indent: indent + "  ", inline: false)
            }
        default:
            writeYAMLValue(into: &out, indent: indent, inline: false)
        }
    }

    /// Writes the value after `key:` or `-`. In a list item (`inline`) the
    /// first member of an object goes on the dash's line.
    private func writeYAMLValue(into out: inout String, indent: String, inline: Bool) {
        switch self {
        case .array(let items) where !items.isEmpty:
            out += "\n"
            writeYAML(into: &out, indent: indent)
        case .object(let members) where !members.isEmpty:
            if inline {
                var rest = ""
                writeYAML(into: &rest, indent: indent)
                out += " " + rest.dropFirst(indent.count)
            } else {
                out += "\n"
                writeYAML(into: &out, indent: indent)
            }
        case .array: out += " []\n"
        case .object: out += " {}\n"
        case .null: out += " null\n"
        case .bool(let b): out += b ? " true\n" : " false\n"
        case .number(let n): out += " " + Self.number(n) + "\n"
        case .string(let s): out += " " + Self.yamlScalar(s) + "\n"
        }
    }

    private static func number(_ n: Double) -> String {
        if n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
        return "\(n)"
    }

    static func quoted(_ s: String) -> String { JSONStyle.string(s) }

    /// A string as a YAML scalar: plain when it is made of safe characters and
    /// cannot be read as another type, else double-quoted.
    private static func yamlScalar(_ s: String) -> String {
        let reserved: Set<String> = ["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"]
        guard let first = s.unicodeScalars.first,
              first.properties.isAlphabetic || first == "/" || first == "_",
              !reserved.contains(s.lowercased()),
              s.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || "0123456789_-./{}() ,'".unicodeScalars.contains($0) }),
              !s.hasSuffix(" "), !s.contains(" #")
        else { return quoted(s) }
        return s
    }
}
