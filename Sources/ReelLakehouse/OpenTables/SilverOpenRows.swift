import ReelCore
import ReelSilver
import ReelParquet

/// Silver's in-memory tables as rows of the open tables (`open_tables:` of
/// `silver_tables.yml`): dense rows back to external ids, seconds to
/// milliseconds, the binary layout's sentinels (year 0, imdbId -1, tmdbId 0,
/// mean of an unrated movie) to nulls.
public enum SilverOpenRows {
    /// Ratings per data file. ~80 MB of columns in memory at a time and data
    /// files of ~20–30 MB; ml-25m becomes 6 files.
    public static let ratingsPerFile = 1 << 22

    /// Ratings `rows` (indexes into the user-major CSR) as `userId, movieId, rating, timestamp`.
    /// The ids go to the writer dictionary-encoded as they already are —
    /// the users of these rows and their user rows, all movie ids and the
    /// movie rows — so it neither looks ids up nor builds dictionaries. The
    /// columns are `buffers`' arrays, refilled in place for every file.
    public static func ratings(
        userIDs: [Int32], offsets: [Int64], movieRows: [Int32], ratings: [Float], times: [Int64],
        movieIDs: [Int32], rows: Range<Int>, buffers: RatingsFileBuffers = RatingsFileBuffers()
    ) -> OpenTableRows {
        let n = rows.count
        // The user owning the first row: the last user whose ratings start at or before it.
        var lo = 0, hi = userIDs.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if offsets[mid + 1] <= Int64(rows.lowerBound) { lo = mid + 1 } else { hi = mid }
        }
        let firstUser = lo
        // Half the columns on a thread of their own: the writer waits for them.
        let half = BackgroundTask {
            RatingsFileBuffers.refill(&buffers.movies, count: n) { out in
                movieRows.withUnsafeBytes { all in
                    UnsafeMutableRawBufferPointer(out).copyMemory(
                        from: UnsafeRawBufferPointer(rebasing: all[(4 * rows.lowerBound)..<(4 * rows.upperBound)]))
                }
            }
            RatingsFileBuffers.refill(&buffers.millis, count: n) { out in
                times.withUnsafeBufferPointer { all in
                    for (j, t) in UnsafeBufferPointer(rebasing: all[rows]).enumerated() { out[j] = t &* 1000 }
                }
            }
        }
        var user = firstUser
        RatingsFileBuffers.refill(&buffers.users, count: n) { out in
            for (j, i) in rows.enumerated() {
                while Int64(i) >= offsets[user + 1] { user += 1 }
                out[j] = UInt32(user - firstUser)
            }
        }
        RatingsFileBuffers.refill(&buffers.ratings, count: n) { out in
            ratings.withUnsafeBufferPointer { all in _ = out.initialize(from: UnsafeBufferPointer(rebasing: all[rows])) }
        }
        try! half.value()  // nothing in it throws
        return OpenTableRows([
            "userId": ParquetColumnData(dictionary: .int32(n == 0 ? [] : Array(userIDs[firstUser...user])), indices: buffers.users),
            "movieId": ParquetColumnData(dictionary: .int32(movieIDs), indices: buffers.movies),
            "rating": .float(buffers.ratings),
            "timestamp": .int64(buffers.millis),
        ])
    }

    /// One row per movie, with its links and rating statistics.
    public static func movies(_ m: SilverMovies, links: SilverLinks) throws -> OpenTableRows {
        let genreNames = ByteArrayColumn(m.genres.map { Genres.names($0).joined(separator: "|") })
        return OpenTableRows([
            "movieId": .int32(m.ids),
            "title": ParquetColumnData(.byteArray(try ByteArrayColumn(offsets: m.titleOffsets, bytes: m.titleBytes))),
            "year": OpenColumns.nullable(m.years.map(Int32.init), wrap: ParquetValues.int32, isNull: { $0 == 0 }),
            "genres": ParquetColumnData(.byteArray(genreNames)),
            "ratingCount": .int32(m.ratingCounts),
            "ratingMean": ParquetColumnData(
                .float(m.ratingMeans),
                validity: m.ratingCounts.contains(0) ? m.ratingCounts.map { $0 > 0 } : nil),
            "imdbId": OpenColumns.nullable(links.imdbIDs, wrap: ParquetValues.int64, isNull: { $0 < 0 }),
            "tmdbId": OpenColumns.nullable(links.tmdbIDs, wrap: ParquetValues.int32, isNull: { $0 == 0 }),
        ])
    }

    /// One row per tag, in the silver order (by movie, file order within a movie).
    public static func tags(_ t: SilverTags, movieIDs: [Int32]) throws -> OpenTableRows {
        var movies = [Int32]()
        movies.reserveCapacity(t.count)
        for m in 0..<(t.movieOffsets.count - 1) {
            movies.append(contentsOf: repeatElement(movieIDs[m], count: t.tags(ofMovie: m).count))
        }
        return OpenTableRows([
            "userId": .int32(t.userIDs),
            "movieId": .int32(movies),
            "tag": ParquetColumnData(.byteArray(try ByteArrayColumn(offsets: t.textOffsets, bytes: t.textBytes))),
            "timestamp": OpenColumns.millis(fromSeconds: t.times),
        ])
    }

    /// The events the ETL accepted (those whose movie row is not negative:
    /// they passed the ratings table's rules for events), by UTC day of their
    /// time: one batch per day (`date=YYYY-MM-DD`), days ascending, within a
    /// day by type (view, click, rating), then in bronze order.
    static func events(_ events: ETLEvents) -> [OpenTableRows] {
        struct Day {
            var types = ByteArrayColumn()
            var users: [Int32] = [], movies: [Int32] = [], millis: [Int64] = []
            var ratings: [Float] = [], rated: [Bool] = []
        }
        var slot: [Int64: Int] = [:]
        var days: [(day: Int64, rows: Day)] = []
        for kind in events.kinds {
            let type = kind.type, c = kind.columns
            let name = Array(type.rawValue.utf8)
            for i in 0..<c.count where kind.movieRows[i] >= 0 {
                let t = c.times[i]
                let day = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
                let k: Int
                if let known = slot[day] {
                    k = known
                } else {
                    k = days.count
                    slot[day] = k
                    days.append((day, Day()))
                }
                name.withUnsafeBytes { days[k].rows.types.append($0) }
                days[k].rows.users.append(c.users[i])
                days[k].rows.movies.append(c.movies[i])
                days[k].rows.millis.append(t &* 1000)
                let rated = type == .rating && i < c.ratings.count
                days[k].rows.ratings.append(rated ? c.ratings[i] : 0)
                days[k].rows.rated.append(rated)
            }
        }
        return days.sorted { $0.day < $1.day }.map { day, d in
            OpenTableRows(
                [
                    "eventType": ParquetColumnData(.byteArray(d.types)),
                    "userId": .int32(d.users),
                    "movieId": .int32(d.movies),
                    "timestamp": .int64(d.millis),
                    "rating": ParquetColumnData(.float(d.ratings), validity: d.rated.contains(false) ? d.rated : nil),
                ], partitionValues: ["date": Clock.date(day * 86_400)])
        }
    }
}

/// The arrays of one ratings file, refilled in place for the next: by then
/// the writer has let go of them, so each is uniquely referenced again and
/// the files need no fresh memory (fresh pages cost a fault and a zeroing
/// each; six files of 4 Mi rows took ~150,000 of them). Two threads fill
/// disjoint arrays at once.
public final class RatingsFileBuffers: @unchecked Sendable {
    var users: [UInt32] = []
    var movies: [UInt32] = []
    var ratings: [Float] = []
    var millis: [Int64] = []

    public init() {}

    /// Makes `array` `count` long, reusing its storage, and lets `fill` write every element.
    static func refill<T: BitwiseCopyable>(_ array: inout [T], count: Int, _ fill: (UnsafeMutableBufferPointer<T>) -> Void) {
        if array.isEmpty {
            array = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                fill(buffer)
                initialized = count
            }
            return
        }
        if array.count > count { array.removeLast(array.count - count) }
        if array.count < count { array.append(contentsOf: repeatElement(array[0], count: count - array.count)) }
        array.withUnsafeMutableBufferPointer { fill($0) }
    }
}
