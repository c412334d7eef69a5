/// The MovieLens genre vocabulary, in the contract's order. A movie's genres
/// are a bitmask over this list (bit i = `Genres.all[i]`); "(no genres
/// listed)" is the empty mask. Shared by the ETL, the release and the daemon
/// so a genre name means the same bit everywhere.
public enum Genres {
    public static let all: [String] = [
        "Action", "Adventure", "Animation", "Children", "Comedy", "Crime",
        "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "IMAX",
        "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    ]

    /// The literal MovieLens writes for a movie without genres.
    public static let noneListed = "(no genres listed)"

    /// Bit index of a genre name (case-sensitive, as in movies.csv), or nil.
    public static func index(of name: some StringProtocol) -> Int? {
        all.firstIndex { $0 == name }
    }

    /// Bit index of a genre name ignoring ASCII case (for query parameters).
    public static func index(caseInsensitive name: some StringProtocol) -> Int? {
        let lower = name.lowercased()
        return all.firstIndex { $0.lowercased() == lower }
    }

    /// The names of the bits set in `mask`, in contract order.
    public static func names(_ mask: UInt32) -> [String] {
        all.indices.filter { mask & (1 << UInt32($0)) != 0 }.map { all[$0] }
    }
}
