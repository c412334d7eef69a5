import ReelCore

/// Writes one malformed row that breaks exactly `rule` (and no rule checked
/// before it), varying the way it is broken. Every other field is valid: a
/// real user, a real movie the user has not rated, a half-star rating, a
/// timestamp inside the data's range.
enum SynthDirtyRows {
    /// The most bytes a dirty row takes, apart from a tag's text.
    static let maxRowBytes = 72

    /// Valid values for the fields a dirty row does not break.
    struct Context {
        var userID: Int64
        var movieID: Int64
        /// A movieId that is not in movies.csv.
        var orphanID: Int64
        var halves: Int
        var time: Int64
    }

    /// Not a positive 32-bit integer: zero, negative, not a number, too large.
    static func badID(_ c: inout CSVByteCursor, _ rng: inout SplitMix64) {
        switch rng.next() % 5 {
        case 0: c.int(0)
        case 1: c.int(-Int64(1 + rng.next() % 1000))
        case 2: c.int(Int64(1 + rng.next() % 1000)); c.bytes(Array("x".utf8))
        case 3: c.int(Int64(Int32.max) + 1 + Int64(rng.next() % 1_000_000))
        default: c.int(Int64(1 + rng.next() % 1000)); c.bytes(Array(".5".utf8))
        }
    }

    /// Byte sequences that are not UTF-8: Latin-1 "é", a lone continuation
    /// byte, a truncated sequence, an overlong "/", an encoded surrogate.
    static let badUTF8: [[UInt8]] = [[0xE9], [0x80], [0xC3, 0x20], [0xC0, 0xAF], [0xED, 0xA0, 0x80]]

    /// `text` with a sequence that is not UTF-8 in front of it.
    static func withBadUTF8(_ text: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        badUTF8[Int(rng.next() % UInt64(badUTF8.count))] + text
    }

    static let badRatings = ["0.0", "5.5", "3.3", "6.0", "-1.0", "four", "4.25"].map { Array($0.utf8) }
    static let badTimes = ["abc", "2019-01-01", "1e9", "12:00"].map { Array($0.utf8) }

    /// A timestamp that breaks `rule` (one of the three timestamp rules), else `valid`.
    static func time(_ c: inout CSVByteCursor, _ rule: BronzeQualityRule, valid: Int64, _ rng: inout SplitMix64) {
        switch rule {
        case .timestampInvalid:
            if rng.next() % 2 == 0 {
                c.bytes(badTimes[Int(rng.next() % UInt64(badTimes.count))])
            } else {
                c.int(valid); c.bytes(Array(".5".utf8))
            }
        case .timestampTooOld:
            c.int(631_152_000 + Int64(rng.next() % UInt64(BronzeQualityRule.oldestTimestamp - 631_152_000)))  // 1990 .. 1994
        case .timestampInFuture:
            c.int(4_102_444_800 + Int64(rng.next() % 100_000_000))  // 2100 and later
        default:
            c.int(valid)
        }
    }

    /// A ratings.csv row (`userId,movieId,rating,timestamp`) breaking `rule`.
    static func rating(_ c: inout CSVByteCursor, _ rule: BronzeQualityRule, _ x: Context, _ rng: inout SplitMix64) {
        c.require(maxRowBytes)
        userMovieRow(&c, rule, x, &rng) { c, rng in
            if rule == .ratingInvalid { c.bytes(badRatings[Int(rng.next() % UInt64(badRatings.count))]) } else { c.halfStars(x.halves) }
        }
    }

    /// A tags.csv row (`userId,movieId,tag,timestamp`) breaking `rule`.
    static func tag(_ c: inout CSVByteCursor, _ rule: BronzeQualityRule, _ x: Context, tag: [UInt8], _ rng: inout SplitMix64) {
        c.require(maxRowBytes + CSVText.quotedBound(tag.count + 3))
        userMovieRow(&c, rule, x, &rng) { c, rng in
            if rule == .tagInvalidUTF8 {
                c.field(withBadUTF8(tag, &rng))
            } else if rule != .tagEmpty {
                c.field(tag)
            } else if rng.next() % 2 == 0 {
                c.bytes(Array("\"\"".utf8))
            }
        }
    }

    /// `userId,movieId,<third>,timestamp` with the field `rule` names broken;
    /// `third` writes the third field (valid unless the rule is about it).
    /// For `field_count`: one field too few, one too many, or `;` as delimiter.
    private static func userMovieRow(
        _ c: inout CSVByteCursor, _ rule: BronzeQualityRule, _ x: Context, _ rng: inout SplitMix64,
        third: (inout CSVByteCursor, inout SplitMix64) -> Void
    ) {
        if rule == .fieldCount {
            switch rng.next() % 3 {
            case 0:  // three fields
                c.int(x.userID); c.comma(); c.int(x.movieID); c.comma(); third(&c, &rng)
            case 1:  // five fields
                c.int(x.userID); c.comma(); c.int(x.movieID); c.comma(); third(&c, &rng)
                c.comma(); c.int(x.time); c.comma(); c.int(x.time)
            default:  // semicolons: one field
                c.int(x.userID); c.byte(UInt8(ascii: ";")); c.int(x.movieID); c.byte(UInt8(ascii: ";")); c.int(x.time)
            }
            c.newline()
            return
        }
        if rule == .userIdInvalid { badID(&c, &rng) } else { c.int(x.userID) }
        c.comma()
        switch rule {
        case .movieIdInvalid: badID(&c, &rng)
        case .movieIdOrphan: c.int(x.orphanID)
        default: c.int(x.movieID)
        }
        c.comma()
        third(&c, &rng)
        c.comma()
        time(&c, rule, valid: x.time, &rng)
        c.newline()
    }

    static let badGenres = ["Drama|Cyberpunk", "Comedy|(no genres listed)", "drama", "Sci Fi", "Action,Drama"].map { Array($0.utf8) }

    /// A movies.csv row (`movieId,title,genres`) breaking `rule`. `freshID` is in
    /// no other row; `earlierID` is a movie written before this row.
    static func movie(
        _ c: inout CSVByteCursor, _ rule: BronzeQualityRule, freshID: Int64, earlierID: Int64,
        title: [UInt8], _ rng: inout SplitMix64
    ) {
        c.require(maxRowBytes + CSVText.quotedBound(title.count) + 32)
        switch rule {
        case .fieldCount:
            c.int(freshID); c.comma()
            if rng.next() % 2 == 0 {
                c.field(title)  // no genres column
            } else {
                c.bytes(Array("Unquoted, The (1999)".utf8))  // the comma splits the title
                c.comma(); c.bytes(Array("Drama".utf8))
            }
        case .movieIdInvalid, .movieIdDuplicate:
            if rule == .movieIdInvalid { badID(&c, &rng) } else { c.int(earlierID) }
            c.comma(); c.field(title); c.comma(); c.bytes(Array("Comedy".utf8))
        case .titleInvalidUTF8:
            c.int(freshID); c.comma(); c.field(withBadUTF8(title, &rng)); c.comma(); c.bytes(Array("Drama".utf8))
        case .titleEmpty:
            c.int(freshID); c.comma()
            if rng.next() % 2 == 0 { c.bytes(Array("\"\"".utf8)) }
            c.comma(); c.bytes(Array("Drama".utf8))
        default:  // genre_unknown
            c.int(freshID); c.comma(); c.field(title); c.comma()
            let g = badGenres[Int(rng.next() % UInt64(badGenres.count))]
            if g.contains(UInt8(ascii: ",")) { c.field(g) } else { c.bytes(g) }
        }
        c.newline()
    }

    /// A links.csv row (`movieId,imdbId,tmdbId`) breaking `rule`.
    static func link(_ c: inout CSVByteCursor, _ rule: BronzeQualityRule, _ x: Context, imdb: Int64, _ rng: inout SplitMix64) {
        c.require(maxRowBytes)
        switch rule {
        case .fieldCount:
            c.int(x.movieID); c.comma(); SynthCatalog.imdb(&c, imdb)
            if rng.next() % 2 == 0 { c.comma(); c.int(imdb % 100_000 + 1); c.comma(); c.int(7) }
        case .movieIdInvalid, .movieIdOrphan:
            if rule == .movieIdInvalid { badID(&c, &rng) } else { c.int(x.orphanID) }
            c.comma(); SynthCatalog.imdb(&c, imdb); c.comma(); c.int(imdb % 100_000 + 1)
        case .imdbIdInvalid:
            c.int(x.movieID); c.comma()
            switch rng.next() % 3 {
            case 0: c.bytes(Array("tt".utf8)); SynthCatalog.imdb(&c, imdb)
            case 1: break  // empty, but required
            default: c.bytes(Array("01a4709".utf8))
            }
            c.comma(); c.int(imdb % 100_000 + 1)
        default:  // tmdbId_invalid
            c.int(x.movieID); c.comma(); SynthCatalog.imdb(&c, imdb); c.comma()
            let bad = ["0", "-5", "abc", "12.5"]
            c.bytes(Array(bad[Int(rng.next() % UInt64(bad.count))].utf8))
        }
        c.newline()
    }
}
