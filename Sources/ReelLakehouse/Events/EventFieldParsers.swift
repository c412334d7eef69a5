import ReelCore

/// Byte-level parsers for the values an event carries: JSON numbers, UUIDs
/// and RFC 3339 UTC times. They read straight from the line's bytes (no
/// String, no allocation) because they run once per field per event.
enum EventFieldParsers {
    static let powersOfTen: [Double] = (0...22).map { e in (0..<e).reduce(1.0) { acc, _ in acc * 10 } }

    /// The value of a JSON number literal already checked by the scanner.
    /// Exact for up to 19 significant digits with a decimal exponent within
    /// ±22 (Clinger's fast path); anything else goes through the standard
    /// library's correctly rounded parser.
    static func number(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double {
        var i = start
        var negative = false
        if p[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        var mantissa: UInt64 = 0
        var significant = 0
        var exponent = 0
        var truncated = false
        while i < end, p[i] &- UInt8(ascii: "0") < 10 {
            let d = UInt64(p[i] &- UInt8(ascii: "0"))
            if significant < 19 {
                mantissa = mantissa &* 10 &+ d; if mantissa > 0 { significant += 1 }
            } else {
                exponent += 1; if d != 0 { truncated = true }
            }
            i += 1
        }
        if i < end, p[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, p[i] &- UInt8(ascii: "0") < 10 {
                let d = UInt64(p[i] &- UInt8(ascii: "0"))
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ d
                    if mantissa > 0 { significant += 1 }
                    exponent -= 1
                } else if d != 0 {
                    truncated = true
                }
                i += 1
            }
        }
        if i < end {  // e / E
            i += 1
            var expNegative = false
            if p[i] == UInt8(ascii: "+") { i += 1 } else if p[i] == UInt8(ascii: "-") { expNegative = true; i += 1 }
            var e = 0
            while i < end { if e < 100_000 { e = e * 10 + Int(p[i] &- UInt8(ascii: "0")) }; i += 1 }
            exponent += expNegative ? -e : e
        }
        var value: Double
        if !truncated, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
            value = Double(mantissa)
            if exponent >= 0 { value *= powersOfTen[exponent] } else { value /= powersOfTen[-exponent] }
            return negative ? -value : value
        }
        if mantissa == 0 && !truncated { return negative ? -0.0 : 0 }
        let text = String(decoding: UnsafeBufferPointer(start: p + start, count: end - start), as: UTF8.self)
        return Double(text) ?? .nan
    }

    /// A UUID `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (either case) as 128 bits,
    /// or nil. Case does not matter: `ABC…` and `abc…` are the same id.
    /// `hex` maps a byte to its digit value, or 0xFF.
    @inline(__always)
    static func uuid(_ q: UnsafePointer<UInt8>, _ n: Int, hex: UnsafePointer<UInt8>) -> (high: UInt64, low: UInt64)? {
        guard n == 36, q[8] == UInt8(ascii: "-"), q[13] == UInt8(ascii: "-"),
            q[18] == UInt8(ascii: "-"), q[23] == UInt8(ascii: "-")
        else { return nil }
        var bad: UInt8 = 0
        @inline(__always) func digits(_ from: Int, _ to: Int, _ acc: inout UInt64) {
            for k in from..<to {
                let h = hex[Int(q[k])]
                bad |= h
                acc = acc << 4 | UInt64(h & 15)
            }
        }
        var high: UInt64 = 0, low: UInt64 = 0
        digits(0, 8, &high)
        digits(9, 13, &high)
        digits(14, 18, &high)
        digits(19, 23, &low)
        digits(24, 36, &low)
        return bad & 0xF0 == 0 ? (high, low) : nil
    }

    /// `YYYY-MM-DDTHH:MM:SS[.f{1,3}]Z` → Unix seconds and milliseconds, or nil
    /// for anything else (offsets, lower-case `t`/`z`, impossible dates,
    /// second 60, more than three fraction digits).
    @inline(__always)
    static func dateTime(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> (seconds: Int64, millis: Int16)? {
        let n = end - start
        guard n >= 20, n <= 24, n != 21 else { return nil }
        let q = p + start
        @inline(__always) func num(_ at: Int, _ count: Int) -> Int {
            var v = 0
            for k in at..<at + count {
                let d = q[k] &- UInt8(ascii: "0")
                if d >= 10 { return -1 }
                v = v * 10 + Int(d)
            }
            return v
        }
        guard q[4] == UInt8(ascii: "-"), q[7] == UInt8(ascii: "-"), q[10] == UInt8(ascii: "T"),
            q[13] == UInt8(ascii: ":"), q[16] == UInt8(ascii: ":"), q[n - 1] == UInt8(ascii: "Z")
        else { return nil }
        let year = num(0, 4), month = num(5, 2), day = num(8, 2)
        let hour = num(11, 2), minute = num(14, 2), second = num(17, 2)
        guard year >= 0, month >= 1, month <= 12, day >= 1, day <= daysInMonth(year, month),
            hour >= 0, hour < 24, minute >= 0, minute < 60, second >= 0, second < 60
        else { return nil }
        var millis = 0
        if n > 20 {
            guard q[19] == UInt8(ascii: ".") else { return nil }
            let digits = n - 21
            let f = num(20, digits)
            guard f >= 0 else { return nil }
            millis = digits == 1 ? f * 100 : digits == 2 ? f * 10 : f
        }
        let days = Clock.daysFromCivil(year: year, month: month, day: day)
        return (Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second), Int16(millis))
    }

    @inline(__always)
    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
