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
/// The validator is shared read-only by the worker threads (its rules live in
/// an immutable `EventRuleTable`); each worker owns a `Scratch`.
struct EventValidator: Sendable {
    let schemas: EventSchemaSet
    let table: EventRuleTable

    init(schemas: EventSchemaSet) {
        self.schemas = schemas
        table = EventRuleTable(schemas)
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

    typealias Field = EventRuleTable.Field
    typealias Role = EventRuleTable.Role

    func validate(_ line: UnsafeRawBufferPointer, fileType: EventType?, scratch: inout Scratch) -> ValidationOutcome {
        guard let raw = line.baseAddress, line.count > 0 else {
            return .rejected(rule: EventRuleCode.jsonInvalid, type: fileType)
        }
        let p = raw.assumingMemoryBound(to: UInt8.self)
        guard FlatJSONScanner.scan(p, line.count, stop: UnsafePointer(table.stringStop.baseAddress!), into: &scratch.members) else {
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
    private func check(
        _ p: UnsafePointer<UInt8>, keys: UnsafePointer<UInt8>, fileType: EventType?,
        scratch: inout Scratch
    ) -> ValidationOutcome {
        let pool = UnsafePointer(table.pool.baseAddress!)
        let count = scratch.members.count
        return scratch.members.withUnsafeBufferPointer { members -> ValidationOutcome in
            // 1. Repeated keys make the object ambiguous.
            if count > 1 {
                for a in 0..<count - 1 {
                    let ma = members[a]
                    for b in a + 1..<count {
                        let mb = members[b]
                        if Self.same(keys + ma.keyStart, ma.keyEnd - ma.keyStart, keys + mb.keyStart, mb.keyEnd - mb.keyStart) {
                            return .rejected(rule: EventRuleCode.jsonInvalid, type: fileType)
                        }
                    }
                }
            }
            // 2. Which schema applies.
            var typeMember = -1
            for j in 0..<count {
                let m = members[j]
                if Self.same(keys + m.keyStart, m.keyEnd - m.keyStart, pool + table.eventTypeKeyStart, 10) { typeMember = j; break }
            }
            guard typeMember >= 0 else { return .rejected(rule: schemas.eventTypeMissing, type: fileType) }
            let tm = members[typeMember]
            var lineType: EventType?
            if tm.kind == .string {
                if tm.valueEscaped {
                    FlatJSONScanner.decode(p, tm.valueStart, tm.valueEnd, into: &scratch.decoded)
                    lineType = scratch.decoded.withUnsafeBufferPointer { d in typeNamed(d.baseAddress ?? p, d.count, pool) }
                } else {
                    lineType = typeNamed(p + tm.valueStart, tm.valueEnd - tm.valueStart, pool)
                }
            }
            guard let type = lineType else { return .rejected(rule: schemas.eventTypeInvalid, type: fileType) }
            if let fileType, fileType != type { return .rejected(rule: EventRuleCode.eventTypeMismatch, type: fileType) }
            let info = table.perType[type.index]
            let fields = UnsafePointer(table.fields.baseAddress! + info.fieldStart)
            let fieldCount = info.fieldCount
            // 3. Every key must be a property of the schema. Keys usually come
            //    in schema order, so the field at the member's position is tried first.
            scratch.memberOfField.removeAll(keepingCapacity: true)
            for _ in 0..<fieldCount { scratch.memberOfField.append(-1) }
            for j in 0..<count {
                let m = members[j]
                let key = keys + m.keyStart, keyLength = m.keyEnd - m.keyStart
                var found = -1
                if j < fieldCount, Self.same(key, keyLength, pool + fields[j].nameStart, fields[j].nameLength) {
                    found = j
                } else {
                    for f in 0..<fieldCount where Self.same(key, keyLength, pool + fields[f].nameStart, fields[f].nameLength) {
                        found = f
                        break
                    }
                }
                if found >= 0 {
                    scratch.memberOfField[found] = j
                } else if !info.additionalProperties {
                    return .rejected(rule: EventRuleCode.propertyUnknown, type: type)
                }
            }
            // 4. Each property, in schema order.
            var record = EventRecord(idHigh: 0, idLow: 0, seconds: 0, user: 0, movie: 0, rating: 0, millis: 0, type: type)
            for f in 0..<fieldCount {
                let field = fields + f
                let j = scratch.memberOfField[f]
                if j < 0 {
                    if field.pointee.required { return .rejected(rule: field.pointee.missingRule, type: type) }
                    continue
                }
                guard checkValue(field, members[j], p, &scratch, &record) else {
                    return .rejected(rule: field.pointee.invalidRule, type: type)
                }
            }
            return .accepted(record)
        }
    }

    @inline(__always)
    private func typeNamed(_ q: UnsafePointer<UInt8>, _ n: Int, _ pool: UnsafePointer<UInt8>) -> EventType? {
        for t in 0..<table.perType.count {
            let info = table.perType[t]
            if Self.same(q, n, pool + info.nameStart, info.nameLength) { return EventType(index: t) }
        }
        return nil
    }

    @inline(__always)
    private func checkValue(
        _ f: UnsafePointer<Field>, _ m: JSONMember, _ p: UnsafePointer<UInt8>,
        _ scratch: inout Scratch, _ record: inout EventRecord
    ) -> Bool {
        let types = f.pointee.types
        switch m.kind {
        case .string:
            guard types == 0 || types & JSONTypeSet.string.rawValue != 0 else { return false }
            if !m.valueEscaped { return checkString(f, p, m.valueStart, m.valueEnd, &record) }
            FlatJSONScanner.decode(p, m.valueStart, m.valueEnd, into: &scratch.decoded)
            return scratch.decoded.withUnsafeBufferPointer { d in
                checkString(f, d.baseAddress ?? p, 0, d.count, &record)
            }
        case .number:
            return checkNumber(f, EventFieldParsers.number(p, m.valueStart, m.valueEnd), &record)
        case .trueLiteral, .falseLiteral:
            guard types == 0 || types & JSONTypeSet.boolean.rawValue != 0 else { return false }
            return matchesLiterals(f, kind: m.kind == .trueLiteral ? 3 : 4)
        case .null:
            guard types == 0 || types & JSONTypeSet.null.rawValue != 0 else { return false }
            return matchesLiterals(f, kind: 5)
        case .object, .array:
            // No schema type admits them; only an untyped field without const/enum does.
            return types == 0 && f.pointee.constant < 0 && f.pointee.enumCount == 0
        }
    }

    /// `const`/`enum` for booleans and null (kinds 3, 4, 5).
    private func matchesLiterals(_ f: UnsafePointer<Field>, kind: UInt8) -> Bool {
        let c = f.pointee.constant
        if c >= 0 && table.literals[c].kind != kind { return false }
        let n = f.pointee.enumCount
        if n > 0 {
            var hit = false
            for e in f.pointee.enumStart..<f.pointee.enumStart + n where table.literals[e].kind == kind { hit = true; break }
            return hit
        }
        return true
    }

    @inline(__always)
    private func checkString(
        _ f: UnsafePointer<Field>, _ q: UnsafePointer<UInt8>, _ a: Int, _ b: Int,
        _ record: inout EventRecord
    ) -> Bool {
        let pool = UnsafePointer(table.pool.baseAddress!)
        let c = f.pointee.constant
        if c >= 0 {
            let lit = table.literals[c]
            guard lit.kind == 1, Self.same(q + a, b - a, pool + lit.start, lit.length) else { return false }
        }
        let n = f.pointee.enumCount
        if n > 0 {
            var hit = false
            for e in f.pointee.enumStart..<f.pointee.enumStart + n {
                let lit = table.literals[e]
                if lit.kind == 1 && Self.same(q + a, b - a, pool + lit.start, lit.length) { hit = true; break }
            }
            guard hit else { return false }
        }
        if f.pointee.minLength > 0 || f.pointee.maxLength != .max {
            // Code points are at most the bytes and at least a quarter of them.
            let bytes = b - a
            if bytes < f.pointee.minLength || (bytes + 3) / 4 > f.pointee.maxLength { return false }
            if bytes > f.pointee.maxLength || bytes < f.pointee.minLength * 4 {
                let length = FlatJSONScanner.codePoints(q, a, b)
                if length < f.pointee.minLength || length > f.pointee.maxLength { return false }
            }
        }
        switch f.pointee.format {
        case 1:
            guard let id = EventFieldParsers.uuid(q + a, b - a, hex: UnsafePointer(table.hex.baseAddress!)) else { return false }
            if f.pointee.role == Role.eventID { record.idHigh = id.high; record.idLow = id.low }
        case 2:
            guard let t = EventFieldParsers.dateTime(q, a, b) else { return false }
            if f.pointee.role == Role.time { record.seconds = t.seconds; record.millis = t.millis }
        default:
            break
        }
        return true
    }

    @inline(__always)
    private func checkNumber(_ f: UnsafePointer<Field>, _ v: Double, _ record: inout EventRecord) -> Bool {
        guard v.isFinite else { return false }
        let field = f.pointee
        if field.types != 0 {
            let integral = v.rounded(.towardZero) == v
            guard
                field.types & JSONTypeSet.number.rawValue != 0
                    || (field.types & JSONTypeSet.integer.rawValue != 0 && integral)
            else { return false }
        }
        if field.constant >= 0 {
            let lit = table.literals[field.constant]
            guard lit.kind == 2, lit.number == v else { return false }
        }
        if field.enumCount > 0 {
            var hit = false
            for e in field.enumStart..<field.enumStart + field.enumCount {
                let lit = table.literals[e]
                if lit.kind == 2 && lit.number == v { hit = true; break }
            }
            guard hit else { return false }
        }
        guard v >= field.minimum, v <= field.maximum, v > field.exclusiveMinimum, v < field.exclusiveMaximum else { return false }
        if field.multipleOf > 0 {
            let q = v / field.multipleOf
            guard q.isFinite, abs(q - q.rounded()) <= 1e-9 * max(1, abs(q)) else { return false }
        }
        switch field.role {
        case Role.user:
            guard let id = Int32(exactly: v) else { return false }
            record.user = id
        case Role.movie:
            guard let id = Int32(exactly: v) else { return false }
            record.movie = id
        case Role.rating:
            record.rating = Float(v)
        default:
            break
        }
        return true
    }

    /// Byte equality of two short strings (keys, names, enum values): an
    /// inline loop beats a call to memcmp at these lengths.
    @inline(__always)
    static func same(_ x: UnsafePointer<UInt8>, _ xn: Int, _ y: UnsafePointer<UInt8>, _ yn: Int) -> Bool {
        guard xn == yn else { return false }
        var i = 0
        while i < xn {
            if x[i] != y[i] { return false }
            i += 1
        }
        return true
    }
}
