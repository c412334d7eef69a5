import NIOCore
import ReelCore
import ReelServing

/// JSON bodies of the web face's API routes (the CLI's `--json` prints the same bytes).
enum WebJSON {
    /// `{"query":"star wars","release":"…","count":2,"items":[{"rank":1,"movieId":260,…,"ratingCount":81815,"match":"prefix"}]}`
    static func writeSearch<Store>(
        query: [UInt8], results: [TitleMatch], release: ServedRelease<Store>,
        into buffer: inout ByteBuffer
    ) {
        buffer.writeStaticString("{\"query\":")
        query.withUnsafeBytes { buffer.writeJSONString(String(decoding: $0, as: UTF8.self)) }
        buffer.writeStaticString(",\"release\":")
        buffer.writeBytes(release.idJSON)
        buffer.writeStaticString(",\"count\":")
        buffer.writeJSONInteger(results.count)
        buffer.writeStaticString(",\"items\":[")
        for (i, match) in results.enumerated() {
            let movie = release.store.movie(row: Int(match.row))
            buffer.writeJSON(maxBytes: LookupJSON.summaryMaxBytes(movie) + 96) { w in
                if i > 0 { w.byte(UInt8(ascii: ",")) }
                w.literal("{\"rank\":")
                w.integer(Int64(i + 1))
                w.byte(UInt8(ascii: ","))
                LookupJSON.writeMovieSummary(movie, into: &w)
                w.literal(",\"ratingCount\":")
                w.integer(Int64(movie.ratingCount))
                w.literal(",\"match\":\"")
                w.literal(match.kind.label)
                w.literal("\"}")
            }
        }
        buffer.writeStaticString("]}")
    }

    /// `{"userId":1,"release":"…","stored":20,"count":2,"items":[{"rank":1,"movieId":…,"rating":4.5,"ratedAt":1420070400}]}`;
    /// `stored` is 0 (and `items` empty) for a release without recent ratings.
    static func writeRatings<Store>(
        userID: Int32, userRow: Int, limit: Int?, release: ServedRelease<Store>,
        into buffer: inout ByteBuffer
    ) {
        let recent = release.store.web?.recent
        var range = recent?.range(userRow: userRow) ?? 0..<0
        if let limit, range.count > limit { range = range.lowerBound..<range.lowerBound + limit }
        buffer.writeStaticString("{\"userId\":")
        buffer.writeJSONInteger(Int64(userID))
        buffer.writeStaticString(",\"release\":")
        buffer.writeBytes(release.idJSON)
        buffer.writeStaticString(",\"stored\":")
        buffer.writeJSONInteger(recent?.n ?? 0)
        buffer.writeStaticString(",\"count\":")
        buffer.writeJSONInteger(range.count)
        buffer.writeStaticString(",\"items\":[")
        if let recent {
            for (i, e) in range.enumerated() {
                let movie = release.store.movie(row: Int(recent.movies[e]))
                buffer.writeJSON(maxBytes: LookupJSON.summaryMaxBytes(movie) + 96) { w in
                    if i > 0 { w.byte(UInt8(ascii: ",")) }
                    w.literal("{\"rank\":")
                    w.integer(Int64(i + 1))
                    w.byte(UInt8(ascii: ","))
                    LookupJSON.writeMovieSummary(movie, into: &w)
                    w.literal(",\"rating\":")
                    w.number(Double(recent.halfStars[e]) / 2, fractionDigits: 1)
                    w.literal(",\"ratedAt\":")
                    w.integer(Int64(recent.times[e]))
                    w.byte(UInt8(ascii: "}"))
                }
            }
        }
        buffer.writeStaticString("]}")
    }
}
