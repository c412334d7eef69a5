import ReelCore
import ReelServing

/// The query string of one request, split into the values of the parameters
/// its route accepts.
///
/// Strict on purpose: an unknown, repeated or valueless parameter is a 400
/// naming it, so a typo (`?K=5`, `?windw=24h`) is never silently ignored.
/// Values are slices of the request target (no copies); percent-encoded
/// values are decoded only when they contain `%` or `+`.
struct QueryParameters {
    /// The names a route accepts; a value's slot is its position here.
    let names: [StaticString]
    private var slots:
        (
            UnsafeRawBufferPointer?, UnsafeRawBufferPointer?, UnsafeRawBufferPointer?,
            UnsafeRawBufferPointer?, UnsafeRawBufferPointer?
        ) = (nil, nil, nil, nil, nil)

    /// Parses `query` (the bytes after `?`, possibly empty) for a route that
    /// accepts `names` (at most five).
    init(_ query: UnsafeRawBufferPointer, accepting names: [StaticString], path: StaticString) throws(LookupFailure) {
        self.names = names
        var rest: UnsafeRawBufferPointer? = query
        while let remaining = rest {
            let (pair, next) = remaining.splitOnce(at: UInt8(ascii: "&"))
            rest = next
            guard pair.count > 0 else { continue }
            let (name, value) = pair.splitOnce(at: UInt8(ascii: "="))
            guard let slot = names.firstIndex(where: { name.equals($0) }) else {
                throw Self.unknown(name, names: names, path: path)
            }
            guard let value, value.count > 0 else {
                throw .badParameter("query parameter '\(names[slot])' needs a value, e.g. ?\(names[slot])=...")
            }
            guard self[slot] == nil else {
                throw .badParameter("query parameter '\(names[slot])' is given more than once")
            }
            self[slot] = value
        }
    }

    /// The raw value of `name`'s slot, or nil when it was not given.
    subscript(slot: Int) -> UnsafeRawBufferPointer? {
        get {
            switch slot {
            case 0: return slots.0
            case 1: return slots.1
            case 2: return slots.2
            case 3: return slots.3
            default: return slots.4
            }
        }
        set {
            switch slot {
            case 0: slots.0 = newValue
            case 1: slots.1 = newValue
            case 2: slots.2 = newValue
            case 3: slots.3 = newValue
            default: slots.4 = newValue
            }
        }
    }

    private static func unknown(_ name: UnsafeRawBufferPointer, names: [StaticString], path: StaticString) -> LookupFailure {
        if names.isEmpty {
            return .badParameter("\(path) takes no query parameters; got \(quoted(name))")
        }
        let list = names.map { "\($0)" }.joined(separator: ", ")
        return .badParameter("unknown query parameter \(quoted(name)) for \(path); allowed: \(list)")
    }
}

/// Parsers for parameter values and path ids. Each failure names the
/// parameter, echoes the value and says what is allowed.
enum ParameterValue {
    /// A MovieLens id in a path segment: 0...Int32.max, decimal digits only.
    static func id(_ bytes: UnsafeRawBufferPointer, what: StaticString) throws(LookupFailure) -> Int32 {
        guard bytes.count > 0 else { throw LookupFailure(.badRequest, "invalid_id", "the \(what) is missing") }
        if bytes[0] == UInt8(ascii: "-"), bytes.count > 1, bytes.dropFirst().allSatisfy(isDigit) {
            throw LookupFailure(.badRequest, "invalid_id", "the \(what) must not be negative; got \(quoted(bytes))")
        }
        guard bytes.allSatisfy(isDigit) else {
            throw LookupFailure(.badRequest, "invalid_id", "the \(what) must be a whole number; got \(quoted(bytes))")
        }
        var value: Int64 = 0
        for byte in bytes {
            value = value * 10 + Int64(byte - 48)
            guard value <= Int64(Int32.max) else {
                throw LookupFailure(
                    .badRequest, "invalid_id",
                    "the \(what) is too large (ids go up to \(Int32.max)); got \(quoted(bytes))")
            }
        }
        return Int32(value)
    }

    /// `k`: a whole number, possibly negative or huge; the engine checks its
    /// range against the release (so the 400 can name the stored K).
    static func k(_ raw: UnsafeRawBufferPointer) throws(LookupFailure) -> Int {
        try decoded(raw) { (bytes) throws(LookupFailure) -> Int in
            let negative = bytes.first == UInt8(ascii: "-")
            let digits = negative ? UnsafeRawBufferPointer(rebasing: bytes.dropFirst()) : bytes
            guard digits.count > 0, digits.allSatisfy(isDigit) else {
                throw .badParameter("k must be a whole number; got \(quoted(bytes))")
            }
            var value = 0
            for byte in digits {
                guard value < 100_000_000_000 else { return negative ? Int.min : Int.max }
                value = value * 10 + Int(byte - 48)
            }
            return negative ? -value : value
        }
    }

    /// A hybrid weight: a non-negative decimal such as `0.6` or `1`.
    static func weight(_ raw: UnsafeRawBufferPointer, name: StaticString) throws(LookupFailure) -> Float {
        try decoded(raw) { (bytes) throws(LookupFailure) -> Float in
            let (whole, fraction) = bytes.splitOnce(at: UInt8(ascii: "."))
            let fractionDigits = fraction ?? UnsafeRawBufferPointer(start: nil, count: 0)
            guard whole.count + fractionDigits.count > 0, whole.count <= 6, fractionDigits.count <= 9,
                whole.allSatisfy(isDigit), fractionDigits.allSatisfy(isDigit)
            else {
                throw .badParameter("\(name) must be a non-negative decimal number such as 0.4; got \(quoted(bytes))")
            }
            var mantissa: Int64 = 0
            for byte in whole { mantissa = mantissa * 10 + Int64(byte - 48) }
            for byte in fractionDigits { mantissa = mantissa * 10 + Int64(byte - 48) }
            let value = Float(Double(mantissa) / Double(jsonPowersOfTen[fractionDigits.count]))
            guard ServeLimits.hybridWeight.contains(value) else {
                throw .badParameter("\(name) must be between 0 and 1000; got \(quoted(bytes))")
            }
            return value
        }
    }

    static func mode(_ raw: UnsafeRawBufferPointer) throws(LookupFailure) -> RecommendationMode {
        try decoded(raw) { (bytes) throws(LookupFailure) -> RecommendationMode in
            for (name, mode) in RecommendationMode.names where bytes.equalsIgnoringCase(name) { return mode }
            throw .badParameter("mode must be \(RecommendationMode.allowed); got \(quoted(bytes))")
        }
    }

    static func window(_ raw: UnsafeRawBufferPointer) throws(LookupFailure) -> TrendingWindow {
        try decoded(raw) { (bytes) throws(LookupFailure) -> TrendingWindow in
            for window in TrendingWindow.allCases where bytes.equalsIgnoringCase(window.label) { return window }
            throw .badParameter("window must be 24h, 7d or 30d; got \(quoted(bytes))")
        }
    }

    /// A genre name from `Genres.all`, ignoring ASCII case; returns its bit index.
    static func genre(_ raw: UnsafeRawBufferPointer) throws(LookupFailure) -> Int {
        try decoded(raw) { (bytes) throws(LookupFailure) -> Int in
            for (i, name) in Genres.all.enumerated() where bytes.equalsIgnoringCase(name) { return i }
            throw .badParameter("unknown genre \(quoted(bytes)); one of: \(Genres.all.joined(separator: ", "))")
        }
    }

    /// Runs `body` on the percent-decoded value (`%41` → `A`, `+` → space);
    /// values without `%` or `+` are passed through untouched.
    static func decoded<R>(
        _ raw: UnsafeRawBufferPointer,
        _ body: (UnsafeRawBufferPointer) throws(LookupFailure) -> R
    ) throws(LookupFailure) -> R {
        guard raw.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else {
            return try body(raw)
        }
        var bytes: [UInt8] = []
        var i = 0
        while i < raw.count {
            let byte = raw[i]
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                guard i + 2 < raw.count, let high = hexValue(raw[i + 1]), let low = hexValue(raw[i + 2]) else {
                    throw .badParameter("malformed percent-encoding in \(quoted(raw))")
                }
                bytes.append(high << 4 | low)
                i += 2
            } else {
                bytes.append(byte)
            }
            i += 1
        }
        let result = bytes.withUnsafeBytes { decoded in
            Result { () throws(LookupFailure) -> R in try body(decoded) }
        }
        return try result.get()
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
}
