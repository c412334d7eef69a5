import ReelCore

/// An opened release: the memory-mapped file the daemon and the CLI answer from.
///
/// Opening reads every byte once (whole-file and per-section xxh3-64) and then
/// validates the cross-section invariants (`ReleaseTables`), so a damaged or
/// hostile file is refused up front with its own error and no lookup can ever
/// read outside the mapping. Lookups are O(1) (direct-address tables for dense
/// ids) or O(log n) (binary search), allocate nothing, and return views into
/// the mapping that stay valid while this object lives.
///
/// Immutable after `init`; the mapping is read-only, so sharing it between
/// threads is safe (hence `@unchecked Sendable`).
public final class Release: RecommendationStore, @unchecked Sendable {
    public let tables: ReleaseTables

    /// Opens and fully verifies `path` (a release file or the `output/current` symlink).
    public convenience init(path: String) throws {
        try self.init(tables: ReleaseTables(path: path, verify: .full))
    }

    public init(tables: ReleaseTables) {
        self.tables = tables
    }

    /// Opens the release `home`'s `output/current` points at. The link is
    /// resolved first, so `path` names the release file itself and a switch
    /// racing with the open yields the old or the new release, whole.
    public static func current(home: ReelHome) throws -> Release {
        guard FileSystem.exists(home.currentRelease) else {
            throw ReelError(.notFound, "no current release at \(home.currentRelease): run `reel publish` (or `reel activate FILE`) first")
        }
        return try Release(path: FileSystem.linkTarget(home.currentRelease) ?? home.currentRelease)
    }

    public var path: String { tables.file.path }
    public var releaseID: String { tables.releaseID }
    public var createdAt: Int64 { tables.file.createdAt }
    public var storedK: Int { tables.k }
    public var similarK: Int { tables.similarK }
    public var trendingK: Int { tables.trendingK }
    public var userCount: Int { tables.userCount }
    public var movieCount: Int { tables.movieCount }
    public var metadataJSON: UnsafeRawBufferPointer { tables.meta }
    /// Rank of the stored movie factors.
    public var rank: Int { tables.rank }
    public var silverFingerprint: UInt64 { tables.silverFingerprint }
    public var modelFingerprint: UInt64 { tables.modelFingerprint }
    /// The table of contents (for `reel inspect`).
    public var sections: [SectionInfo] { tables.file.sections }
    public var fileSize: Int { tables.file.file.bytes.count }

    public func movieRow(forID id: Int32) -> Int? { tables.movieRow(forID: id) }

    public func movie(row: Int) -> MovieView {
        let t = tables
        precondition(row >= 0 && row < t.movieCount, "movie row out of range")
        return MovieView(
            row: row, id: t.movieIDs[row], title: t.title(row: row), year: t.years[row],
            genres: t.genres[row], ratingCount: t.ratingCounts[row], ratingMean: t.ratingMeans[row])
    }

    public func userRow(forID id: Int32) -> Int? { tables.userRow(forID: id) }

    public func recommendations(userRow: Int) -> RankedList {
        list(tables.recommendationRange(userRow: userRow), tables.userTopMovies, tables.userTopScores)
    }

    public var blend: ServingBlend? {
        tables.blend.map {
            ServingBlend(
                weights: HybridWeights(model: $0.model, trending: $0.trending, diversity: $0.diversity),
                window: TrendingWindow(rawValue: $0.window) ?? .week)
        }
    }

    public func blendedRecommendations(userRow: Int) -> RankedList? {
        guard tables.blend != nil else { return nil }
        return list(tables.blendRange(userRow: userRow), tables.userBlendMovies, tables.userBlendScores)
    }

    public var servedName: String? { tables.servedName }

    public var modelName: String? { tables.modelName }

    public func servedRecommendations(userRow: Int) -> RankedList? {
        guard tables.servedName != nil else { return nil }
        return list(tables.servedRange(userRow: userRow), tables.userServedMovies, tables.userServedScores)
    }

    public func similar(movieRow: Int) -> RankedList {
        list(tables.similarRange(movieRow: movieRow), tables.similarMovies, tables.similarScores)
    }

    public func trending(window: TrendingWindow, genre: Int?) -> RankedList {
        list(tables.trendingRange(window: window.rawValue, genre: genre), tables.trendMovies, tables.trendScores)
    }

    public func popularity(movieRow: Int, window: TrendingWindow) -> Float {
        tables.popularity(movieRow: movieRow, window: window.rawValue)
    }

    /// Whether a movie has factors (only those are ever recommended).
    public func hasFactors(movieRow: Int) -> Bool {
        precondition(movieRow >= 0 && movieRow < movieCount, "movie row out of range")
        return tables.factorMask[movieRow] != 0
    }

    public var web: ReleaseWebTables? { tables.web }

    /// A movie's factors, `rank` floats (so a later feature can score a user not in the release).
    public func factors(movieRow: Int) -> UnsafeBufferPointer<Float> { tables.factors(movieRow: movieRow) }

    /// The fold-in solver over this release's movie factors, or nil when the
    /// release has no fold-in sections. Built on demand (it packs the movie
    /// factors, ~10 ms at ml-25m scale); the daemon builds it once per load.
    public func makeFoldInModel() -> FoldInModel? {
        guard let f = tables.foldIn, case .success(let params) = FoldInParams.parse(f.params) else { return nil }
        return FoldInModel(
            movieFactors: tables.movieFactors, movieCount: movieCount, rank: rank, gram: f.gram,
            recommendable: tables.factorMask, params: params, userFactors: f.users, owner: tables.file)
    }

    @inline(__always)
    private func list(_ range: Range<Int>, _ movies: UnsafeBufferPointer<Int32>, _ scores: UnsafeBufferPointer<Float>) -> RankedList {
        RankedList(
            movies: UnsafeBufferPointer(rebasing: movies[range]),
            scores: UnsafeBufferPointer(rebasing: scores[range]))
    }
}
