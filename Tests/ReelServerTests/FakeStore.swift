import ReelCore
import ReelServing

/// A small in-memory `RecommendationStore` for the daemon's tests: the same
/// shape as a release (dense rows, fixed-length lists) without the file.
///
/// Contents (release id configurable):
/// - movies 1…8 (rows 0…7) with titles that need JSON escaping, years, genres;
///   movie 1 is "Toy Story" (1995), movie 8 has no year and no genres;
/// - users 1, 2, 3 (rows 0…2), each with `storedK` recommendations;
/// - similar lists of `similarK`, trending lists of up to `trendingK` per window and genre
///   (a genre's list holds only movies of that genre, as in a release).
final class FakeStore: RecommendationStore, @unchecked Sendable {
    // @unchecked: immutable after init; the buffers are freed in deinit.
    let releaseID: String
    let createdAt: Int64
    let storedK: Int
    let similarK: Int
    let trendingK: Int
    let userCount = 3
    let movieCount = 8
    let metadataJSON: UnsafeRawBufferPointer

    static let movieIDs: [Int32] = [1, 2, 3, 5, 8, 13, 21, 34]
    static let titles = [
        "Toy Story", "Jumanji", "Grumpier \"Old\" Men", "Father of the Bride Part II",
        "Tom and Huck \\ Back", "Balto\tTab", "Amélie", "Untitled",
    ]
    static let years: [Int16] = [1995, 1995, 1995, 1995, 1995, 1995, 2001, 0]
    static let genreNames: [[String]] = [
        ["Adventure", "Animation", "Children", "Comedy", "Fantasy"], ["Adventure", "Children", "Fantasy"],
        ["Comedy", "Romance"], ["Comedy"], ["Adventure", "Children"], ["Adventure", "Animation", "Children"],
        ["Comedy", "Romance"], [],
    ]
    static let userIDs: [Int32] = [1, 2, 3]
    static let genreMasks: [UInt32] = genreNames.map { names in
        names.reduce(UInt32(0)) { $0 | 1 << UInt32(Genres.index(of: $1)!) }
    }

    private let titleBytes: UnsafeMutableRawBufferPointer
    private let titleOffsets: [Int]
    private let recMovies: UnsafeMutableBufferPointer<Int32>
    private let recScores: UnsafeMutableBufferPointer<Float>
    private let simMovies: UnsafeMutableBufferPointer<Int32>
    private let simScores: UnsafeMutableBufferPointer<Float>
    /// Trending: list index = window * (1 + genres) + (genre + 1); `trendCounts[list]` entries each.
    private let trendMovies: UnsafeMutableBufferPointer<Int32>
    private let trendCounts: [Int]
    private let trendScores: UnsafeMutableBufferPointer<Float>
    private let metadata: UnsafeMutableRawBufferPointer
    private let onDeinit: (@Sendable () -> Void)?

    init(
        releaseID: String = "20261125T020000Z-test", createdAt: Int64 = 1_764_036_000,
        storedK: Int = 5, similarK: Int = 5, trendingK: Int = 6,
        metadata: String = #"{"params":{"rank":8},"metrics":{"ndcg@10":0.25}}"#,
        onDeinit: (@Sendable () -> Void)? = nil
    ) {
        self.releaseID = releaseID
        self.createdAt = createdAt
        self.storedK = storedK
        self.similarK = similarK
        self.trendingK = trendingK
        self.onDeinit = onDeinit

        var offsets = [0]
        var bytes: [UInt8] = []
        for title in Self.titles { bytes += Array(title.utf8); offsets.append(bytes.count) }
        titleBytes = .allocate(byteCount: bytes.count, alignment: 1)
        titleBytes.copyBytes(from: bytes)
        titleOffsets = offsets

        func fill(_ count: Int, _ value: (Int) -> (Int32, Float)) -> (UnsafeMutableBufferPointer<Int32>, UnsafeMutableBufferPointer<Float>) {
            let m = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(count, 1))
            let s = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(count, 1))
            for i in 0..<count { (m[i], s[i]) = value(i) }
            return (m, s)
        }
        let movies = Self.movieIDs.count
        // User u's list: the movies after row u, wrapping, with falling scores.
        (recMovies, recScores) = fill(3 * storedK) { i in
            let (u, j) = (i / storedK, i % storedK)
            return (Int32((u + 1 + j) % movies), 5 - Float(j) * 0.25 - Float(u) * 0.01)
        }
        (simMovies, simScores) = fill(movies * similarK) { i in
            let (m, j) = (i / similarK, i % similarK)
            return (Int32((m + 1 + j) % movies), 0.9 - Float(j) * 0.1)
        }
        // List l: the movies from row l on, wrapping, of the list's genre (all for the global lists).
        let lists = TrendingWindow.allCases.count * (Genres.all.count + 1)
        let members = (0..<lists).map { list -> [Int32] in
            let genre = list % (Genres.all.count + 1) - 1
            let rows = (0..<movies).map { (list + $0) % movies }
            return Array(rows.filter { genre < 0 || Self.genreMasks[$0] & (1 << UInt32(genre)) != 0 }.prefix(trendingK).map(Int32.init))
        }
        trendCounts = members.map(\.count)
        (trendMovies, trendScores) = fill(lists * trendingK) { i in
            let (list, j) = (i / trendingK, i % trendingK)
            return j < members[list].count ? (members[list][j], 100 - Float(j) * 7.5) : (-1, 0)
        }
        self.metadata = .allocate(byteCount: max(metadata.utf8.count, 1), alignment: 1)
        self.metadata.copyBytes(from: Array(metadata.utf8))
        metadataJSON = UnsafeRawBufferPointer(rebasing: self.metadata[0..<metadata.utf8.count])
    }

    deinit {
        titleBytes.deallocate()
        recMovies.deallocate(); recScores.deallocate()
        simMovies.deallocate(); simScores.deallocate()
        trendMovies.deallocate(); trendScores.deallocate()
        metadata.deallocate()
        onDeinit?()
    }

    func movieRow(forID id: Int32) -> Int? { Self.movieIDs.firstIndex(of: id) }
    func userRow(forID id: Int32) -> Int? { Self.userIDs.firstIndex(of: id) }

    func movie(row: Int) -> MovieView {
        let title = UnsafeRawBufferPointer(rebasing: titleBytes[titleOffsets[row]..<titleOffsets[row + 1]])
        return MovieView(
            row: row, id: Self.movieIDs[row], title: title, year: Self.years[row], genres: Self.genreMasks[row],
            ratingCount: Int32(10 * (row + 1)), ratingMean: 3.5 + Float(row % 3) * 0.25)
    }

    func recommendations(userRow: Int) -> RankedList { slice(recMovies, recScores, userRow, storedK) }
    func similar(movieRow: Int) -> RankedList { slice(simMovies, simScores, movieRow, similarK) }

    func trending(window: TrendingWindow, genre: Int?) -> RankedList {
        let list = window.rawValue * (Genres.all.count + 1) + (genre.map { $0 + 1 } ?? 0)
        let start = list * trendingK
        return RankedList(
            movies: UnsafeBufferPointer(rebasing: trendMovies[start..<start + trendCounts[list]]),
            scores: UnsafeBufferPointer(rebasing: trendScores[start..<start + trendCounts[list]]))
    }

    func popularity(movieRow: Int, window: TrendingWindow) -> Float {
        Float((movieRow * 3 + window.rawValue) % 8) / 7
    }

    private func slice(
        _ m: UnsafeMutableBufferPointer<Int32>, _ s: UnsafeMutableBufferPointer<Float>,
        _ row: Int, _ k: Int
    ) -> RankedList {
        RankedList(
            movies: UnsafeBufferPointer(rebasing: m[row * k..<(row + 1) * k]),
            scores: UnsafeBufferPointer(rebasing: s[row * k..<(row + 1) * k]))
    }
}
