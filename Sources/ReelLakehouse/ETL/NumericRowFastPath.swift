import ReelSilver
import CReelSIMD

/// The fast path for tables whose every column is a number (ratings.csv):
/// one pass over a line that finds, parses and checks all its fields at once
/// (`DigitRun`: eight bytes at a time), instead of the general scanner
/// (`CSVScanner`) followed by one rule at a time (`RowValidator`).
///
/// It only ever *accepts*: a line it cannot vouch for — a quote, a CR, a
/// sign or space where none belongs, a field too long, a value out of range,
/// an orphan, the last few hundred bytes of the buffer — makes `parse`
/// return nil, and the caller scans and validates that line the general way,
/// which then names the first rule it breaks. Acceptance is exactly "every
/// rule passes", which does not depend on the rules' order, so the fast path
/// accepts precisely the lines the general path accepts, with the same
/// values; it merely skips the bookkeeping for them.
///
/// Built from a `RowValidator` when the table qualifies: each column has
/// exactly one parsing check (`positive_int32`, `integer`, `decimal_step`
/// or `digits`), the other checks are `not_before`, `not_after_run_clock`
/// and `reference`, and there is no `unique`, `not_empty`, `utf8` or `genre_list`.
struct NumericRowFastPath: Sendable {
    enum Syntax: Sendable { case positiveInt32, integer, decimal, digits }

    /// One column: its syntax and every check on it, merged into one range
    /// (all must pass, so merging them is exact).
    struct Column: Sendable {
        var syntax: Syntax
        /// Most digits accepted (the integer part, for decimals).
        var maxDigits: Int
        var min: Int64 = .min
        var max: Int64 = .max
        /// `decimal_step`: the value must be a multiple of this.
        var step: DivisibilityTest?
        /// Index into `references`, or -1.
        var reference = -1
    }

    /// A line is only tried when this many bytes follow its start, so every
    /// eight-byte load stays inside the buffer (at most 8 fields of at most
    /// 40 bytes, plus a load's width).
    static let margin = 512

    /// Empty when the fast path is off. An array read through a pointer:
    /// subscripting an `InlineArray` property copied all of it per field.
    let columns: [Column]
    let references: [DenseIDIndex]

    /// Off (`isEnabled` false) when the table has a check the fast path does
    /// not implement. Not an optional: unwrapping one per line copied the
    /// whole value each time.
    init(_ validator: RowValidator) {
        columns = Self.columns(validator) ?? []
        references = validator.references
    }

    var isEnabled: Bool { !columns.isEmpty }

    /// The merged columns, or nil when the fast path cannot serve the table.
    private static func columns(_ validator: RowValidator) -> [Column]? {
        var columns: [Column?] = []
        var fieldCount: Int?
        func setSyntax(_ c: Int, _ column: Column) -> Bool {
            guard c < 8 else { return false }
            while columns.count <= c { columns.append(nil) }
            guard columns[c] == nil else { return false }  // two parsing checks on one column
            columns[c] = column
            return true
        }
        // Parsing checks first, then the range checks that refine them.
        for step in validator.steps {
            switch step {
            case .fieldCount(let n): fieldCount = n
            case .positiveInt32(let c):
                guard setSyntax(c, Column(syntax: .positiveInt32, maxDigits: 10, min: 1, max: Int64(Int32.max))) else { return nil }
            case .integer(let c):
                guard setSyntax(c, Column(syntax: .integer, maxDigits: DigitRun.maxDigits)) else { return nil }
            case .decimalStep(let c, let lo, let hi, let step):
                // Negative decimals are left to the general path.
                guard lo >= 0, step > 0,
                    setSyntax(c, Column(syntax: .decimal, maxDigits: 12, min: lo, max: hi, step: DivisibilityTest(step)))
                else { return nil }
            case .digits(let c, let maxLength):
                guard setSyntax(c, Column(syntax: .digits, maxDigits: Swift.min(maxLength, DigitRun.maxDigits))) else { return nil }
            case .notBefore(let c, _), .notAfterRunClock(let c, _), .reference(let c, _):
                // They read the value a parsing check stored, so that check must come first.
                guard c < columns.count, columns[c] != nil else { return nil }
            case .notEmpty, .genreList, .unique, .utf8: return nil
            }
        }
        guard let n = fieldCount, n >= 1, n <= 8, columns.count == n, columns.allSatisfy({ $0 != nil }) else { return nil }
        var merged = columns.map { $0! }
        for step in validator.steps {
            switch step {
            case .notBefore(let c, let t): merged[c].min = Swift.max(merged[c].min, t)
            case .notAfterRunClock(let c, let limit): merged[c].max = Swift.min(merged[c].max, limit)
            case .reference(let c, let slot): merged[c].reference = slot
            default: break
            }
        }
        return merged
    }

    /// Parses and checks the line starting at `start` (which needs `margin`
    /// bytes after it). On success fills `v` — and `r` too when
    /// `fillRecord` (`RowSink.readsRecords`), else only its start and end —
    /// as the general path would, and returns the offset just past the line
    /// feed; nil otherwise.
    @inline(__always)
    func parse(
        _ p: UnsafeRawPointer, at start: Int, line: Int, into v: inout RowValues, record r: inout CSVRecord,
        fillRecord: Bool = true
    ) -> Int? {
        columns.withUnsafeBufferPointer { columns in
            if start >= 8, let next = parseShort(p, at: start, line: line, columns: columns, into: &v, record: &r, fill: fillRecord) {
                return next
            }
            return parseLong(p, at: start, line: line, into: &v, record: &r, columns: columns)
        }
    }

    /// The common case: a line of at most 32 bytes whose fields are at most
    /// 16 digits (with at most 6 after a decimal point). One AVX2 compare
    /// finds every non-digit byte (`reel_nondigit_mask32`), so the field
    /// boundaries come from bit scans instead of a chain of loads, and the
    /// fields convert independently. Returns the offset just past the line
    /// feed, or nil for `parseLong` to try. Needs 8 readable bytes before
    /// the line (digits are read as the 8 bytes ending at a field's end).
    /// The checks both paths share once a field's value is known: the
    /// column's range and step, the delimiter after it, and the referenced
    /// id's dense row; on success the value (and row) land in `v`.
    @inline(__always)
    private func accept(
        _ value: Int64, column: Column, at c: Int, last: Bool, delimiter: UInt8,
        into v: inout RowValues
    ) -> Bool {
        guard value >= column.min, value <= column.max else { return false }
        if let step = column.step, !step.divides(UInt64(value)) { return false }
        guard delimiter == (last ? CSVByte.lf : CSVByte.comma) else { return false }
        if column.reference >= 0 {
            let row = references[column.reference].row(of: value)
            guard row >= 0 else { return false }
            v.rows[c] = row
        }
        v.values[c] = value
        v.present |= 1 << UInt32(c)
        return true
    }

    @inline(__always)
    private func parseShort(
        _ p: UnsafeRawPointer, at start: Int, line number: Int, columns: UnsafeBufferPointer<Column>,
        into v: inout RowValues, record r: inout CSVRecord, fill: Bool
    ) -> Int? {
        let line = p + start
        // The file streams in from memory; ask for it a few lines early.
        reel_prefetch(line + 512)
        var nonDigits = reel_nondigit_mask32(line)
        var fieldStart = 0
        v.present = 0
        for c in 0..<columns.count {
            let column = columns[c]
            // The first non-digit after the field's start ends its digits.
            let digitsEnd = nonDigits.trailingZeroBitCount
            guard digitsEnd < 32 else { return nil }
            let n = digitsEnd - fieldStart
            var end = digitsEnd
            var value: Int64
            switch column.syntax {
            case .positiveInt32, .digits, .integer:
                // A sign, or more than 16 digits: the per-field path.
                guard n >= 1, n <= Swift.min(column.maxDigits, 16) else { return nil }
                value = Int64(Self.digits(line, end: digitsEnd, count: n))
            case .decimal:
                guard n >= 1, n <= column.maxDigits else { return nil }
                value = Int64(Self.digits(line, end: digitsEnd, count: n)) &* FieldParsers.microsPerUnit
                if line.load(fromByteOffset: digitsEnd, as: UInt8.self) == UInt8(ascii: ".") {
                    nonDigits &= nonDigits &- 1
                    end = nonDigits.trailingZeroBitCount
                    let f = end - digitsEnd - 1
                    guard end < 32, f >= 1, f <= 6 else { return nil }
                    value &+= Int64(DigitRun.value(line, end: end, count: f) &* DigitRun.powersOfTen[6 - f])
                }
            }
            guard
                accept(
                    value, column: column, at: c, last: c == columns.count - 1,
                    delimiter: line.load(fromByteOffset: end, as: UInt8.self), into: &v)
            else { return nil }
            if fill {
                r.fieldStarts[c] = start + fieldStart
                r.fieldEnds[c] = start + end
            }
            nonDigits &= nonDigits &- 1
            fieldStart = end + 1
        }
        r.start = start
        r.end = start + fieldStart - 1
        if fill {
            r.line = number
            r.fieldCount = columns.count
            r.malformed = false
            r.quoteBits = 0
        }
        return start + fieldStart
    }

    /// 1...16 digits ending just before `line + end`.
    @inline(__always)
    private static func digits(_ line: UnsafeRawPointer, end: Int, count: Int) -> UInt64 {
        if count <= 8 { return DigitRun.value(line, end: end, count: count) }
        return DigitRun.value(line, end: end - 8, count: count - 8) &* 100_000_000 &+ DigitRun.value(line, end: end, count: 8)
    }

    /// Any line the short path declines: field by field, each digit run
    /// read eight bytes at a time (`DigitRun`).
    @inline(__always)
    private func parseLong(
        _ p: UnsafeRawPointer, at start: Int, line: Int, into v: inout RowValues, record r: inout CSVRecord,
        columns: UnsafeBufferPointer<Column>
    ) -> Int? {
        let columnCount = columns.count
        var i = start
        v.present = 0
        for c in 0..<columnCount {
            let column = columns[c]
            let fieldStart = i
            var value: Int64
            switch column.syntax {
            case .positiveInt32, .digits:
                let (x, n) = DigitRun.read(p, i)
                guard n >= 1, n <= column.maxDigits else { return nil }
                value = Int64(x)
                i += n
            case .integer:
                let negative = p.load(fromByteOffset: i, as: UInt8.self) == UInt8(ascii: "-")
                if negative { i += 1 }
                let (x, n) = DigitRun.read(p, i)
                guard n >= 1, n <= column.maxDigits else { return nil }
                value = negative ? -Int64(x) : Int64(x)
                i += n
            case .decimal:
                // Non-negative only (`init` sends tables with negative decimals to the general path).
                let (whole, n) = DigitRun.read(p, i)
                guard n >= 1, n <= column.maxDigits else { return nil }
                i += n
                var micros = Int64(whole) &* FieldParsers.microsPerUnit
                if p.load(fromByteOffset: i, as: UInt8.self) == UInt8(ascii: ".") {
                    let (fraction, f) = DigitRun.read(p, i + 1)
                    guard f >= 1, f <= DigitRun.maxDigits else { return nil }
                    i += 1 + f
                    if f <= 6 {
                        micros &+= Int64(fraction &* DigitRun.powersOfTen[6 - f])
                    } else {
                        // Digits past the sixth must be zeros (rare: a division is fine here).
                        let drop = DigitRun.powersOfTen[f - 6]
                        guard fraction % drop == 0 else { return nil }
                        micros &+= Int64(fraction / drop)
                    }
                }
                value = micros
            }
            guard
                accept(
                    value, column: column, at: c, last: c == columnCount - 1,
                    delimiter: p.load(fromByteOffset: i, as: UInt8.self), into: &v)
            else { return nil }
            r.fieldStarts[c] = fieldStart
            r.fieldEnds[c] = i
            i += 1
        }
        r.start = start
        r.end = i - 1
        r.line = line
        r.fieldCount = columnCount
        r.malformed = false
        r.quoteBits = 0
        return i
    }
}

/// `x % d == 0` for unsigned `x` without a division (Granlund and
/// Montgomery, as compilers do for constant divisors): with d = q·2^k, q
/// odd, x is a multiple of d exactly when x·q⁻¹ (mod 2^64) rotated right
/// by k is at most ⌊(2^64 − 1) / d⌋.
struct DivisibilityTest: Sendable {
    let inverse: UInt64
    let shift: UInt64
    let limit: UInt64

    init(_ divisor: Int64) {
        precondition(divisor > 0, "divisor must be positive")
        let d = UInt64(divisor)
        let k = d.trailingZeroBitCount
        let q = d >> UInt64(k)
        // Newton's iteration doubles the correct low bits: 3 → 6 → … → 96.
        var inverse = q
        for _ in 0..<5 { inverse = inverse &* (2 &- q &* inverse) }
        self.inverse = inverse
        shift = UInt64(k)
        limit = UInt64.max / d
    }

    @inline(__always)
    func divides(_ x: UInt64) -> Bool {
        let r = x &* inverse
        return ((r >> shift) | (r << (64 - shift))) <= limit
    }
}
