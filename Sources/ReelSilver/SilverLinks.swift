/// External ids of each movie (links.csv joined onto the movies table), rows
/// as in `SilverMovies`.
public struct SilverLinks: Sendable, Equatable {
    /// IMDb id as a number (format as "tt" + at least 7 digits); -1 when unknown.
    public var imdbIDs: [Int64]
    /// TMDB id; 0 when unknown.
    public var tmdbIDs: [Int32]

    public init(imdbIDs: [Int64], tmdbIDs: [Int32]) {
        self.imdbIDs = imdbIDs
        self.tmdbIDs = tmdbIDs
    }

    /// No links for `movieCount` movies.
    public static func none(movieCount: Int) -> SilverLinks {
        SilverLinks(imdbIDs: [Int64](repeating: -1, count: movieCount), tmdbIDs: [Int32](repeating: 0, count: movieCount))
    }
}
