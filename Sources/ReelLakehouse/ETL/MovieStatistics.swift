/// Per-movie figures derived from the accepted ratings.
enum MovieStatistics {
    /// Rating count and mean of every movie (0 when unrated), summed in a
    /// fixed order (users ascending) so reruns give the same bits.
    static func fill(_ movies: inout SilverMovies, from r: SilverRatings) {
        for m in 0..<r.movieCount {
            let s = Int(r.movieOffsets[m]), e = Int(r.movieOffsets[m + 1])
            var sum = 0.0
            for j in s..<e { sum += Double(r.movieRatings[j]) }
            movies.ratingCounts[m] = Int32(e - s)
            movies.ratingMeans[m] = e > s ? Float(sum / Double(e - s)) : 0
        }
    }

    /// Trending popularity over the accepted ratings, with the windows ending
    /// at the newest accepted rating (0 when there are none).
    static func popularity(_ r: SilverRatings, rules: PopularityRules) -> SilverPopularity {
        let endTime = r.userTimes.max() ?? 0
        var accumulator = PopularityAccumulator(movieCount: r.movieCount, endTime: endTime, rules: rules)
        let oldest = endTime - (TrendingWindow.allCases.map(\.seconds).max() ?? 0)
        for j in r.userTimes.indices where r.userTimes[j] > oldest {
            accumulator.add(movie: Int(r.userMovies[j]), time: r.userTimes[j], weight: rules.ratingWeight)
        }
        return accumulator.result
    }
}
