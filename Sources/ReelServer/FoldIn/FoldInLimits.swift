/// The documented bounds of a fold-in request (docs/serving.md, /openapi.json).
public enum FoldInLimits {
    /// Largest POST body: 64 KiB, room for 1,000 `{"movieId":…,"rating":…}` entries; larger is 413.
    public static let maxBodyBytes = 65_536
    /// Most ratings in one request; more is 400.
    public static let maxRatings = 1_000
    /// Allowed ratings, MovieLens' star range.
    public static let minRating: Float = 0.5
    public static let maxRating: Float = 5.0
    /// The rating a bare movie id (`"ratings": [296, 318]`: watched/liked) stands for.
    public static let likedRating: Float = 4.0
}
