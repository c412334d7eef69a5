import ReelCore

/// A ranked list read in place from a release: movie rows and their scores,
/// best first. Both buffers have the same count (padding already trimmed).
public struct RankedList {
    public let movies: UnsafeBufferPointer<Int32>
    public let scores: UnsafeBufferPointer<Float>

    public init(movies: UnsafeBufferPointer<Int32>, scores: UnsafeBufferPointer<Float>) {
        self.movies = movies
        self.scores = scores
    }

    public var count: Int { movies.count }
    public static var empty: RankedList {
        RankedList(
            movies: UnsafeBufferPointer(start: nil, count: 0),
            scores: UnsafeBufferPointer(start: nil, count: 0))
    }
}

/// One movie's metadata, viewed in place. `title` is UTF-8 bytes inside the
/// mapped release (valid as long as the store is alive).
public struct MovieView {
    public let row: Int
    public let id: Int32
    public let title: UnsafeRawBufferPointer
    public let year: Int16
    public let genres: UInt32
    public let ratingCount: Int32
    public let ratingMean: Float

    public init(
        row: Int, id: Int32, title: UnsafeRawBufferPointer, year: Int16, genres: UInt32,
        ratingCount: Int32, ratingMean: Float
    ) {
        self.row = row
        self.id = id
        self.title = title
        self.year = year
        self.genres = genres
        self.ratingCount = ratingCount
        self.ratingMean = ratingMean
    }

    public var titleString: String { String(decoding: title, as: UTF8.self) }
}

/// What the daemon and the CLI answer from: the read side of a release.
///
/// `Release` (the mmap'd file) is the production implementation; tests of the
/// daemon may use a small in-memory one. Callers are generic over it (no
/// existential dispatch on the request path). Every lookup is O(1) or
/// O(log n) and touches only the pages it needs.
public protocol RecommendationStore: AnyObject, Sendable {
    /// Release id, e.g. `20261125T020000Z-3fa2`.
    var releaseID: String { get }
    /// Creation time, seconds since the epoch.
    var createdAt: Int64 { get }
    /// How many recommendations are stored per user (the largest k served).
    var storedK: Int { get }
    /// How many similar movies are stored per movie.
    var similarK: Int { get }
    /// How many entries each trending list holds.
    var trendingK: Int { get }
    var userCount: Int { get }
    var movieCount: Int { get }
    /// JSON object: counts, params, metrics, fingerprints (served by /v1/release).
    var metadataJSON: UnsafeRawBufferPointer { get }

    func movieRow(forID id: Int32) -> Int?
    func movie(row: Int) -> MovieView
    func userRow(forID id: Int32) -> Int?
    /// The stored top-K of a user (seen movies already excluded), best first.
    func recommendations(userRow: Int) -> RankedList
    /// The UC3 blend UC1 serves by default (chosen by `reel evaluate`), nil
    /// when the release serves the model's own order.
    var blend: ServingBlend? { get }
    /// The stored top-K re-ranked by `blend`, precomputed by `reel publish`
    /// (equal to `HybridRanker` over `recommendations` with those weights); nil without a blend.
    func blendedRecommendations(userRow: Int) -> RankedList?
    /// The candidate name of the model whose order `recommendations` holds
    /// (`implicit-als`, `explicit-als`); nil when the release does not say.
    /// Answers from that order carry it as their `source`.
    var modelName: String? { get }
    /// The name of the candidate UC1 serves by default when the release stores
    /// its lists (a baseline such as `trending-30d`, or a per-user blend), else nil.
    var servedName: String? { get }
    /// That candidate's list for a user (rated movies excluded), precomputed by `reel publish`.
    func servedRecommendations(userRow: Int) -> RankedList?
    /// Most similar movies by cosine over movie factors, best first.
    func similar(movieRow: Int) -> RankedList
    /// Trending list for a window, globally (`genre == nil`) or within a genre bit.
    func trending(window: TrendingWindow, genre: Int?) -> RankedList
    /// Normalised trending popularity of a movie in a window, in [0, 1] (1 = the top movie).
    func popularity(movieRow: Int, window: TrendingWindow) -> Float
    /// A solver for users not in the release (`POST /v1/recommendations`), nil
    /// when the release keeps no fold-in sections. Costly to build: call once per load.
    func makeFoldInModel() -> FoldInModel?
    /// The optional web sections (title index, recent ratings, report page);
    /// nil for stores without them (search then scans the titles).
    var web: ReleaseWebTables? { get }
}

public extension RecommendationStore {
    /// Stores without fold-in sections (release format 1.0, small test stores).
    func makeFoldInModel() -> FoldInModel? { nil }
    /// Stores without a precomputed blend (e.g. small in-memory test stores).
    var blend: ServingBlend? { nil }
    func blendedRecommendations(userRow: Int) -> RankedList? { nil }
    /// Stores without precomputed served lists.
    var servedName: String? { nil }
    /// Stores that do not name their model (release format 1.0, test stores).
    var modelName: String? { nil }
    func servedRecommendations(userRow: Int) -> RankedList? { nil }
    var web: ReleaseWebTables? { nil }
}
