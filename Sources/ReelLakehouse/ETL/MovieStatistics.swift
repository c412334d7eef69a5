/// Per-movie figures derived from the accepted ratings, computed from the
/// user-major layout (the ETL writes and frees it before building the
/// movie-major one). Every movie's ratings are met in ascending user order,
/// exactly as in the movie-major layout, so sums are the same bits either way.
enum MovieStatistics {
    /// Rating count and mean of every movie (0 when unrated), summed in f64.
    static func fill(_ movies: inout SilverMovies, from r: RatingsCSRBuilder.UserMajor) {
        var sums = [Double](repeating: 0, count: movies.count)
        var counts = [Int32](repeating: 0, count: movies.count)
        for j in r.movies.indices {
            let m = Int(r.movies[j])
            sums[m] += Double(r.ratings[j])
            counts[m] += 1
        }
        for m in 0..<movies.count {
            movies.ratingCounts[m] = counts[m]
            movies.ratingMeans[m] = counts[m] > 0 ? Float(sums[m] / Double(counts[m])) : 0
        }
    }

    /// Trending popularity over the accepted ratings (ratings.csv and rating
    /// events, after dedupe) and the views and clicks that passed their
    /// rules, with the windows ending at the newest of them all (0 when there
    /// are none).
    static func popularity(_ r: RatingsCSRBuilder.UserMajor, movieCount: Int, rules: PopularityRules,
                           events: ETLEvents? = nil) -> SilverPopularity {
        let endTime = [r.times.max(), events?.newestInteraction].compactMap { $0 }.max() ?? 0
        var accumulator = PopularityAccumulator(movieCount: movieCount, endTime: endTime, rules: rules)
        let oldest = endTime - (TrendingWindow.allCases.map(\.seconds).max() ?? 0)
        for j in r.times.indices where r.times[j] > oldest {
            accumulator.add(movie: Int(r.movies[j]), time: r.times[j], weight: rules.ratingWeight)
        }
        events?.addViewsAndClicks(to: &accumulator)
        return accumulator.result
    }
}
