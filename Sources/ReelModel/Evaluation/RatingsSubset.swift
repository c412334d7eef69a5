import ReelSilver

extension SilverRatings {
    /// The ratings whose user-major position has `keep[i] == true`, with the
    /// same user and movie rows (rows may end up with no ratings), both CSR
    /// layouts rebuilt. Used for the training part of an evaluation split.
    func subset(keep: [Bool]) -> SilverRatings {
        var userOffsets = [Int64](repeating: 0, count: userCount + 1)
        var userMovies: [Int32] = [], userRatings: [Float] = [], userTimes: [Int64] = []
        let kept = keep.reduce(0) { $0 + ($1 ? 1 : 0) }
        userMovies.reserveCapacity(kept); userRatings.reserveCapacity(kept); userTimes.reserveCapacity(kept)
        for u in 0..<userCount {
            for j in Int(self.userOffsets[u])..<Int(self.userOffsets[u + 1]) where keep[j] {
                userMovies.append(self.userMovies[j]); userRatings.append(self.userRatings[j]); userTimes.append(self.userTimes[j])
            }
            userOffsets[u + 1] = Int64(userMovies.count)
        }
        var movieOffsets = [Int64](repeating: 0, count: movieCount + 1)
        for m in userMovies { movieOffsets[Int(m) + 1] += 1 }
        for m in 0..<movieCount { movieOffsets[m + 1] += movieOffsets[m] }
        var cursor = movieOffsets
        var movieUsers = [Int32](repeating: 0, count: kept)
        var movieRatings = [Float](repeating: 0, count: kept)
        var movieTimes = [Int64](repeating: 0, count: kept)
        for u in 0..<userCount {
            for j in Int(userOffsets[u])..<Int(userOffsets[u + 1]) {
                let m = Int(userMovies[j])
                let at = Int(cursor[m])
                cursor[m] += 1
                movieUsers[at] = Int32(u); movieRatings[at] = userRatings[j]; movieTimes[at] = userTimes[j]
            }
        }
        return SilverRatings(
            userIDs: userIDs, movieIDs: movieIDs,
            userOffsets: userOffsets, userMovies: userMovies, userRatings: userRatings, userTimes: userTimes,
            movieOffsets: movieOffsets, movieUsers: movieUsers, movieRatings: movieRatings, movieTimes: movieTimes)
    }
}
