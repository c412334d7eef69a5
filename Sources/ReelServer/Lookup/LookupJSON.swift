import NIOCore
import ReelCore
import ReelLakehouse
import ReelRelease

/// Renders lookup answers and errors as JSON response bodies. The daemon and
/// the CLI's `--json` both call this, so they print the same bytes.
///
/// Every list item carries the movie's title and genres, so a client needs no
/// second request to show a list.
enum LookupJSON {
    static func write<Store>(_ answer: LookupAnswer, items: [(movie: Int32, score: Float)],
                             release: ServedRelease<Store>, into buffer: inout ByteBuffer) {
        let store = release.store
        switch answer {
        case let .recommendations(userID, source, weights):
            buffer.writeStaticString("{\"userId\":")
            buffer.writeJSONInteger(Int(userID))
            buffer.writeStaticString(",\"source\":")
            switch source {
            case .als: buffer.writeStaticString("\"als\"")
            case .hybrid: buffer.writeStaticString("\"hybrid\"")
            case .fallback: buffer.writeStaticString("\"fallback\",\"window\":")
                writeWindow(LookupDefaults.window, into: &buffer)
            }
            if let weights {
                buffer.writeStaticString(",\"weights\":{\"model\":")
                buffer.writeJSONNumber(weights.model)
                buffer.writeStaticString(",\"trending\":")
                buffer.writeJSONNumber(weights.trending)
                buffer.writeStaticString(",\"diversity\":")
                buffer.writeJSONNumber(weights.diversity)
                buffer.writeInteger(UInt8(ascii: "}"))
            }

        case let .trending(window, genre):
            buffer.writeStaticString("{\"window\":")
            writeWindow(window, into: &buffer)
            buffer.writeStaticString(",\"genre\":")
            if let genre, genre < Genres.all.count {
                buffer.writeJSONString(Genres.all[genre])
            } else {
                buffer.writeStaticString("null")
            }

        case let .similar(row):
            let movie = store.movie(row: row)
            buffer.writeStaticString("{\"movieId\":")
            buffer.writeJSONInteger(Int(movie.id))
            buffer.writeStaticString(",\"title\":")
            buffer.writeJSONString(movie.title)

        case let .movie(row):
            writeMovie(store.movie(row: row), store: store, into: &buffer)
            buffer.writeStaticString(",\"release\":")
            buffer.writeBytes(release.idJSON)
            buffer.writeInteger(UInt8(ascii: "}"))
            return
        }
        buffer.writeStaticString(",\"release\":")
        buffer.writeBytes(release.idJSON)
        buffer.writeStaticString(",\"count\":")
        buffer.writeJSONInteger(items.count)
        buffer.writeStaticString(",\"items\":[")
        for (i, item) in items.enumerated() {
            writeItem(rank: i + 1, movie: store.movie(row: Int(item.movie)), score: item.score, into: &buffer)
        }
        buffer.writeStaticString("]}")
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

    static func writeWindow(_ window: TrendingWindow, into buffer: inout ByteBuffer) {
        switch window {
        case .day: buffer.writeStaticString("\"24h\"")
        case .week: buffer.writeStaticString("\"7d\"")
        case .month: buffer.writeStaticString("\"30d\"")
        }
    }
}
