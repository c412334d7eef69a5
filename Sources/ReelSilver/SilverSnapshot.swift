import ReelCore

/// The current silver version, read back: every file checked against the
/// manifest's size and xxh3-64 before it is used, and the CSR structure
/// checked (offsets monotone, rows in range), so training and publishing
/// never run on a torn or stale copy.
public struct SilverSnapshot: Sendable {
    /// The version folder's name (the ETL run id).
    public let versionID: String
    /// xxh3-64 of `manifest.json`: the "source data fingerprint" of a release.
    /// Equal for equal silver content, whatever the run id.
    public let fingerprint: UInt64
    public let ratings: SilverRatings
    public let movies: SilverMovies
    public let popularity: SilverPopularity
    /// IMDb/TMDB ids per movie row.
    public let links: SilverLinks
    /// Tags per movie row.
    public let tags: SilverTags

    /// For tests and tools that make silver in memory; links and tags default to none.
    public init(
        versionID: String, fingerprint: UInt64, ratings: SilverRatings,
        movies: SilverMovies, popularity: SilverPopularity,
        links: SilverLinks? = nil, tags: SilverTags? = nil
    ) {
        self.versionID = versionID
        self.fingerprint = fingerprint
        self.ratings = ratings
        self.movies = movies
        self.popularity = popularity
        self.links = links ?? .none(movieCount: movies.count)
        self.tags = tags ?? .empty(movieCount: movies.count)
    }

    /// Opens `lakehouse/silver/current`; a clear `.notFound` error when there is none.
    public static func open(home: ReelHome) throws -> SilverSnapshot {
        guard let directory = SilverVersions.currentDirectory(home: home) else {
            throw ReelError(.notFound, "no silver layer under \(home.silver): run `reel etl` first")
        }
        return try open(versionDirectory: directory)
    }

    /// Opens one version folder.
    public static func open(versionDirectory dir: String) throws -> SilverSnapshot {
        let manifestPath = Path.join(dir, SilverFormat.manifestName)
        guard FileSystem.exists(manifestPath) else {
            throw ReelError(.notFound, "\(dir) is not a complete silver version (no \(SilverFormat.manifestName)): rerun `reel etl`")
        }
        let manifestBytes = try FileSystem.readBytes(manifestPath)
        let manifest = try SilverManifest.decode(manifestBytes, path: manifestPath)
        let reader = SilverFileOpener(directory: dir, manifest: manifest, manifestPath: manifestPath)

        let m = try reader.open(SilverFormat.moviesFile, SilverFormat.movies)
        let movies = SilverMovies(
            ids: try m.copy("ids"), titleOffsets: try m.copy("titleOffsets"), titleBytes: try m.copy("titleBytes"),
            years: try m.copy("years"), genres: try m.copy("genres"),
            ratingCounts: try m.copy("ratingCounts"), ratingMeans: try m.copy("ratingMeans"))
        let links = SilverLinks(imdbIDs: try m.copy("imdbIDs"), tmdbIDs: try m.copy("tmdbIDs"))

        let byUser = try reader.open(SilverFormat.ratingsByUserFile, SilverFormat.ratingsByUser)
        let byMovie = try reader.open(SilverFormat.ratingsByMovieFile, SilverFormat.ratingsByMovie)
        let ratings = SilverRatings(
            userIDs: try byUser.copy("userIDs"), movieIDs: movies.ids,
            userOffsets: try byUser.copy("userOffsets"), userMovies: try byUser.copy("userMovies"),
            userRatings: try byUser.copy("userRatings"), userTimes: try byUser.copy("userTimes"),
            movieOffsets: try byMovie.copy("movieOffsets"), movieUsers: try byMovie.copy("movieUsers"),
            movieRatings: try byMovie.copy("movieRatings"), movieTimes: try byMovie.copy("movieTimes"))

        let t = try reader.open(SilverFormat.tagsFile, SilverFormat.tags)
        let tags = SilverTags(
            movieOffsets: try t.copy("movieOffsets"), userIDs: try t.copy("userIDs"), times: try t.copy("times"),
            textOffsets: try t.copy("textOffsets"), textBytes: try t.copy("textBytes"))

        let p = try reader.open(SilverFormat.popularityFile, SilverFormat.popularity)
        let popularity = SilverPopularity(endTime: Int64(bitPattern: p.userWords[0]), scores: try p.copy("scores"), counts: try p.copy("counts"))

        try SilverConsistency.check(
            ratings: ratings, movies: movies, links: links, tags: tags, popularity: popularity,
            manifest: manifest, path: dir)
        return SilverSnapshot(
            versionID: Path.basename(dir), fingerprint: XXH3.hash(manifestBytes),
            ratings: ratings, movies: movies, popularity: popularity, links: links, tags: tags)
    }
}

/// Maps a silver file and checks it against the manifest before use.
struct SilverFileOpener {
    let directory: String
    let manifest: SilverManifest
    let manifestPath: String

    func open(_ name: String, _ kind: SectionFileKind) throws -> SectionFileReader {
        let entry = try manifest.file(name, path: manifestPath)
        let path = Path.join(directory, name)
        let file = try MappedFile(path: path)
        guard file.bytes.count == entry.bytes else {
            throw ReelError(.corrupt, "\(path): \(file.bytes.count) bytes, the manifest says \(entry.bytes)")
        }
        let actual = XXH3.hex(XXH3.hash(file.bytes))
        guard actual == entry.xxh3 else {
            throw ReelError(.corrupt, "\(path): checksum \(actual) does not match the manifest's \(entry.xxh3)")
        }
        // The whole-file checksum already covered every byte; check the structure.
        return try SectionFileReader(file: file, kind: kind, verify: .structure)
    }
}

/// Structural checks of a silver version read back: sizes agree, offsets
/// are monotone and end at the row count, every row index is in range.
enum SilverConsistency {
    static func check(
        ratings r: SilverRatings, movies m: SilverMovies, links: SilverLinks, tags: SilverTags,
        popularity p: SilverPopularity, manifest: SilverManifest, path: String
    ) throws {
        func require(_ ok: Bool, _ what: String) throws {
            if !ok { throw ReelError(.corrupt, "\(path): inconsistent silver version: \(what)") }
        }
        let users = r.userCount, movies = m.count, n = r.userMovies.count
        try require(manifest.counts == .init(users: users, movies: movies, ratings: n, tags: tags.count), "counts differ from the manifest")
        try require(offsets(r.userOffsets, rows: users, total: n), "user offsets")
        try require(offsets(r.movieOffsets, rows: movies, total: n), "movie offsets")
        try require(
            r.userRatings.count == n && r.userTimes.count == n && r.movieUsers.count == n
                && r.movieRatings.count == n && r.movieTimes.count == n, "rating column lengths")
        try require(r.userMovies.allSatisfy { $0 >= 0 && Int($0) < movies }, "a movie row out of range")
        try require(r.movieUsers.allSatisfy { $0 >= 0 && Int($0) < users }, "a user row out of range")
        try require(
            m.titleOffsets.count == movies + 1 && m.titleOffsets.last.map { Int($0) == m.titleBytes.count } == true
                && zip(m.titleOffsets, m.titleOffsets.dropFirst()).allSatisfy { $0 <= $1 }, "title offsets")
        try require(
            m.years.count == movies && m.genres.count == movies && m.ratingCounts.count == movies
                && m.ratingMeans.count == movies && links.imdbIDs.count == movies && links.tmdbIDs.count == movies,
            "movie column lengths")
        try require(
            offsets(tags.movieOffsets, rows: movies, total: tags.count) && tags.times.count == tags.count
                && tags.textOffsets.count == tags.count + 1 && tags.textOffsets.last.map { Int($0) == tags.textBytes.count } == true
                && zip(tags.textOffsets, tags.textOffsets.dropFirst()).allSatisfy { $0 <= $1 }, "tag columns")
        let cells = TrendingWindow.allCases.count * movies
        try require(p.scores.count == cells && p.counts.count == cells && p.endTime == manifest.popularityEndTime, "popularity")
    }

    static func offsets(_ o: [Int64], rows: Int, total: Int) -> Bool {
        guard o.count == rows + 1, o.first == 0, o.last == Int64(total) else { return false }
        return zip(o, o.dropFirst()).allSatisfy { $0 <= $1 }
    }
}
