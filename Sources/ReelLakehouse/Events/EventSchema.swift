/// The event schemas of `schemas/events/*.schema.json`, compiled into plain
/// values the validator checks a line against without any lookup by name.
///
/// The rules are *loaded* (see `EventSchemaSet.load(directory:)`), never
/// written twice: changing a bound in a schema file changes what ingest
/// accepts, and a keyword the validator does not implement is a load error
/// rather than a rule silently not enforced.
public struct EventSchemaSet: Sendable {
    /// The folder the schemas were read from (for messages).
    public let directory: String
    /// One compiled schema per `EventType`, indexed by `EventType.index`.
    let types: [EventTypeSchema]
    /// Rule code → rule name (`json_invalid`, `user_id_missing`, …).
    public let ruleNames: [String]
    /// Codes of the rules about `event_type` itself, which are checked before
    /// the line's schema is known.
    let eventTypeMissing: UInt16
    let eventTypeInvalid: UInt16

    init(directory: String, types: [EventTypeSchema], ruleNames: [String]) {
        self.directory = directory
        self.types = types
        self.ruleNames = ruleNames
        eventTypeMissing = UInt16(ruleNames.firstIndex(of: "event_type_missing")!)
        eventTypeInvalid = UInt16(ruleNames.firstIndex(of: "event_type_invalid")!)
    }

    /// The compiled schema of one type.
    public func schema(_ type: EventType) -> EventTypeSchema { types[type.index] }

    /// The name of a rule code as it appears in quarantine files and reports.
    public func ruleName(_ code: UInt16) -> String {
        Int(code) < ruleNames.count ? ruleNames[Int(code)] : "rule_\(code)"
    }
}

/// Rule codes every schema set shares; field rules follow them.
enum EventRuleCode {
    static let jsonInvalid: UInt16 = 0
    static let propertyUnknown: UInt16 = 1
    static let eventTypeMismatch: UInt16 = 2
    static let fixedNames = ["json_invalid", "property_unknown", "event_type_mismatch"]
}

/// The compiled schema of one event type.
public struct EventTypeSchema: Sendable {
    public let type: EventType
    /// The schema file it came from.
    public let source: String
    /// Properties in check order: the schema's `required` list first, in its
    /// order, then optional properties by name.
    public let fields: [EventFieldRule]
    /// `additionalProperties`: false rejects any other key as `property_unknown`.
    public let additionalProperties: Bool
}

/// A JSON type as a bit, so a field may allow several (`"type": ["integer", "null"]`).
public struct JSONTypeSet: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let string = JSONTypeSet(rawValue: 1)
    public static let integer = JSONTypeSet(rawValue: 2)
    public static let number = JSONTypeSet(rawValue: 4)
    public static let boolean = JSONTypeSet(rawValue: 8)
    public static let null = JSONTypeSet(rawValue: 16)
}

/// A literal from `const` or `enum`.
public enum JSONConstant: Sendable, Equatable {
    case string([UInt8])
    case number(Double)
    case bool(Bool)
    case null
}

/// String formats the validator implements.
public enum EventFieldFormat: String, Sendable {
    /// 8-4-4-4-12 hexadecimal digits, either case.
    case uuid
    /// RFC 3339 in UTC: `YYYY-MM-DDTHH:MM:SSZ` with an optional `.f`, `.ff`
    /// or `.fff` fraction; upper-case `T` and `Z`; no offsets, no leap second.
    case dateTime = "date-time"
}

/// What ingest extracts from a field into an `EventRecord`. Roles are fixed by
/// the contract's field names; their *rules* still come from the schema.
public enum EventFieldRole: Sendable {
    case none, eventID, eventType, user, movie, time, rating
}

/// One property of an event schema with every keyword the validator checks.
public struct EventFieldRule: Sendable {
    public let name: String
    let nameBytes: [UInt8]
    public let required: Bool
    /// Empty means any type (a field constrained only by `const`/`enum`).
    public let types: JSONTypeSet
    public let constant: JSONConstant?
    public let enumValues: [JSONConstant]?
    public let minimum: Double?
    public let maximum: Double?
    public let exclusiveMinimum: Double?
    public let exclusiveMaximum: Double?
    public let multipleOf: Double?
    public let minLength: Int?
    public let maxLength: Int?
    public let format: EventFieldFormat?
    public let role: EventFieldRole
    /// Rule codes for `<name>_missing` and `<name>_invalid`.
    let missingRule: UInt16
    let invalidRule: UInt16
}
