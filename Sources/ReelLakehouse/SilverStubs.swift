import ReelCore

// TEMPORARY: simple stand-ins so that the model, release and server work can
// compile and test against silver before the real ETL lands. The silver
// layer's owner deletes this file when the real implementations exist.

/// The current silver version, read back.
public struct SilverSnapshot: Sendable {
    public let versionID: String
    public let fingerprint: UInt64
    public let ratings: SilverRatings
    public let movies: SilverMovies
    public let popularity: SilverPopularity

    public init(versionID: String, fingerprint: UInt64, ratings: SilverRatings,
                movies: SilverMovies, popularity: SilverPopularity) {
        self.versionID = versionID
        self.fingerprint = fingerprint
        self.ratings = ratings
        self.movies = movies
        self.popularity = popularity
    }

    public static func open(home: ReelHome) throws -> SilverSnapshot {
        throw ReelError(.notFound, "no silver layer under \(home.silver): run `reel etl` first")
    }
}

extension SilverRatings {
    /// Builds both CSR layouts from plain rating rows: keeps every user with a
    /// rating, every movie in `allMovieIDs`, and for a repeated (user, movie)
    /// the newest timestamp. Rows whose movie is not in `allMovieIDs` are dropped.
    public static func build(userIDs: [Int32], movieIDs: [Int32], ratings: [Float], times: [Int64],
                             allMovieIDs: [Int32]) -> SilverRatings {
        let movieList = Array(Set(allMovieIDs)).sorted()
        var movieRow: [Int32: Int32] = [:]
        for (i, m) in movieList.enumerated() { movieRow[m] = Int32(i) }
        var order = Array(0..<userIDs.count).filter { movieRow[movieIDs[$0]] != nil }
        order.sort { a, b in
            if userIDs[a] != userIDs[b] { return userIDs[a] < userIDs[b] }
            if movieIDs[a] != movieIDs[b] { return movieIDs[a] < movieIDs[b] }
            if times[a] != times[b] { return times[a] < times[b] }
            return a < b
        }
        var kept: [Int] = []
        for i in order {
            if let last = kept.last, userIDs[last] == userIDs[i], movieIDs[last] == movieIDs[i] {
                kept[kept.count - 1] = i
            } else {
                kept.append(i)
            }
        }
        var users: [Int32] = []
        var userOffsets: [Int64] = [0]
        var userMovies: [Int32] = [], userRatings: [Float] = [], userTimes: [Int64] = []
        for i in kept {
            if users.last != userIDs[i] {
                if !users.isEmpty { userOffsets.append(Int64(userMovies.count)) }
                users.append(userIDs[i])
            }
            userMovies.append(movieRow[movieIDs[i]]!)
            userRatings.append(ratings[i])
            userTimes.append(times[i])
        }
        userOffsets.append(Int64(userMovies.count))
        if users.isEmpty { userOffsets = [0] }
        // Movie-major by counting sort over user-major order (user rows stay ascending).
        var counts = [Int64](repeating: 0, count: movieList.count + 1)
        for m in userMovies { counts[Int(m) + 1] += 1 }
        for i in 0..<movieList.count { counts[i + 1] += counts[i] }
        let movieOffsets = counts
        var cursor = counts
        var movieUsers = [Int32](repeating: 0, count: userMovies.count)
        var movieRatings = [Float](repeating: 0, count: userMovies.count)
        var movieTimes = [Int64](repeating: 0, count: userMovies.count)
        for u in 0..<users.count {
            for j in Int(userOffsets[u])..<Int(userOffsets[u + 1]) {
                let m = Int(userMovies[j])
                let at = Int(cursor[m])
                cursor[m] += 1
                movieUsers[at] = Int32(u)
                movieRatings[at] = userRatings[j]
                movieTimes[at] = userTimes[j]
            }
        }
        return SilverRatings(userIDs: users, movieIDs: movieList,
                             userOffsets: userOffsets, userMovies: userMovies, userRatings: userRatings, userTimes: userTimes,
                             movieOffsets: movieOffsets, movieUsers: movieUsers, movieRatings: movieRatings, movieTimes: movieTimes)
    }
}
