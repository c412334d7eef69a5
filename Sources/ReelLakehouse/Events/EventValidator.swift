/// An accepted event, reduced to what the nightly job uses. 40 bytes, no
/// references, so millions of them sit in one contiguous array.
public struct EventRecord: Sendable, Equatable {
    /// The 128 bits of `event_id` (the deduplication key).
    public var idHigh: UInt64
    public var idLow: UInt64
    /// `ts` as Unix seconds (UTC) and its milliseconds.
    public var seconds: Int64
    public var user: Int32
    public var movie: Int32
    /// The rating value (rating events only; 0 otherwise).
    public var rating: Float
    public var millis: Int16
    public var type: EventType

    /// Days since 1970-01-01 (UTC) of `ts`: the partition the event belongs to.
    @inlinable
    public var day: Int64 {
        seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    }
}

/// What validating one line gave.
enum ValidationOutcome {
    case accepted(EventRecord)
    /// The first rule the line breaks, and its type when that could be told
    /// (from the line's `event_type` or the file's type).
    case rejected(rule: UInt16, type: EventType?)
}

/// Checks one NDJSON line against the compiled schemas.
///
/// Order (the first rule broken is the one reported):
/// 1. `json_invalid` — not exactly one JSON object, or a key repeated;
/// 2. `event_type_missing` / `event_type_invalid` (not a known type) /
///    `event_type_mismatch` (a known type other than the file's);
/// 3. `property_unknown` — a key the type's schema does not define
///    (when `additionalProperties` is false);
/// 4. each property in schema order (`required` order first):
///    `<field>_missing`, then `<field>_invalid` for a wrong type, `const`,
///    `enum`, bound, `multipleOf`, length or format.
///
/// A value type with no class references: each worker thread owns a `Scratch`
/// and the validator itself is shared read-only.
struct EventValidator: Sendable {
    let schemas: EventSchemaSet
    private let typeNames: [[UInt8]]
    private static let eventTypeKey = Array("event_type".utf8)

    init(schemas: EventSchemaSet) {
        self.schemas = schemas
        typeNames = EventType.allCases.map { Array($0.rawValue.utf8) }
    }

    /// Per-thread reusable buffers, so validating a line allocates nothing.
    struct Scratch {
        var members: [JSONMember] = []
        var decoded: [UInt8] = []
        var memberOfField: [Int] = []
        init() {
            members.reserveCapacity(16)
            decoded.reserveCapacity(256)
            memberOfField.reserveCapacity(16)
        }
    }

    func validate(_ line: UnsafeRawBufferPointer, fileType: EventType?, scratch: inout Scratch) -> ValidationOutcome {
        guard let raw = line.baseAddress, line.count > 0 else {
            return .rejected(rule: EventRuleCode.jsonInvalid, type: fileType)
        }
        let p = raw.assumingMemoryBound(to: UInt8.self)
        guard FlatJSONScanner.scan(p, line.count, into: &scratch.members) else {
            return .rejected(rule: EventRuleCode.jsonInvalid, type: fileType)
        }
        var anyEscapedKey = false
        for m in scratch.members where m.keyEscaped { anyEscapedKey = true; break }
        if !anyEscapedKey {
            return check(p, keys: p, fileType: fileType, scratch: &scratch)
        }
        // Rare: a key written with escapes. Decode every key once and point
        // the members at the decoded copy.
        var keyStore: [UInt8] = []
        for j in scratch.members.indices {
            let m = scratch.members[j]
            let start = keyStore.count
            if m.keyEscaped {
                FlatJSONScanner.decode(p, m.keyStart, m.keyEnd, into: &scratch.decoded)
                keyStore.append(contentsOf: scratch.decoded)
            } else {
                keyStore.append(contentsOf: UnsafeBufferPointer(start: p + m.keyStart, count: m.keyEnd - m.keyStart))
            }
            scratch.members[j].keyStart = start
            scratch.members[j].keyEnd = keyStore.count
        }
        keyStore.append(0)  // never empty, so the base address exists
        return keyStore.withUnsafeBufferPointer { keys in
            check(p, keys: keys.baseAddress!, fileType: fileType, scratch: &scratch)
        }
    }

    /// `keys` is the base the members' key offsets refer to (the line itself,
    /// or a decoded copy).
    private func check(_ p: UnsafePointer<UInt8>, keys: UnsafePointer<UInt8>, fileType: EventType?,
                       scratch: inout Scratch) -> ValidationOutcome {
        let count = scratch.members.count
        // 1. Repeated keys make the object ambiguous.
        if count > 1 {
            for a in 0..<count - 1 {
                let ma = scratch.members[a]
                for b in a + 1..<count {
                    let mb = scratch.members[b]
                    if Self.equal(keys, ma.keyStart, ma.keyEnd, keys + mb.keyStart, mb.keyEnd - mb.keyStart) {
                        return .rejected(rule: EventRuleCode.jsonInvalid, type: fileType)
                    }
                }
            }
        }
        // 2. Which schema applies.
        var typeMember = -1
        for j in 0..<count {
            let m = scratch.members[j]
            if Self.equal(keys, m.keyStart, m.keyEnd, Self.eventTypeKey) { typeMember = j; break }
        }
        guard typeMember >= 0 else { return .rejected(rule: schemas.eventTypeMissing, type: fileType) }
        let tm = scratch.members[typeMember]
        var lineType: EventType?
        if tm.kind == .string {
            if tm.valueEscaped {
                FlatJSONScanner.decode(p, tm.valueStart, tm.valueEnd, into: &scratch.decoded)
                lineType = scratch.decoded.withUnsafeBufferPointer { d in
                    typeNames.firstIndex { Self.equal(d.baseAddress ?? p, 0, d.count, $0) }.flatMap { EventType(index: $0) }
                }
            } else {
                lineType = typeNames.firstIndex { Self.equal(p, tm.valueStart, tm.valueEnd, $0) }.flatMap { EventType(index: $0) }
            }
        }
        guard let type = lineType else { return .rejected(rule: schemas.eventTypeInvalid, type: fileType) }
        if let fileType, fileType != type { return .rejected(rule: EventRuleCode.eventTypeMismatch, type: fileType) }
        let schema = schemas.types[type.index]
        let fields = schema.fields
        // 3. Every key must be a property of the schema.
        scratch.memberOfField.removeAll(keepingCapacity: true)
        for _ in 0..<fields.count { scratch.memberOfField.append(-1) }
        for j in 0..<count {
            let m = scratch.members[j]
            var found = -1
            for f in 0..<fields.count where Self.equal(keys, m.keyStart, m.keyEnd, fields[f].nameBytes) {
                found = f
                break
            }
            if found >= 0 { scratch.memberOfField[found] = j }
            else if !schema.additionalProperties { return .rejected(rule: EventRuleCode.propertyUnknown, type: type) }
        }
        // 4. Each property, in schema order.
        var record = EventRecord(idHigh: 0, idLow: 0, seconds: 0, user: 0, movie: 0, rating: 0, millis: 0, type: type)
        for f in 0..<fields.count {
            let field = fields[f]
            let j = scratch.memberOfField[f]
            if j < 0 {
                if field.required { return .rejected(rule: field.missingRule, type: type) }
                continue
            }
            guard checkValue(field, scratch.members[j], p, &scratch, &record) else {
                return .rejected(rule: field.invalidRule, type: type)
            }
        }
        return .accepted(record)
    }

    private func checkValue(_ f: EventFieldRule, _ m: JSONMember, _ p: UnsafePointer<UInt8>,
                            _ scratch: inout Scratch, _ record: inout EventRecord) -> Bool {
        switch m.kind {
        case .string:
            guard f.types.isEmpty || f.types.contains(.string) else { return false }
            if !m.valueEscaped { return Self.checkString(f, p, m.valueStart, m.valueEnd, &record) }
            FlatJSONScanner.decode(p, m.valueStart, m.valueEnd, into: &scratch.decoded)
            return scratch.decoded.withUnsafeBufferPointer { d in
                Self.checkString(f, d.baseAddress ?? p, 0, d.count, &record)
            }
        case .number:
            let v = EventFieldParsers.number(p, m.valueStart, m.valueEnd)
            return Self.checkNumber(f, v, &record)
        case .trueLiteral, .falseLiteral:
            guard f.types.isEmpty || f.types.contains(.boolean) else { return false }
            return Self.matchesLiterals(f, .bool(m.kind == .trueLiteral))
        case .null:
            guard f.types.isEmpty || f.types.contains(.null) else { return false }
            return Self.matchesLiterals(f, .null)
        case .object, .array:
            // No schema type admits them; only an untyped field without const/enum does.
            return f.types.isEmpty && f.constant == nil && f.enumValues == nil
        }
    }

    private static func matchesLiterals(_ f: EventFieldRule, _ value: JSONConstant) -> Bool {
        if let c = f.constant, c != value { return false }
        if let e = f.enumValues, !e.contains(value) { return false }
        return true
    }

    @inline(__always)
    private static func checkString(_ f: EventFieldRule, _ q: UnsafePointer<UInt8>, _ a: Int, _ b: Int,
                                    _ record: inout EventRecord) -> Bool {
        if let c = f.constant {
            guard case .string(let bytes) = c, equal(q, a, b, bytes) else { return false }
        }
        if let values = f.enumValues {
            var hit = false
            for v in values { if case .string(let bytes) = v, equal(q, a, b, bytes) { hit = true; break } }
            guard hit else { return false }
        }
        if f.minLength != nil || f.maxLength != nil {
            let length = FlatJSONScanner.codePoints(q, a, b)
            if let lo = f.minLength, length < lo { return false }
            if let hi = f.maxLength, length > hi { return false }
        }
        switch f.format {
        case .uuid?:
            guard let id = EventFieldParsers.uuid(q, a, b) else { return false }
            if f.role == .eventID { record.idHigh = id.high; record.idLow = id.low }
        case .dateTime?:
            guard let t = EventFieldParsers.dateTime(q, a, b) else { return false }
            if f.role == .time { record.seconds = t.seconds; record.millis = t.millis }
        case nil:
            break
        }
        return true
    }

    @inline(__always)
    private static func checkNumber(_ f: EventFieldRule, _ v: Double, _ record: inout EventRecord) -> Bool {
        guard v.isFinite else { return false }
        if !f.types.isEmpty {
            let integral = v.rounded(.towardZero) == v
            guard f.types.contains(.number) || (f.types.contains(.integer) && integral) else { return false }
        }
        if f.constant != nil || f.enumValues != nil {
            guard matchesLiterals(f, .number(v)) else { return false }
        }
        if let lo = f.minimum, v < lo { return false }
        if let hi = f.maximum, v > hi { return false }
        if let lo = f.exclusiveMinimum, v <= lo { return false }
        if let hi = f.exclusiveMaximum, v >= hi { return false }
        if let m = f.multipleOf {
            let q = v / m
            guard q.isFinite, abs(q - q.rounded()) <= 1e-9 * max(1, abs(q)) else { return false }
        }
        switch f.role {
        case .user:
            guard let id = Int32(exactly: v) else { return false }
            record.user = id
        case .movie:
            guard let id = Int32(exactly: v) else { return false }
            record.movie = id
        case .rating:
            record.rating = Float(v)
        default:
            break
        }
        return true
    }

    @inline(__always)
    static func equal(_ p: UnsafePointer<UInt8>, _ a: Int, _ b: Int, _ bytes: [UInt8]) -> Bool {
        guard b - a == bytes.count else { return false }
        return bytes.withUnsafeBufferPointer { equal(p, a, b, $0.baseAddress ?? p, $0.count) }
    }

    @inline(__always)
    static func equal(_ p: UnsafePointer<UInt8>, _ a: Int, _ b: Int, _ other: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        guard b - a == n else { return false }
        return n == 0 || memcmp(p + a, other, n) == 0
    }
}

#if canImport(Glibc)
import Glibc
#endif
