import ReelSilver

extension SilverRatings {
    /// In-memory silver ratings from (user row, movie row, rating, time)
    /// triples, without the ETL: rows `0..<users` and `0..<movies` with
    /// external id = row + 1; a later triple for the same pair replaces an
    /// earlier one. For tests and hand-made evaluation sets.
    public static func fromTriples(users: Int, movies: Int, _ triples: [(user: Int, movie: Int, rating: Float, time: Int64)]) -> SilverRatings {
        var byPair: [Int: (Float, Int64)] = [:]
        for t in triples { byPair[t.user * movies + t.movie] = (t.rating, t.time) }
        let keys = byPair.keys.sorted()
        var userOffsets = [Int64](repeating: 0, count: users + 1)
        var userMovies: [Int32] = [], userRatings: [Float] = [], userTimes: [Int64] = []
        for key in keys {
            let (u, m) = (key / movies, key % movies)
            userOffsets[u + 1] += 1
            userMovies.append(Int32(m)); userRatings.append(byPair[key]!.0); userTimes.append(byPair[key]!.1)
        }
        for u in 0..<users { userOffsets[u + 1] += userOffsets[u] }
        let byUser = SilverRatings(
            userIDs: (0..<users).map { Int32($0 + 1) }, movieIDs: (0..<movies).map { Int32($0 + 1) },
            userOffsets: userOffsets, userMovies: userMovies, userRatings: userRatings, userTimes: userTimes,
            movieOffsets: [Int64](repeating: 0, count: movies + 1), movieUsers: [], movieRatings: [], movieTimes: [])
        // `subset` rebuilds the movie-major layout from the user-major one.
        return byUser.subset(keep: [Bool](repeating: true, count: userMovies.count))
    }
}
