/// The compiled schemas flattened for the hot path: every field's checks as
/// a plain value with no references (bounds as doubles, names and literals as
/// ranges into one byte pool), allocated once and never changed. Reading a
/// field's rules in the per-line loop is then a few loads — no reference
/// counting, no enum payloads, no dictionary.
final class EventRuleTable: @unchecked Sendable {
    /// One property's checks. Absent bounds are ±infinity, absent lengths 0 / Int.max.
    struct Field {
        var nameStart: Int
        var nameLength: Int
        var required: Bool
        var types: UInt8  // JSONTypeSet raw value; 0 = any
        var format: UInt8  // 0 none, 1 uuid, 2 date-time
        var role: UInt8  // Role.*
        var constant: Int  // index into `literals`, or -1
        var enumStart: Int  // range into `literals`; enumCount 0 = no enum
        var enumCount: Int
        var minimum: Double
        var maximum: Double
        var exclusiveMinimum: Double
        var exclusiveMaximum: Double
        var multipleOf: Double  // 0 = none
        var minLength: Int
        var maxLength: Int
        var missingRule: UInt16
        var invalidRule: UInt16
    }

    /// A `const` or `enum` value.
    struct Literal {
        var kind: UInt8  // 1 string, 2 number, 3 true, 4 false, 5 null
        var start: Int
        var length: Int
        var number: Double
    }

    enum Role {
        static let none: UInt8 = 0, eventID: UInt8 = 1, eventType: UInt8 = 2, user: UInt8 = 3
        static let movie: UInt8 = 4, time: UInt8 = 5, rating: UInt8 = 6
    }

    let fields: UnsafeMutableBufferPointer<Field>
    let literals: UnsafeMutableBufferPointer<Literal>
    let pool: UnsafeMutableBufferPointer<UInt8>
    /// Per type (by `EventType.index`): where its fields start, how many,
    /// whether other keys are allowed (1) and where its name is in the pool.
    struct TypeInfo {
        var fieldStart: Int
        var fieldCount: Int
        var additionalProperties: Bool
        var nameStart: Int
        var nameLength: Int
    }
    let perType: UnsafeMutableBufferPointer<TypeInfo>
    /// Where the `event_type` key is in the pool.
    let eventTypeKeyStart: Int
    /// 0–15 for a hex digit, 0xFF otherwise.
    let hex: UnsafeMutableBufferPointer<UInt8>
    /// Non-zero for bytes that end the fast path of a string scan: `"`, `\`, control, non-ASCII.
    let stringStop: UnsafeMutableBufferPointer<UInt8>

    init(_ schemas: EventSchemaSet) {
        var pool: [UInt8] = []
        var fields: [Field] = []
        var literals: [Literal] = []
        func add(_ bytes: [UInt8]) -> Int { pool.append(contentsOf: bytes); return pool.count - bytes.count }
        func literal(_ c: JSONConstant) -> Literal {
            switch c {
            case .string(let b): return Literal(kind: 1, start: add(b), length: b.count, number: 0)
            case .number(let d): return Literal(kind: 2, start: 0, length: 0, number: d)
            case .bool(let b): return Literal(kind: b ? 3 : 4, start: 0, length: 0, number: 0)
            case .null: return Literal(kind: 5, start: 0, length: 0, number: 0)
            }
        }
        var types: [TypeInfo] = []
        for type in EventType.allCases {
            let schema = schemas.schema(type)
            let name = Array(type.rawValue.utf8)
            types.append(
                TypeInfo(
                    fieldStart: fields.count, fieldCount: schema.fields.count,
                    additionalProperties: schema.additionalProperties,
                    nameStart: add(name), nameLength: name.count))
            for f in schema.fields {
                var constant = -1
                if let c = f.constant { literals.append(literal(c)); constant = literals.count - 1 }
                let enumStart = literals.count
                for v in f.enumValues ?? [] { literals.append(literal(v)) }
                let role: UInt8
                switch f.role {
                case .none: role = Role.none
                case .eventID: role = Role.eventID
                case .eventType: role = Role.eventType
                case .user: role = Role.user
                case .movie: role = Role.movie
                case .time: role = Role.time
                case .rating: role = Role.rating
                }
                fields.append(
                    Field(
                        nameStart: add(f.nameBytes), nameLength: f.nameBytes.count, required: f.required,
                        types: f.types.rawValue, format: f.format == .uuid ? 1 : f.format == .dateTime ? 2 : 0, role: role,
                        constant: constant, enumStart: enumStart, enumCount: f.enumValues?.count ?? 0,
                        minimum: f.minimum ?? -.infinity, maximum: f.maximum ?? .infinity,
                        exclusiveMinimum: f.exclusiveMinimum ?? -.infinity, exclusiveMaximum: f.exclusiveMaximum ?? .infinity,
                        multipleOf: f.multipleOf ?? 0, minLength: f.minLength ?? 0, maxLength: f.maxLength ?? .max,
                        missingRule: f.missingRule, invalidRule: f.invalidRule))
            }
        }
        eventTypeKeyStart = add(Array("event_type".utf8))
        perType = Self.copy(types)
        self.fields = Self.copy(fields)
        self.literals = Self.copy(literals)
        self.pool = Self.copy(pool + [0])
        var hexTable = [UInt8](repeating: 0xFF, count: 256)
        var stop = [UInt8](repeating: 0, count: 256)
        for c in 0..<256 {
            let h = FlatJSONScanner.hexValue(UInt8(c))
            if h >= 0 { hexTable[c] = UInt8(h) }
            if c < 0x20 || c >= 0x80 || c == 0x22 || c == 0x5C { stop[c] = 1 }
        }
        hex = Self.copy(hexTable)
        stringStop = Self.copy(stop)
    }

    deinit {
        fields.deallocate()
        literals.deallocate()
        pool.deallocate()
        hex.deallocate()
        stringStop.deallocate()
        perType.deallocate()
    }

    private static func copy<T>(_ array: [T]) -> UnsafeMutableBufferPointer<T> {
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(array.count, 1))
        _ = buffer.initialize(from: array)
        return buffer
    }
}
