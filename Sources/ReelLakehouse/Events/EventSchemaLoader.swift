import ReelCore

/// Reads `schemas/events/<type>_event.schema.json` (JSON Schema 2020-12) and
/// compiles the keywords the flat events use into an `EventSchemaSet`.
///
/// Parsed with ReelCore's `JSONValue` (once per process, off the hot path).
/// Annotations (`title`, `description`, `$id`, `$comment`, `examples`) are
/// not rules; every other keyword must be one the validator implements, or
/// loading fails naming the file, property and keyword — so a rule added to a
/// schema can never be silently unenforced. Each `examples` entry is run
/// through the compiled validator and must pass, which keeps the examples,
/// the schema and the code from drifting apart.
extension EventSchemaSet {
    static let annotationKeywords: Set<String> = ["$schema", "$id", "$comment", "title", "description", "examples", "default"]
    static let objectKeywords: Set<String> = ["type", "properties", "required", "additionalProperties"]
    static let propertyKeywords: Set<String> = [
        "type", "const", "enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "multipleOf", "minLength", "maxLength", "format",
    ]

    /// Loads and compiles the three schema files of `directory` (the folder
    /// holding `view_event.schema.json`, `click_event.schema.json`, `rating_event.schema.json`).
    public static func load(directory: String) throws -> EventSchemaSet {
        var ruleNames = EventRuleCode.fixedNames
        var known: [String: UInt16] = [:]
        func codes(for field: String) -> (UInt16, UInt16) {
            if let missing = known[field] { return (missing, missing + 1) }
            let missing = UInt16(ruleNames.count)
            ruleNames.append("\(field)_missing")
            ruleNames.append("\(field)_invalid")
            known[field] = missing
            return (missing, missing + 1)
        }
        var compiled: [EventTypeSchema] = []
        var examples: [(EventType, String, [UInt8])] = []
        for type in EventType.allCases {
            let path = Path.join(directory, type.schemaFileName)
            let root = try parse(path)
            compiled.append(try compile(root, type: type, path: path, codes: codes(for:)))
            if case .array(let list)? = root["examples"] {
                for example in list { examples.append((type, path, Array(example.serialized.utf8))) }
            }
        }
        let set = EventSchemaSet(directory: directory, types: compiled, ruleNames: ruleNames)
        // The examples must pass the compiled rules.
        let validator = EventValidator(schemas: set)
        var scratch = EventValidator.Scratch()
        for (type, path, bytes) in examples {
            let outcome = bytes.withUnsafeBytes { validator.validate($0, fileType: type, scratch: &scratch) }
            if case .rejected(let rule, _) = outcome {
                throw ReelError(
                    .invalidInput, "\(path): an example breaks the schema's own rule \(set.ruleName(rule)): \(String(decoding: bytes, as: UTF8.self))"
                )
            }
        }
        return set
    }

    /// Finds the schemas with `EventSchemaLocator` and loads them.
    public static func locate(home: ReelHome) throws -> EventSchemaSet {
        try load(directory: EventSchemaLocator.find(home: home))
    }

    private static func parse(_ path: String) throws -> JSONValue {
        let bytes: [UInt8]
        do { bytes = try FileSystem.readBytes(path) } catch let error as ReelError {
            throw ReelError(error.kind == .notFound ? .notFound : .io, "event schema missing or unreadable: \(error.message)")
        }
        do {
            return try JSONValue(parsing: bytes)
        } catch {
            throw ReelError(.invalidInput, "\(path): not valid JSON (\(error))")
        }
    }

    /// An object's members by name (the last wins if one is repeated).
    private static func byName(_ members: [JSONValue.Member]) -> [String: JSONValue] {
        Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    private static func compile(
        _ root: JSONValue, type: EventType, path: String,
        codes: (String) -> (UInt16, UInt16)
    ) throws -> EventTypeSchema {
        func fail(_ why: String) -> ReelError { ReelError(.invalidInput, "\(path): \(why)") }
        guard case .object(let topMembers) = root else { throw fail("the schema is not a JSON object") }
        let top = byName(topMembers)
        for key in top.keys where !annotationKeywords.contains(key) && !objectKeywords.contains(key) {
            throw fail(
                "unsupported keyword '\(key)' at the top level (the event validator implements \(objectKeywords.sorted().joined(separator: ", ")))")
        }
        guard case .string("object")? = top["type"] else { throw fail("\"type\" must be \"object\"") }
        guard case .object(let propertyMembers)? = top["properties"] else { throw fail("\"properties\" is missing") }
        let properties = byName(propertyMembers)
        var required: [String] = []
        if let value = top["required"] {
            guard case .array(let list) = value else { throw fail("\"required\" must be an array of names") }
            for item in list {
                guard case .string(let name) = item, properties[name] != nil else {
                    throw fail("\"required\" names \(item), which is not among the properties")
                }
                if !required.contains(name) { required.append(name) }
            }
        }
        var additional = true
        if let value = top["additionalProperties"] {
            guard case .bool(let b) = value else { throw fail("\"additionalProperties\" must be true or false") }
            additional = b
        }
        let order = required + properties.keys.filter { !required.contains($0) }.sorted()
        var fields: [EventFieldRule] = []
        for name in order {
            let rule = try compileField(
                name, properties[name]!, required: required.contains(name),
                codes: codes(name), fail: { fail("property '\(name)': \($0)") })
            fields.append(rule)
        }
        try checkRoles(fields, type: type, fail: fail)
        return EventTypeSchema(type: type, source: path, fields: fields, additionalProperties: additional)
    }

    private static func compileField(
        _ name: String, _ value: JSONValue, required: Bool,
        codes: (UInt16, UInt16), fail: (String) -> ReelError
    ) throws -> EventFieldRule {
        guard case .object(let specMembers) = value else { throw fail("must be a schema object") }
        let spec = byName(specMembers)
        for key in spec.keys where !annotationKeywords.contains(key) && !propertyKeywords.contains(key) {
            throw fail("unsupported keyword '\(key)' (the event validator implements \(propertyKeywords.sorted().joined(separator: ", ")))")
        }
        var types: JSONTypeSet = []
        if let t = spec["type"] {
            let names: [JSONValue]
            if case .array(let list) = t { names = list } else { names = [t] }
            for n in names {
                switch n {
                case .string("string"): types.insert(.string)
                case .string("integer"): types.insert(.integer)
                case .string("number"): types.insert(.number)
                case .string("boolean"): types.insert(.boolean)
                case .string("null"): types.insert(.null)
                default: throw fail("unsupported type \(n) (flat events hold strings, integers, numbers, booleans and null)")
                }
            }
        }
        func number(_ key: String) throws -> Double? {
            guard let v = spec[key] else { return nil }
            guard let d = v.doubleValue, d.isFinite else { throw fail("\"\(key)\" must be a number") }
            return d
        }
        func count(_ key: String) throws -> Int? {
            guard let d = try number(key) else { return nil }
            guard d >= 0, d == d.rounded(), d < 1e9 else { throw fail("\"\(key)\" must be a non-negative integer") }
            return Int(d)
        }
        func constant(_ v: JSONValue) throws -> JSONConstant {
            switch v {
            case .string(let s): return .string(Array(s.utf8))
            case .number(let text): return .number(Double(text) ?? .nan)
            case .bool(let b): return .bool(b)
            case .null: return .null
            default: throw fail("const/enum values must be strings, numbers, booleans or null")
            }
        }
        var enumValues: [JSONConstant]?
        if let e = spec["enum"] {
            guard case .array(let list) = e, !list.isEmpty else { throw fail("\"enum\" must be a non-empty array") }
            enumValues = try list.map(constant)
        }
        var format: EventFieldFormat?
        if let f = spec["format"] {
            guard case .string(let s) = f, let known = EventFieldFormat(rawValue: s) else {
                throw fail("unsupported format \(f) (the event validator implements uuid and date-time)")
            }
            format = known
        }
        let multipleOf = try number("multipleOf")
        if let m = multipleOf, m <= 0 { throw fail("\"multipleOf\" must be greater than 0") }
        return EventFieldRule(
            name: name, nameBytes: Array(name.utf8), required: required, types: types,
            constant: try spec["const"].map(constant), enumValues: enumValues,
            minimum: try number("minimum"), maximum: try number("maximum"),
            exclusiveMinimum: try number("exclusiveMinimum"), exclusiveMaximum: try number("exclusiveMaximum"),
            multipleOf: multipleOf, minLength: try count("minLength"), maxLength: try count("maxLength"),
            format: format, role: role(of: name), missingRule: codes.0, invalidRule: codes.1)
    }

    /// The contract's field names that ingest extracts.
    static func role(of name: String) -> EventFieldRole {
        switch name {
        case "event_id": return .eventID
        case "event_type": return .eventType
        case "user_id": return .user
        case "movie_id": return .movie
        case "ts": return .time
        case "rating": return .rating
        default: return .none
        }
    }

    /// Ingest relies on a few facts about the role fields (an id to dedupe on,
    /// ids that fit Int32, a time, the rating value); a schema that would let
    /// a value through that ingest cannot store is refused here.
    private static func checkRoles(_ fields: [EventFieldRule], type: EventType, fail: (String) -> ReelError) throws {
        func field(_ name: String) throws -> EventFieldRule {
            guard let f = fields.first(where: { $0.name == name }), f.required else {
                throw fail("'\(name)' must be a required property (ingest relies on it)")
            }
            return f
        }
        let id = try field("event_id")
        guard id.format == .uuid, id.types == .string else { throw fail("'event_id' must be a string with format uuid (the deduplication key)") }
        let et = try field("event_type")
        guard et.constant == .string(Array(type.rawValue.utf8)) else {
            throw fail("'event_type' must have \"const\": \"\(type.rawValue)\"")
        }
        for name in ["user_id", "movie_id"] {
            let f = try field(name)
            guard f.types == .integer, let lo = f.minimum, let hi = f.maximum,
                lo >= Double(Int32.min), hi <= Double(Int32.max)
            else {
                throw fail("'\(name)' must be an integer with minimum and maximum inside 32 bits (ingest stores it as Int32)")
            }
        }
        let ts = try field("ts")
        guard ts.format == .dateTime, ts.types == .string else { throw fail("'ts' must be a string with format date-time") }
        if type == .rating {
            let r = try field("rating")
            guard r.types == .number || r.types == .integer, r.minimum != nil, r.maximum != nil else {
                throw fail("'rating' must be a number with a minimum and a maximum")
            }
        }
    }
}
