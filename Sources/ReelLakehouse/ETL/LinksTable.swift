import ReelCore
import ReelSilver

/// Collects accepted links.csv rows (already resolved to movie rows).
struct LinksSink: RowSink {
    let movie: Int, imdb: Int, tmdb: Int
    var movieRows: [Int32] = []
    var imdbIDs: [Int64] = []
    var tmdbIDs: [Int32] = []

    init(table: BronzeTable) throws {
        movie = try table.column("movieId", needs: .reference)
        imdb = try table.column("imdbId", needs: .integer)
        tmdb = try table.column("tmdbId", needs: .id32)
        guard table.dedupe == .lastLine(key: [movie]) else {
            throw ReelError(
                .invalidInput,
                "bronze contract: table '\(table.name)' must dedupe on movieId keeping the last line (the only links dedupe this build implements)")
        }
    }

    mutating func accept(_ record: CSVRecord, _ v: inout RowValues, in bytes: UnsafeRawBufferPointer) {
        movieRows.append(v.rows[movie])
        imdbIDs.append(v.values[imdb])
        tmdbIDs.append(v.present & (1 << UInt32(tmdb)) != 0 ? Int32(truncatingIfNeeded: v.values[tmdb]) : 0)
    }

    /// Joins the links onto `movieCount` movie rows; a later line for the same
    /// movie replaces an earlier one. Returns the links and how many lines lost.
    static func join(_ sinks: [LinksSink], movieCount: Int) -> (SilverLinks, deduplicated: Int) {
        var links = SilverLinks.none(movieCount: movieCount)
        var linked = [Bool](repeating: false, count: movieCount)
        var deduplicated = 0
        for sink in sinks {
            for i in sink.movieRows.indices {
                let row = Int(sink.movieRows[i])
                if linked[row] { deduplicated += 1 }
                linked[row] = true
                links.imdbIDs[row] = sink.imdbIDs[i]
                links.tmdbIDs[row] = sink.tmdbIDs[i]
            }
        }
        return (links, deduplicated)
    }
}
