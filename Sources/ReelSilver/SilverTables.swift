import ReelCore

/// The silver layer in memory: what `reel etl` produces and what training,
/// evaluation and publishing read. Every array is contiguous and dense so the
/// model and the release builder use them directly (and, when read back from
/// disk, in place through mmap).
///
/// Ids: external MovieLens ids are mapped to dense rows. Users are numbered in
/// ascending userId order over users with at least one accepted rating;
/// movies in ascending movieId order over *every* accepted movie of
/// movies.csv (so never-rated movies still have metadata and a row).
public struct SilverRatings: Sendable {
    /// Row → external userId, ascending.
    public var userIDs: [Int32]
    /// Row → external movieId, ascending (same rows as `SilverMovies`).
    public var movieIDs: [Int32]

    /// User-major CSR: the ratings of user row u are `userOffsets[u] ..< userOffsets[u+1]`,
    /// with movie rows ascending.
    public var userOffsets: [Int64]
    public var userMovies: [Int32]
    public var userRatings: [Float]
    public var userTimes: [Int64]

    /// Movie-major CSR: the ratings of movie row m, with user rows ascending.
    public var movieOffsets: [Int64]
    public var movieUsers: [Int32]
    public var movieRatings: [Float]
    public var movieTimes: [Int64]

    public init(
        userIDs: [Int32], movieIDs: [Int32],
        userOffsets: [Int64], userMovies: [Int32], userRatings: [Float], userTimes: [Int64],
        movieOffsets: [Int64], movieUsers: [Int32], movieRatings: [Float], movieTimes: [Int64]
    ) {
        self.userIDs = userIDs
        self.movieIDs = movieIDs
        self.userOffsets = userOffsets
        self.userMovies = userMovies
        self.userRatings = userRatings
        self.userTimes = userTimes
        self.movieOffsets = movieOffsets
        self.movieUsers = movieUsers
        self.movieRatings = movieRatings
        self.movieTimes = movieTimes
    }

    public var userCount: Int { userIDs.count }
    public var movieCount: Int { movieIDs.count }
    public var ratingCount: Int { userMovies.count }

    /// The user-major layout as a plain matrix (users × movies, ratings as
    /// values) — what `ALS.train` takes. The arrays are shared, not copied.
    public var byUser: CSRMatrix {
        CSRMatrix(offsets: userOffsets, indices: userMovies, values: userRatings, columnCount: movieCount)
    }

    /// The movie-major layout as a plain matrix (movies × users), the transpose of `byUser`.
    public var byMovie: CSRMatrix {
        CSRMatrix(offsets: movieOffsets, indices: movieUsers, values: movieRatings, columnCount: userCount)
    }
}

/// Movie metadata, one row per accepted movie (rows as in `SilverRatings.movieIDs`).
public struct SilverMovies: Sendable {
    public var ids: [Int32]
    /// UTF-8 titles without the trailing " (YYYY)": title of row m is
    /// `titleBytes[titleOffsets[m] ..< titleOffsets[m+1]]`.
    public var titleOffsets: [UInt32]
    public var titleBytes: [UInt8]
    /// Release year parsed from the title's trailing "(YYYY)", 0 when absent.
    public var years: [Int16]
    /// Bitmask over `Genres.all`.
    public var genres: [UInt32]
    /// Accepted ratings per movie and their mean (0 when unrated).
    public var ratingCounts: [Int32]
    public var ratingMeans: [Float]

    public init(
        ids: [Int32], titleOffsets: [UInt32], titleBytes: [UInt8], years: [Int16],
        genres: [UInt32], ratingCounts: [Int32], ratingMeans: [Float]
    ) {
        self.ids = ids
        self.titleOffsets = titleOffsets
        self.titleBytes = titleBytes
        self.years = years
        self.genres = genres
        self.ratingCounts = ratingCounts
        self.ratingMeans = ratingMeans
    }

    public var count: Int { ids.count }

    public func title(_ row: Int) -> String {
        String(decoding: titleBytes[Int(titleOffsets[row])..<Int(titleOffsets[row + 1])], as: UTF8.self)
    }
}

/// Per-movie popularity over the trending windows, ending at `endTime` (the
/// newest event in the data, not the wall clock, so a rerun on the same data
/// gives the same lists).
public struct SilverPopularity: Sendable {
    public var endTime: Int64
    /// `scores[w * movieCount + m]`: decayed, weighted event count of movie row m in window w.
    public var scores: [Float]
    /// `counts[w * movieCount + m]`: plain event count in the window.
    public var counts: [Int32]

    public init(endTime: Int64, scores: [Float], counts: [Int32]) {
        self.endTime = endTime
        self.scores = scores
        self.counts = counts
    }
}
