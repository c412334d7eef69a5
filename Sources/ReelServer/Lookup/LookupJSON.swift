import NIOCore
import ReelCore
import ReelServing

/// Renders lookup answers and errors as JSON response bodies. The daemon and
/// the CLI's `--json` both call this, so they print the same bytes.
///
/// Every list item carries the movie's title and genres, so a client needs no
/// second request to show a list.
enum LookupJSON {
    static func write<Store>(
        _ answer: LookupAnswer, items: [(movie: Int32, score: Float)],
        release: ServedRelease<Store>, into buffer: inout ByteBuffer
    ) {
        let store = release.store
        if case let .movie(row) = answer {
            writeMovie(store.movie(row: row), store: store, into: &buffer)
            buffer.writeStaticString(",\"release\":")
            buffer.writeBytes(release.idJSON)
            buffer.writeInteger(UInt8(ascii: "}"))
            return
        }
        // Everything before the items, through one reservation.
        var similar: MovieView?
        if case let .similar(row) = answer { similar = store.movie(row: row) }
        let textBytes = RawJSONWriter.maxStringBytes(max(similar?.title.count ?? 0, longestGenreName))
        buffer.writeJSON(maxBytes: 256 + 4 * RawJSONWriter.maxNumberBytes + release.idJSON.count + textBytes) { w in
            switch answer {
            case let .recommendations(userID, source, weights):
                w.literal("{\"userId\":")
                w.integer(Int64(userID))
                w.literal(",\"source\":")
                switch source {
                case .hybrid: w.literal("\"hybrid\"")
                case .fallback:
                    w.literal("\"fallback\",\"window\":")
                    w.literal(windowJSON(LookupDefaults.window))
                case .als, .served:
                    // A name of [a-z0-9-] (checked when the release was opened): no escaping needed.
                    w.byte(UInt8(ascii: "\""))
                    for byte in source.name(in: store).utf8 { w.byte(byte) }
                    w.byte(UInt8(ascii: "\""))
                }
                if let weights {
                    w.literal(",\"weights\":{\"model\":")
                    w.number(Double(weights.model))
                    w.literal(",\"trending\":")
                    w.number(Double(weights.trending))
                    w.literal(",\"diversity\":")
                    w.number(Double(weights.diversity))
                    w.byte(UInt8(ascii: "}"))
                }
            case let .trending(window, genre):
                w.literal("{\"window\":")
                w.literal(windowJSON(window))
                w.literal(",\"genre\":")
                if let genre, genre < Genres.all.count {
                    var name = Genres.all[genre]
                    name.withUTF8 { w.string(UnsafeRawBufferPointer($0)) }
                } else {
                    w.literal("null")
                }
            case .similar:
                w.literal("{\"movieId\":")
                w.integer(Int64(similar!.id))
                w.literal(",\"title\":")
                w.string(similar!.title)
            case .movie:
                break
            }
            w.literal(",\"release\":")
            release.idJSON.withUnsafeBytes { w.bytes($0) }
            w.literal(",\"count\":")
            w.integer(Int64(items.count))
            w.literal(",\"items\":[")
        }
        if let summaries = release.movieSummaries {
            summaries.withRows { writeItems(items, summaries: $0, into: &buffer) }
        } else {
            for (i, item) in items.enumerated() {
                writeItem(rank: i + 1, movie: store.movie(row: Int(item.movie)), score: item.score, into: &buffer)
            }
        }
        buffer.writeStaticString("]}")
    }

    /// The same items as `writeItem` writes, from pre-rendered movie fields, through one reservation.
    static func writeItems(
        _ items: [(movie: Int32, score: Float)], summaries: MovieSummaryTable.Rows,
        into buffer: inout ByteBuffer
    ) {
        var maxBytes = 0
        for item in items { maxBytes += summaries[Int(item.movie)].count + 48 }
        buffer.writeJSON(maxBytes: maxBytes) { w in
            for (i, item) in items.enumerated() {
                if i > 0 { w.byte(UInt8(ascii: ",")) }
                w.literal("{\"rank\":")
                w.integer(Int64(i + 1))
                w.byte(UInt8(ascii: ","))
                w.bytes(summaries[Int(item.movie)])
                w.literal(",\"score\":")
                w.number(Double(item.score))
                w.byte(UInt8(ascii: "}"))
            }
        }
    }

    /// `{"rank":1,"movieId":296,"title":"Pulp Fiction","year":1994,"genres":[...],"score":4.71}`
    /// (preceded by a comma after the first), written through one reservation in the buffer.
    static func writeItem(rank: Int, movie: MovieView, score: Float, into buffer: inout ByteBuffer) {
        buffer.writeJSON(maxBytes: summaryMaxBytes(movie) + 48) { w in
            if rank > 1 { w.byte(UInt8(ascii: ",")) }
            w.literal("{\"rank\":")
            w.integer(Int64(rank))
            w.byte(UInt8(ascii: ","))
            writeMovieSummary(movie, into: &w)
            w.literal(",\"score\":")
            w.number(Double(score))
            w.byte(UInt8(ascii: "}"))
        }
    }

    /// The most bytes `writeMovieSummary` writes for `movie`.
    static func summaryMaxBytes(_ movie: MovieView) -> Int {
        64 + RawJSONWriter.maxStringBytes(movie.title.count) + GenreJSON.maxBytes + 2 * RawJSONWriter.maxNumberBytes
    }

    /// `"movieId":296,"title":"Pulp Fiction","year":1994,"genres":["Comedy","Crime"]` (no braces).
    static func writeMovieSummary(_ movie: MovieView, into w: inout RawJSONWriter) {
        w.literal("\"movieId\":")
        w.integer(Int64(movie.id))
        w.literal(",\"title\":")
        w.string(movie.title)
        w.literal(",\"year\":")
        if movie.year == 0 { w.literal("null") } else { w.integer(Int64(movie.year)) }
        w.literal(",\"genres\":")
        GenreJSON.write(movie.genres, into: &w)
    }

    /// A movie's full record, left open (no closing brace) so callers can add fields.
    static func writeMovie<Store: RecommendationStore>(_ movie: MovieView, store: Store, into buffer: inout ByteBuffer) {
        buffer.writeJSON(maxBytes: summaryMaxBytes(movie) + 96 + 4 * RawJSONWriter.maxNumberBytes) { w in
            w.byte(UInt8(ascii: "{"))
            writeMovieSummary(movie, into: &w)
            w.literal(",\"ratingCount\":")
            w.integer(Int64(movie.ratingCount))
            w.literal(",\"ratingMean\":")
            w.number(Double(movie.ratingMean), fractionDigits: 4)
            w.literal(",\"popularity\":{\"24h\":")
            w.number(Double(store.popularity(movieRow: movie.row, window: .day)))
            w.literal(",\"7d\":")
            w.number(Double(store.popularity(movieRow: movie.row, window: .week)))
            w.literal(",\"30d\":")
            w.number(Double(store.popularity(movieRow: movie.row, window: .month)))
            w.byte(UInt8(ascii: "}"))
        }
    }

    /// `{"error":"invalid_parameter","detail":"k must be between 1 and 100 ..."}`
    static func writeError(_ failure: LookupFailure, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("{\"error\":")
        buffer.writeJSONString(failure.code)
        buffer.writeStaticString(",\"detail\":")
        buffer.writeJSONString(failure.detail)
        buffer.writeInteger(UInt8(ascii: "}"))
    }

    static func windowJSON(_ window: TrendingWindow) -> StaticString {
        switch window {
        case .day: return "\"24h\""
        case .week: return "\"7d\""
        case .month: return "\"30d\""
        }
    }

    private static let longestGenreName = Genres.all.map(\.utf8.count).max() ?? 0
}
