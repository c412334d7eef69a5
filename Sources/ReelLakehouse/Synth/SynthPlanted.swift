import ReelCore

/// The planted truth of a synthetic data set, for tests that check a model
/// recovers it (or that a popularity ranking does not). Cheap: it is computed
/// from the seed without generating any rows.
public struct SynthPlanted: Sendable {
    public let rank: Int
    /// Row → movieId (ascending); user row u is userId u + 1.
    public let movieIDs: [Int32]
    /// Row-major, `rank` floats per user.
    public let userFactors: [Float]
    /// Row-major, `rank` floats per movie.
    public let movieFactors: [Float]
    public let userBias: [Float]
    public let movieBias: [Float]
    public let globalMean: Float
    /// Ratings depend on `tasteScale × (u·v)`.
    public let tasteScale: Float
    /// Relative exposure of each movie; 0 for movies nobody rates.
    public let popularity: [Double]
    /// Ratings per user row (clean rows).
    public let userRatingCounts: [Int32]
    /// Release time (Unix seconds) per movie row: no rating of the movie is older.
    public let releaseTimes: [Int64]
    /// Sign-up time per user row (dynamics; the start of the activity window otherwise).
    public let userStarts: [Int64]

    init(world: SynthWorld) {
        let k = world.config.rank
        rank = k
        movieIDs = world.movies.ids
        userFactors = world.users.factors.flatMap { v in (0..<k).map { v[$0] } }
        movieFactors = world.movies.factors.flatMap { v in (0..<k).map { v[$0] } }
        userBias = world.users.bias
        movieBias = world.movies.bias
        globalMean = SynthModel.globalMean
        tasteScale = SynthModel.tasteScale
        popularity = world.movies.popularity
        userRatingCounts = world.users.ratingCounts
        releaseTimes = world.movies.release
        userStarts = world.users.start
    }

    /// u·v for a user row and a movie row: the taste part of the rating.
    public func affinity(userRow: Int, movieRow: Int) -> Float {
        var sum: Float = 0
        for d in 0..<rank { sum += userFactors[userRow * rank + d] * movieFactors[movieRow * rank + d] }
        return sum
    }

    /// The rating the model expects before noise and rounding to half stars.
    public func expectedRating(userRow: Int, movieRow: Int) -> Float {
        globalMean + userBias[userRow] + movieBias[movieRow] + tasteScale * affinity(userRow: userRow, movieRow: movieRow)
    }
}

extension Synth {
    /// The planted factors, biases and popularity behind `generate(config:to:)`
    /// with the same config.
    public static func plantedFactors(config: SynthConfig) throws -> SynthPlanted {
        try config.validate()
        return SynthPlanted(world: SynthWorld(config: config))
    }
}
