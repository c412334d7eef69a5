import ReelCore

/// The silver files of one version (`docs/silver-format.md`): each a
/// `SectionFile` with its own magic, so a file put in the wrong place is
/// caught, and sections named after the in-memory fields they hold.
public enum SilverFormat {
    /// Version of the folder layout and `manifest.json` ("format_version").
    public static let version = 1
    public static let manifestName = "manifest.json"
    public static let reportName = "report.json"

    public static let ratingsByUser = SectionFileKind(magic: "REELSRUM", major: 1, minor: 0, name: "silver ratings (user-major)")
    public static let ratingsByMovie = SectionFileKind(magic: "REELSRMM", major: 1, minor: 0, name: "silver ratings (movie-major)")
    public static let movies = SectionFileKind(magic: "REELSMOV", major: 1, minor: 0, name: "silver movies")
    public static let tags = SectionFileKind(magic: "REELSTAG", major: 1, minor: 0, name: "silver tags")
    public static let popularity = SectionFileKind(magic: "REELSPOP", major: 1, minor: 0, name: "silver popularity")

    /// File names, in the order they are written and listed in the manifest.
    public static let ratingsByUserFile = "ratings_by_user.silver"
    public static let ratingsByMovieFile = "ratings_by_movie.silver"
    public static let moviesFile = "movies.silver"
    public static let tagsFile = "tags.silver"
    public static let popularityFile = "popularity.silver"
}

/// Everything one silver version holds, in memory.
public struct SilverDataset: Sendable {
    public var ratings: SilverRatings
    public var movies: SilverMovies
    public var links: SilverLinks
    public var tags: SilverTags
    public var popularity: SilverPopularity

    public init(ratings: SilverRatings, movies: SilverMovies, links: SilverLinks, tags: SilverTags, popularity: SilverPopularity) {
        self.ratings = ratings
        self.movies = movies
        self.links = links
        self.tags = tags
        self.popularity = popularity
    }
}
