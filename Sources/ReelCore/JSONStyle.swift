/// One naming style for every JSON Reel prints (CLI `--json`, `/v1/release`): camelCase keys
/// and numbers rounded to what they mean.
///
/// The files Reel keeps (run.json, manifests, a release's metadata) keep their snake_case
/// field names, so older files, older readers and the quality gate need no migration; what a
/// person or a program reads from the CLI and the API goes through `camelCased` once, on the
/// way out. Not a hot path (`/v1/release`, CLI output).
public enum JSONStyle {
    /// `json` with every object key camelCased (`served_mode` → `servedMode`,
    /// `model.implicit_lambda` → `model.implicitLambda`: a dotted setting name keeps its section)
    /// and every non-integer number rounded to 6 significant digits (`0.10999999999999993` → `0.11`).
    /// Input that is not well-formed JSON is copied through unchanged where it is not understood.
    ///
    /// Keys that are data, not field names, keep their spelling: the keys of an object under a
    /// key ending in `by_rule` are quality-rule names (`ts_in_future`), which the quarantine
    /// files, schemas and docs spell in snake_case; camelCasing them would give one rule two names.
    public static func camelCased(_ json: some Collection<UInt8>) -> [UInt8] {
        let bytes = Array(json)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        // Per open object or array: whether its keys are data (copied verbatim).
        var verbatim: [Bool] = []
        var lastKeyNamesData = false
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                verbatim.append(c == UInt8(ascii: "{") && lastKeyNamesData)
                lastKeyNamesData = false
                out.append(c)
                i += 1
            } else if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                _ = verbatim.popLast()
                out.append(c)
                i += 1
            } else if c == UInt8(ascii: "\"") {
                var j = i + 1
                while j < bytes.count, bytes[j] != UInt8(ascii: "\"") { j += bytes[j] == UInt8(ascii: "\\") ? 2 : 1 }
                let end = min(j, bytes.count - 1)
                var k = end + 1
                while k < bytes.count, isSpace(bytes[k]) { k += 1 }
                let isKey = k < bytes.count && bytes[k] == UInt8(ascii: ":")
                if isKey {
                    let key = bytes[(i + 1)..<end].reversed()
                    lastKeyNamesData = dataMapSuffixes.contains { key.starts(with: $0.utf8.reversed()) }
                }
                if isKey, verbatim.last != true, !bytes[(i + 1)..<end].contains(UInt8(ascii: "\\")) {
                    out.append(UInt8(ascii: "\""))
                    out += camelCase(Array(bytes[(i + 1)..<end]))
                    out.append(UInt8(ascii: "\""))
                } else {
                    out += bytes[i...end]
                }
                i = end + 1
            } else if c == UInt8(ascii: "-") || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) {
                var j = i
                var fractional = false
                while j < bytes.count, isNumberByte(bytes[j]) {
                    if bytes[j] == UInt8(ascii: ".") || bytes[j] == UInt8(ascii: "e") || bytes[j] == UInt8(ascii: "E") { fractional = true }
                    j += 1
                }
                let token = Array(bytes[i..<j])
                if fractional, let value = Double(String(decoding: token, as: UTF8.self)), value.isFinite {
                    out += Array(rounded(value).description.utf8)
                } else {
                    out += token
                }
                i = j
            } else {
                out.append(c)
                i += 1
            }
        }
        return out
    }

    /// A key ending in one of these names a map from quality-rule names (`rejected_by_rule`).
    static let dataMapSuffixes = ["by_rule", "ByRule"]

    /// `snake_case` → `camelCase`, segment by segment between dots. Hyphens stay: list names
    /// such as `trending-7d` and `implicit-als` are identifiers, not field names.
    public static func camelCase(_ key: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(key.count)
        var upperNext = false
        for b in key {
            if b == UInt8(ascii: "_") && !out.isEmpty && out.last != UInt8(ascii: ".") {
                upperNext = true
                continue
            }
            if upperNext, b >= UInt8(ascii: "a"), b <= UInt8(ascii: "z") {
                out.append(b - 32)
            } else {
                out.append(b)
            }
            upperNext = false
        }
        return out
    }

    /// `value` to 6 significant digits (printed in its shortest form by `description`).
    public static func rounded(_ value: Double) -> Double {
        guard value != 0, value.isFinite else { return value }
        var scale = 1.0
        var magnitude = abs(value)
        // Bring the magnitude into [1e5, 1e6) with exact powers of ten, then round.
        var steps = 0
        while magnitude < 1e5 && steps < 300 { magnitude *= 10; scale *= 10; steps += 1 }
        while magnitude >= 1e6 && steps > -300 { magnitude /= 10; scale /= 10; steps -= 1 }
        return (value * scale).rounded() / scale
    }

    /// `"key": <value>` JSON object text from ordered pairs of already-encoded values.
    public static func object(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    /// A JSON string literal (`JSONValue.quoted`: one escaper for all of Reel's JSON).
    public static func string(_ s: String) -> String { JSONValue.quoted(s) }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
    private static func isNumberByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
            || b == UInt8(ascii: "+") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
    }
}
