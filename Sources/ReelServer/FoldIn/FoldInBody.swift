import ReelServing

/// The JSON body of a fold-in request, parsed in place:
///
///     {"ratings": [{"movieId": 296, "rating": 4.5}, 318, …], "k": 10, "mode": "hybrid"}
///
/// `ratings` is required; each entry is an object with `movieId` (integer) and
/// `rating` (0.5–5.0), or a bare movie id meaning watched/liked
/// (`FoldInLimits.likedRating`). `k` and `mode` are optional, as in the query of
/// `GET /v1/users/{id}/recommendations`. Unknown keys, a second `ratings`, more
/// than `FoldInLimits.maxRatings` entries and trailing bytes are refused, each
/// with a 400 naming the byte offset or the field.
///
/// A small recursive-descent scanner for exactly this shape (no general JSON
/// tree, no Foundation): one pass, and `movieIDs`/`ratings` keep their capacity
/// between requests on a connection.
struct FoldInBody {
    private(set) var movieIDs: [Int32] = []
    private(set) var ratings: [Float] = []
    private(set) var k: Int?
    private(set) var mode: RecommendationMode?

    init() {
        movieIDs.reserveCapacity(64)
        ratings.reserveCapacity(64)
    }

    mutating func parse(_ bytes: UnsafeRawBufferPointer) throws(LookupFailure) {
        movieIDs.removeAll(keepingCapacity: true)
        ratings.removeAll(keepingCapacity: true)
        k = nil
        mode = nil
        var s = Scanner(bytes: bytes)
        s.skipSpace()
        guard !s.atEnd else { throw Self.malformed("the body is empty; send {\"ratings\": [{\"movieId\": 1, \"rating\": 4.5}, …]}") }
        try s.expect(UInt8(ascii: "{"), "the body must be a JSON object")
        var sawRatings = false
        if !s.consume(UInt8(ascii: "}")) {
            repeat {
                let key = try s.string()
                try s.expect(UInt8(ascii: ":"), "expected ':' after a key")
                if key.equals("ratings") {
                    guard !sawRatings else { throw .badParameter("'ratings' is given twice") }
                    sawRatings = true
                    try parseRatings(&s)
                } else if key.equals("k") {
                    let start = s.offset
                    let value = try s.number()
                    guard value == value.rounded(), abs(value) < 1e12 else {
                        throw .badParameter("k must be a whole number; got the number at byte \(start)")
                    }
                    k = Int(value)
                } else if key.equals("mode") {
                    if s.consumeLiteral("null") {
                        mode = nil
                    } else {
                        mode = try ParameterValue.mode(try s.string())
                    }
                } else {
                    throw .badParameter("unknown field \(quoted(key)); a fold-in body has ratings, k and mode")
                }
            } while s.consume(UInt8(ascii: ","))
            try s.expect(UInt8(ascii: "}"), "expected ',' or '}' in the object")
        }
        s.skipSpace()
        guard s.atEnd else { throw Self.malformed("unexpected bytes after the JSON object at byte \(s.offset)") }
        guard sawRatings else { throw .badParameter("'ratings' is required: a list of {\"movieId\": …, \"rating\": …} or of movie ids") }
    }

    private mutating func parseRatings(_ s: inout Scanner) throws(LookupFailure) {
        try s.expect(UInt8(ascii: "["), "'ratings' must be a list")
        if s.consume(UInt8(ascii: "]")) { return }
        repeat {
            guard movieIDs.count < FoldInLimits.maxRatings else {
                throw .badParameter("more than \(FoldInLimits.maxRatings) ratings; send at most \(FoldInLimits.maxRatings)")
            }
            let entry = movieIDs.count
            if s.peek == UInt8(ascii: "{") {
                s.advance()
                var id: Int32?
                var rating: Float?
                if !s.consume(UInt8(ascii: "}")) {
                    repeat {
                        let key = try s.string()
                        try s.expect(UInt8(ascii: ":"), "expected ':' after a key")
                        if key.equals("movieId") {
                            id = try movieID(&s, entry)
                        } else if key.equals("rating") {
                            let value = try s.number()
                            guard value >= Double(FoldInLimits.minRating), value <= Double(FoldInLimits.maxRating) else {
                                throw .badParameter("ratings[\(entry)].rating must be between 0.5 and 5.0; got \(value)")
                            }
                            rating = Float(value)
                        } else {
                            throw .badParameter("ratings[\(entry)] has an unknown field \(quoted(key)); an entry has movieId and rating")
                        }
                    } while s.consume(UInt8(ascii: ","))
                    try s.expect(UInt8(ascii: "}"), "expected ',' or '}' in ratings[\(entry)]")
                }
                guard let id else { throw .badParameter("ratings[\(entry)] has no movieId") }
                guard let rating else { throw .badParameter("ratings[\(entry)] has no rating (give a bare movie id for watched/liked)") }
                movieIDs.append(id)
                ratings.append(rating)
            } else {
                movieIDs.append(try movieID(&s, entry))
                ratings.append(FoldInLimits.likedRating)
            }
        } while s.consume(UInt8(ascii: ","))
        try s.expect(UInt8(ascii: "]"), "expected ',' or ']' in 'ratings'")
    }

    private func movieID(_ s: inout Scanner, _ entry: Int) throws(LookupFailure) -> Int32 {
        let value = try s.number()
        guard value == value.rounded(), value >= 0, value <= Double(Int32.max) else {
            throw .badParameter("ratings[\(entry)].movieId must be a whole number in 0...\(Int32.max); got \(value)")
        }
        return Int32(value)
    }

    static func malformed(_ detail: String) -> LookupFailure {
        LookupFailure(.badRequest, "malformed_json", "the body is not valid JSON: \(detail)")
    }
}

/// A cursor over the body bytes; whitespace is skipped before every token.
private struct Scanner {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    var atEnd: Bool { offset >= bytes.count }
    var peek: UInt8? {
        mutating get { skipSpace(); return offset < bytes.count ? bytes[offset] : nil }
    }

    mutating func advance() { offset += 1 }

    mutating func skipSpace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: offset += 1
            default: return
            }
        }
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        skipSpace()
        guard offset < bytes.count, bytes[offset] == byte else { return false }
        offset += 1
        return true
    }

    mutating func consumeLiteral(_ text: StaticString) -> Bool {
        skipSpace()
        let n = text.utf8CodeUnitCount
        guard offset + n <= bytes.count else { return false }
        for i in 0..<n where bytes[offset + i] != text.utf8Start[i] { return false }
        offset += n
        return true
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(LookupFailure) {
        guard consume(byte) else {
            throw FoldInBody.malformed(atEnd ? "\(what), but the body ends" : "\(what) at byte \(offset)")
        }
    }

    /// A string's raw bytes between the quotes (escapes left as they are:
    /// the keys and values this body accepts have none).
    mutating func string() throws(LookupFailure) -> UnsafeRawBufferPointer {
        try expect(UInt8(ascii: "\""), "expected a string")
        let start = offset
        while offset < bytes.count {
            let b = bytes[offset]
            if b == UInt8(ascii: "\"") {
                offset += 1
                return UnsafeRawBufferPointer(rebasing: bytes[start..<(offset - 1)])
            }
            if b < 0x20 { throw FoldInBody.malformed("a control character inside a string at byte \(offset)") }
            offset += b == UInt8(ascii: "\\") ? 2 : 1
        }
        throw FoldInBody.malformed("a string is not closed")
    }

    /// A JSON number (RFC 8259 grammar) as a Double.
    mutating func number() throws(LookupFailure) -> Double {
        skipSpace()
        let start = offset
        func digits(_ s: inout Scanner) -> (value: Double, count: Int) {
            var v = 0.0, n = 0
            while s.offset < s.bytes.count, s.bytes[s.offset] >= 48, s.bytes[s.offset] <= 57 {
                v = v * 10 + Double(s.bytes[s.offset] - 48)
                n += 1
                s.offset += 1
            }
            return (v, n)
        }
        let negative = consume(UInt8(ascii: "-"))
        guard offset < bytes.count, bytes[offset] >= 48, bytes[offset] <= 57 else {
            throw FoldInBody.malformed("expected a number at byte \(start)")
        }
        let leadingZero = bytes[offset] == 48
        var (value, intDigits) = digits(&self)
        guard !(leadingZero && intDigits > 1) else { throw FoldInBody.malformed("a number has a leading zero at byte \(start)") }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
            offset += 1
            let before = offset
            let (fraction, n) = digits(&self)
            guard n > 0 else { throw FoldInBody.malformed("a number has no digits after '.' at byte \(before)") }
            value += fraction / Self.power10(n)
        }
        if offset < bytes.count, bytes[offset] | 0x20 == UInt8(ascii: "e") {
            offset += 1
            var minus = false
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "-") || bytes[offset] == UInt8(ascii: "+") {
                minus = bytes[offset] == UInt8(ascii: "-")
                offset += 1
            }
            let (e, n) = digits(&self)
            guard n > 0 else { throw FoldInBody.malformed("a number has no exponent digits at byte \(offset)") }
            let p = Self.power10(Int(min(e, 400)))
            value = minus ? value / p : value * p
        }
        return negative ? -value : value
    }

    static func power10(_ n: Int) -> Double {
        var p = 1.0
        for _ in 0..<n { p *= 10 }
        return p
    }
}
