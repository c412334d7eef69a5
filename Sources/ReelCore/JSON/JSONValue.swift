/// A JSON document: object members in their written order, numbers kept as
/// their literal text (so 64-bit integers survive exactly and a number is
/// printed as it was read or written).
///
/// Reel's one JSON value type, without Foundation: the Delta log and its
/// schema strings, the gold tables' run records, the OpenAPI document (written
/// as Swift literals), a release's `meta` check. `serialized` and
/// `prettyJSON` write it, `init(parsing:)` reads it (`JSONValue+Writing`,
/// `JSONValue+Reading`). Not for the daemon's request path, which writes
/// pre-sized bytes with `RawJSONWriter`.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's literal text, as validated by the parser or produced by `int`/`double`/`decimal`.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    public typealias Member = JSONMember

    public static func int(_ v: Int64) -> JSONValue { .number(String(v)) }
    public static func int(_ v: Int) -> JSONValue { .number(String(v)) }

    /// A finite double in shortest round-trip form (non-finite values become
    /// null). Swift prints exponents as `1e-05` / `5e+20`, both valid JSON.
    public static func double(_ v: Double) -> JSONValue { v.isFinite ? .number(v.description) : .null }

    /// A float in its own shortest form ("0.1", not "0.10000000149011612").
    public static func float(_ v: Float) -> JSONValue { v.isFinite ? .number(v.description) : .null }

    /// A double as a hand-written document shows it: whole values without
    /// ".0" (`1000`, not `1000.0`), others in shortest form. Float literals
    /// (the OpenAPI document) take this form.
    public static func decimal(_ v: Double) -> JSONValue {
        guard v.isFinite else { return .null }
        if v == v.rounded(), abs(v) < 1e15 { return .number(String(Int64(v))) }
        return .number(v.description)
    }

    /// Builds an object from key/value pairs, in order.
    public static func object(_ pairs: KeyValuePairs<String, JSONValue>) -> JSONValue {
        .object(pairs.map { JSONMember($0.key, $0.value) })
    }

    /// The value under `key` of an object (the first, if repeated; nil for other kinds or a missing key).
    public subscript(key: String) -> JSONValue? {
        guard case let .object(members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    public var stringValue: String? { if case let .string(s) = self { return s }; return nil }
    public var boolValue: Bool? { if case let .bool(b) = self { return b }; return nil }
    public var int64Value: Int64? { if case let .number(n) = self { return Int64(n) }; return nil }
    public var doubleValue: Double? { if case let .number(n) = self { return Double(n) }; return nil }
    public var arrayValue: [JSONValue]? { if case let .array(a) = self { return a }; return nil }
    public var objectValue: [JSONMember]? { if case let .object(o) = self { return o }; return nil }

    /// Members of an object in order (empty for other kinds).
    public var members: [JSONMember] { objectValue ?? [] }

    /// A new object with `other`'s members appended.
    public func merging(_ other: JSONValue) -> JSONValue {
        .object(members + other.members)
    }
}

/// One `"key": value` of an object.
public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var value: JSONValue
    public init(_ key: String, _ value: JSONValue) { self.key = key; self.value = value }
    public init(key: String, value: JSONValue) { self.key = key; self.value = value }
}

/// Documents written as Swift literals (the OpenAPI document): keys in the order written.
extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .decimal(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(elements.map { JSONMember($0.0, $0.1) })
    }
    public init(nilLiteral: ()) { self = .null }
}
