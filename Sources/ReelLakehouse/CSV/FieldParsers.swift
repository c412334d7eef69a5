import ReelCore

/// Parsing numbers straight from CSV bytes: no String, no allocation, no
/// locale. Each parser takes a field's byte range and accepts exactly the
/// contract's syntax (ASCII digits, no spaces, no `+`); anything else is
/// invalid rather than guessed at.
public enum FieldParsers {
    /// An integer in 1 ... 2147483647, or nil.
    @inline(__always)
    public static func positiveInt32(_ field: UnsafeRawBufferPointer) -> Int64? {
        let n = field.count
        guard n >= 1, n <= 10 else { return nil }
        var v: Int64 = 0
        for b in field {
            let d = b &- 0x30
            guard d < 10 else { return nil }
            v = v &* 10 &+ Int64(d)
        }
        guard v >= 1, v <= Int64(Int32.max) else { return nil }
        return v
    }

    /// A signed integer of 1 to 18 digits with an optional leading `-`, or nil.
    @inline(__always)
    public static func integer(_ field: UnsafeRawBufferPointer) -> Int64? {
        var n = field.count
        guard n >= 1 else { return nil }
        var i = 0
        let negative = field[0] == 0x2D
        if negative { i = 1; n -= 1 }
        guard n >= 1, n <= 18 else { return nil }
        var v: Int64 = 0
        while i < field.count {
            let d = field[i] &- 0x30
            guard d < 10 else { return nil }
            v = v &* 10 &+ Int64(d)
            i += 1
        }
        return negative ? -v : v
    }

    /// Scale of `decimalMicros`: values are held as millionths, exactly.
    public static let microsPerUnit: Int64 = 1_000_000

    /// A decimal `[-]digits[.digits]` (1–12 integer digits) in millionths, or
    /// nil. Fraction digits past the sixth must be zeros (they could not be
    /// held exactly).
    @inline(__always)
    public static func decimalMicros(_ field: UnsafeRawBufferPointer) -> Int64? {
        let n = field.count
        var i = 0
        let negative = n > 0 && field[0] == 0x2D
        if negative { i = 1 }
        var whole: Int64 = 0
        var wholeDigits = 0
        while i < n {
            let d = field[i] &- 0x30
            if d >= 10 { break }
            whole = whole &* 10 &+ Int64(d)
            wholeDigits += 1
            i += 1
        }
        guard wholeDigits >= 1, wholeDigits <= 12 else { return nil }
        var fraction: Int64 = 0
        if i < n {
            guard field[i] == 0x2E else { return nil }
            i += 1
            var fractionDigits = 0
            var scale: Int64 = microsPerUnit / 10
            while i < n {
                let d = field[i] &- 0x30
                guard d < 10 else { return nil }
                if fractionDigits < 6 {
                    fraction += Int64(d) * scale
                    scale /= 10
                } else if d != 0 {
                    return nil
                }
                fractionDigits += 1
                i += 1
            }
            guard fractionDigits >= 1 else { return nil }
        }
        let v = whole * microsPerUnit + fraction
        return negative ? -v : v
    }

    /// The value of 1 to `maxLength` (≤ 18) ASCII digits, or nil.
    @inline(__always)
    public static func digits(_ field: UnsafeRawBufferPointer, maxLength: Int) -> Int64? {
        let n = field.count
        guard n >= 1, n <= min(maxLength, 18) else { return nil }
        var v: Int64 = 0
        for b in field {
            let d = b &- 0x30
            guard d < 10 else { return nil }
            v = v &* 10 &+ Int64(d)
        }
        return v
    }

    /// True when the field holds something other than spaces and tabs.
    @inline(__always)
    public static func hasText(_ field: UnsafeRawBufferPointer) -> Bool {
        for b in field where b != 0x20 && b != 0x09 { return true }
        return false
    }

    /// Whether the field is valid UTF-8 (`UTF8Check`'s strict rules). ASCII,
    /// nearly every field, is settled by one pass without calls.
    @inline(__always)
    public static func isUTF8(_ field: UnsafeRawBufferPointer) -> Bool {
        for b in field where b >= 0x80 { return UTF8Check.firstInvalid(field) == nil }
        return true
    }

    /// A decimal from the contract (e.g. 0.5) in millionths, or nil when it
    /// is not a whole number of millionths.
    public static func micros(_ value: Double) -> Int64? {
        let scaled = (value * Double(microsPerUnit)).rounded()
        guard scaled.isFinite, abs(scaled) < 9e18,
            abs(scaled / Double(microsPerUnit) - value) <= 1e-9 * max(1, abs(value))
        else { return nil }
        return Int64(scaled)
    }
}
