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
            if i > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            writeItem(rank: i + 1, movie: store.movie(row: Int(item.movie)), score: item.score, into: &buffer)
        }
        buffer.writeStaticString("]}")
    }

    /// `{"rank":1,"movieId":296,"title":"Pulp Fiction","year":1994,"genres":[...],"score":4.71}`
    static func writeItem(rank: Int, movie: MovieView, score: Float, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("{\"rank\":")
        buffer.writeJSONInteger(rank)
        buffer.writeInteger(UInt8(ascii: ","))
        writeMovieSummary(movie, into: &buffer)
        buffer.writeStaticString(",\"score\":")
        buffer.writeJSONNumber(score)
        buffer.writeInteger(UInt8(ascii: "}"))
    }

    /// `"movieId":296,"title":"Pulp Fiction","year":1994,"genres":["Comedy","Crime"]` (no braces).
    static func writeMovieSummary(_ movie: MovieView, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("\"movieId\":")
        buffer.writeJSONInteger(Int(movie.id))
        buffer.writeStaticString(",\"title\":")
        buffer.writeJSONString(movie.title)
        buffer.writeStaticString(",\"year\":")
        if movie.year == 0 { buffer.writeStaticString("null") } else { buffer.writeJSONInteger(Int(movie.year)) }
        buffer.writeStaticString(",\"genres\":")
        GenreJSON.write(movie.genres, into: &buffer)
    }

    /// A movie's full record, left open (no closing brace) so callers can add fields.
    static func writeMovie<Store: RecommendationStore>(_ movie: MovieView, store: Store, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "{"))
        writeMovieSummary(movie, into: &buffer)
        buffer.writeStaticString(",\"ratingCount\":")
        buffer.writeJSONInteger(Int(movie.ratingCount))
        buffer.writeStaticString(",\"ratingMean\":")
        buffer.writeJSONNumber(movie.ratingMean, fractionDigits: 4)
        buffer.writeStaticString(",\"popularity\":{")
        for window in TrendingWindow.allCases {
            if window.rawValue > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            writeWindow(window, into: &buffer)
            buffer.writeInteger(UInt8(ascii: ":"))
            buffer.writeJSONNumber(store.popularity(movieRow: movie.row, window: window))
        }
        buffer.writeInteger(UInt8(ascii: "}"))
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
