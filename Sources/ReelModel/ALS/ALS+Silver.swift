import ReelCore
import ReelSilver

extension ALS {
    /// Trains a model on silver ratings: the confidence transform and recency
    /// weight of `params` (implicit only; identity with the defaults) are
    /// applied to the ratings and their times, then the user- and movie-major
    /// layouts go to the trainer as they are — silver already holds both, and
    /// `SilverSnapshot` checked them when it read the version.
    ///
    /// - Parameters:
    ///   - ratings: silver ratings; every user and movie row gets a factor row
    ///     (rows without ratings get zeros, which score 0).
    ///   - warmStart: a previous model of the same rank; rows whose external id
    ///     it knows start from its factors, new ids from the seed.
    ///   - log: receives every iteration; when nil, each is logged through `Console`.
    /// - Throws: `usage` for bad params or a warm start of another rank;
    ///   `invalidInput` naming the iteration and row when a Cholesky system is
    ///   singular (λ = 0 and too few ratings) or the loss becomes NaN/∞ or explodes.
    public static func train(
        _ ratings: SilverRatings, params: ALSParams,
        warmStart: ModelFactors? = nil,
        log: ((ALSIteration) -> Void)? = nil
    ) throws -> ModelFactors {
        try params.validate()
        let data = ConfidenceTransform.apply(ratings, params: params)
        return try fit(
            byUser: data.byUser, byMovie: data.byMovie, userIDs: data.userIDs, movieIDs: data.movieIDs,
            params: params, warmStart: warmStart, log: log)
    }
}
