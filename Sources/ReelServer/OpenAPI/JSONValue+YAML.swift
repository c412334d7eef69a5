import ReelCore

/// The OpenAPI document's second rendering, `docs/openapi.yaml` (the first is
/// `prettyJSON`, served at `/openapi.json`): the JSON value type itself is
/// ReelCore's.
extension JSONValue {
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
        case .number(let n): out += " " + n + "\n"
        case .string(let s): out += " " + Self.yamlScalar(s) + "\n"
        }
    }

    /// A string as a YAML scalar: plain when it is made of safe characters and
    /// cannot be read as another type, else double-quoted.
    private static func yamlScalar(_ s: String) -> String {
        let reserved: Set<String> = ["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"]
        guard let first = s.unicodeScalars.first,
            first.properties.isAlphabetic || first == "/" || first == "_",
            !reserved.contains(s.lowercased()),
            s.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || "0123456789_-./{}() ,'".unicodeScalars.contains($0) }),
            !s.hasSuffix(" "), !s.contains(" #")
        else { return JSONValue.quoted(s) }
        return s
    }
}
