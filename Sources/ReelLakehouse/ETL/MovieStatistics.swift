import ReelCore
import ReelSilver
/// Per-movie figures derived from the accepted ratings, computed from the
/// movie-major layout: each movie's ratings are consecutive and in ascending
/// user order — the order the sums have always been taken in, so the bits
/// do not depend on the layout or the thread count.
enum MovieStatistics {
    /// Rating count and mean of every movie (0 when unrated), summed in f64.
    static func fill(_ movies: inout SilverMovies, from r: RatingsCSRBuilder.MovieMajor) {
        for m in 0..<movies.count {
            let ratings = Int(r.offsets[m])..<Int(r.offsets[m + 1])
            var sum = 0.0
            for j in ratings { sum += Double(r.ratings[j]) }
            movies.ratingCounts[m] = Int32(ratings.count)
            movies.ratingMeans[m] = ratings.isEmpty ? 0 : Float(sum / Double(ratings.count))
        }
    }

    /// Trending popularity over the accepted ratings (ratings.csv and rating
    /// events, after dedupe) and the views and clicks that passed their
    /// rules, with the windows ending at the newest of them all (0 when there
    /// are none).
    static func popularity(
        _ r: RatingsCSRBuilder.MovieMajor, movieCount: Int, rules: PopularityRules,
        events: ETLEvents? = nil
    ) -> SilverPopularity {
        let endTime = [r.times.max(), events?.newestInteraction].compactMap { $0 }.max() ?? 0
        var accumulator = PopularityAccumulator(movieCount: movieCount, endTime: endTime, rules: rules)
        let oldest = endTime - (TrendingWindow.allCases.map(\.seconds).max() ?? 0)
        for m in 0..<movieCount {
            for j in Int(r.offsets[m])..<Int(r.offsets[m + 1]) where r.times[j] > oldest {
                accumulator.add(movie: m, time: r.times[j], weight: rules.ratingWeight)
            }
        }
        events?.addViewsAndClicks(to: &accumulator)
        return accumulator.result
    }
}
