import ReelCore
import ReelSilver

/// What validation learned about a row: the parsed value of every column a
/// check parsed (integers as is, decimals in millionths, genre lists as a
/// mask, digits as their value), and the referenced row of every `reference`
/// column. Fixed size, so validating a row never allocates.
public struct RowValues {
    public var values = InlineArray<8, Int64>(repeating: 0)
    public var rows = InlineArray<8, Int32>(repeating: -1)
    /// Bit c: column c was non-empty.
    public var present: UInt32 = 0

    public init() {}
}

/// Applies a table's quality rules, in contract order, to one record and
/// names the first rule it breaks. Built once per table (and copied per
/// thread); the rules are flattened into plain values so the per-row loop
/// does no reference counting.
public struct RowValidator: Sendable {
    /// The check of each rule, flattened (no strings, no arrays).
    enum Step: Sendable {
        case fieldCount(expected: Int)
        case positiveInt32(Int)
        case integer(Int)
        case decimalStep(Int, min: Int64, max: Int64, step: Int64)
        case notBefore(Int, Int64)
        /// The column and the latest accepted time (run clock + tolerance).
        case notAfterRunClock(Int, limit: Int64)
        case notEmpty(Int)
        case utf8(Int)
        case digits(Int, maxLength: Int)
        case genreList(Int)
        case unique(Int)
        case reference(Int, slot: Int)
    }

    let steps: [Step]
    /// Bit c: column c is required (an empty optional column skips its checks).
    let requiredColumns: UInt32
    let runClock: Int64
    let references: [DenseIDIndex]
    let genres: GenreMatcher?
    /// Values accepted so far in `unique` columns (sequential tables only).
    var seen: [Set<Int64>]
    public let ruleNames: [String]
    public var hasUniqueRule: Bool { steps.contains { if case .unique = $0 { return true } else { return false } } }

    /// - Parameters:
    ///   - references: accepted keys of referenced tables, by "table.column".
    ///   - runClock: the run's clock for `not_after_run_clock` (Unix seconds),
    ///     to which each such rule adds its tolerance.
    public init(table: BronzeTable, runClock: Int64, references: [String: DenseIDIndex]) throws {
        var steps: [Step] = []
        var slots: [DenseIDIndex] = []
        var genres: GenreMatcher?
        for rule in table.rules {
            switch rule.check {
            case .fieldCount: steps.append(.fieldCount(expected: table.columns.count))
            case .positiveInt32(let c): steps.append(.positiveInt32(c))
            case .integer(let c): steps.append(.integer(c))
            case .decimalStep(let c, let lo, let hi, let step): steps.append(.decimalStep(c, min: lo, max: hi, step: step))
            case .notBefore(let c, let t): steps.append(.notBefore(c, t))
            case .notAfterRunClock(let c, let tolerance):
                steps.append(.notAfterRunClock(c, limit: runClock.addingReportingOverflow(tolerance).overflow ? .max : runClock + tolerance))
            case .notEmpty(let c): steps.append(.notEmpty(c))
            case .utf8(let c): steps.append(.utf8(c))
            case .digits(let c, let n): steps.append(.digits(c, maxLength: n))
            case .genreList(let c, let sep, let none, let vocabulary):
                genres = GenreMatcher(separator: sep, noneListed: none, vocabulary: vocabulary)
                steps.append(.genreList(c))
            case .unique(let c): steps.append(.unique(c))
            case .reference(let c, let target, let key):
                guard let index = references["\(target).\(key)"] else {
                    throw ReelError(.invalidInput, "table '\(table.name)', rule '\(rule.name)': \(target) must be loaded before \(table.name)")
                }
                steps.append(.reference(c, slot: slots.count))
                slots.append(index)
            }
        }
        self.steps = steps
        var required: UInt32 = 0
        for (i, c) in table.columns.enumerated() where c.required { required |= 1 << UInt32(i) }
        self.requiredColumns = required
        self.runClock = runClock
        self.references = slots
        self.genres = genres
        self.seen = Array(repeating: [], count: table.columns.count)
        self.ruleNames = table.rules.map(\.name)
    }

    /// Checks `r` and fills `v`. Returns the index of the first rule broken,
    /// or nil when the row is accepted (then `unique` columns remember it).
    @inline(__always)
    public mutating func validate(_ r: CSVRecord, in bytes: UnsafeRawBufferPointer, into v: inout RowValues) -> Int? {
        v.present = 0
        for (index, step) in steps.enumerated() {
            if !passes(step, r, bytes, &v) { return index }
        }
        for step in steps {
            if case .unique(let c) = step, v.present & (1 << UInt32(c)) != 0 { seen[c].insert(v.values[c]) }
        }
        return nil
    }

    @inline(__always)
    func passes(_ step: Step, _ r: CSVRecord, _ bytes: UnsafeRawBufferPointer, _ v: inout RowValues) -> Bool {
        // Optional columns that are empty skip their checks.
        @inline(__always) func skip(_ c: Int) -> Bool {
            requiredColumns & (1 << UInt32(c)) == 0 && r.fieldLength(c) == 0
        }
        @inline(__always) func store(_ c: Int, _ value: Int64) {
            v.values[c] = value
            v.present |= 1 << UInt32(c)
        }
        switch step {
        case .fieldCount(let expected):
            return r.fieldCount == expected && !r.malformed
        case .positiveInt32(let c):
            if skip(c) { return true }
            guard let x = FieldParsers.positiveInt32(r.field(c, in: bytes)) else { return false }
            store(c, x)
        case .integer(let c):
            if skip(c) { return true }
            guard let x = FieldParsers.integer(r.field(c, in: bytes)) else { return false }
            store(c, x)
        case .decimalStep(let c, let lo, let hi, let step):
            if skip(c) { return true }
            guard let x = FieldParsers.decimalMicros(r.field(c, in: bytes)),
                x >= lo, x <= hi, x % step == 0
            else { return false }
            store(c, x)
        case .notBefore(let c, let t):
            return skip(c) || v.values[c] >= t
        case .notAfterRunClock(let c, let limit):
            return skip(c) || v.values[c] <= limit
        case .utf8(let c):
            return skip(c) || FieldParsers.isUTF8(r.field(c, in: bytes))
        case .notEmpty(let c):
            if skip(c) { return true }
            guard FieldParsers.hasText(r.field(c, in: bytes)) else { return false }
            v.present |= 1 << UInt32(c)
        case .digits(let c, let maxLength):
            if skip(c) { return true }
            guard let x = FieldParsers.digits(r.field(c, in: bytes), maxLength: maxLength) else { return false }
            store(c, x)
        case .genreList(let c):
            if skip(c) { return true }
            guard let mask = genres?.mask(r.field(c, in: bytes)) else { return false }
            store(c, Int64(mask))
        case .unique(let c):
            return skip(c) || !seen[c].contains(v.values[c])
        case .reference(let c, let slot):
            if skip(c) { return true }
            let row = references[slot].row(of: v.values[c])
            guard row >= 0 else { return false }
            v.rows[c] = row
        }
        return true
    }
}

/// Genre lists: `|`-separated names from the contract's vocabulary, as a
/// bitmask (bit i = vocabulary[i]); the "(no genres listed)" literal alone is
/// the empty mask.
struct GenreMatcher: Sendable {
    let separator: UInt8
    let noneListed: [UInt8]
    let names: [[UInt8]]

    init(separator: UInt8, noneListed: String, vocabulary: [String]) {
        self.separator = separator
        self.noneListed = Array(noneListed.utf8)
        self.names = vocabulary.map { Array($0.utf8) }
    }

    /// The mask, or nil for an unknown or empty token or a mix with "(no genres listed)".
    func mask(_ field: UnsafeRawBufferPointer) -> UInt32? {
        if field.elementsEqual(noneListed) { return 0 }
        var mask: UInt32 = 0
        var start = 0
        for i in 0...field.count where i == field.count || field[i] == separator {
            let token = UnsafeRawBufferPointer(rebasing: field[start..<i])
            guard let bit = names.firstIndex(where: { token.elementsEqual($0) }) else { return nil }
            mask |= 1 << UInt32(bit)
            start = i + 1
        }
        return mask
    }
}
