import ReelCore

/// The planted truth behind a synthetic data set: every movie's and user's
/// latent factors, biases, popularity and activity, drawn from the seed before
/// a single row is written.
///
/// Why it looks like this: a recommender is only testable on data whose answer
/// is known. Ratings come from `mean + userBias + movieBias + tasteScale·(u·v) +
/// noise`, and *which* movies a user rates mixes popularity draws with taste
/// draws (a latent dimension chosen from the user's likes, then a movie from
/// that dimension's popularity × affinity table). So a model that recovers
/// u and v ranks well, while a global most-popular list cannot.
struct SynthWorld: Sendable {
    let config: SynthConfig
    let movies: SynthMovies
    let users: SynthUsers
    /// The movies in their popularity life cycle, per week (dynamics only).
    let trends: SynthTrends?
    /// Maps the planted rating to half stars with ml-25m's distribution (dynamics only).
    private(set) var scale: SynthRatingScale?

    /// Streams of the root seed, one per purpose, so that changing one part
    /// (e.g. `--dirty`) never shifts the random numbers of another.
    enum Stream: UInt64 {
        case movies = 1
        case users, popularity, titles, links, ratings, tags, dirtyPlan, dirtyRows, timeline, calibration
    }

    static func rng(_ seed: UInt64, _ stream: Stream) -> SplitMix64 {
        SplitMix64(seed: seed).split(stream.rawValue)
    }

    init(config: SynthConfig) {
        self.config = config
        movies = SynthMovies(config: config)
        users = SynthUsers(config: config, movies: movies)
        trends = config.dynamics ? SynthTrends(movies: movies, seed: config.seed) : nil
        scale = nil
        if config.dynamics { scale = SynthRatingScale(pilotOf: self) }
    }

    /// The half stars (1...10) of a planted rating `x` (expected rating plus noise).
    @inline(__always)
    func halves(_ x: Float) -> Int {
        if let scale { return scale.halves(x) }
        return min(10, max(1, Int((2 * x).rounded())))
    }

    /// Ids above every real movieId: dirty movies rows take `freshBase + n`;
    /// orphan references draw from `orphanBase ..< orphanBase + 800,000`, so an
    /// orphan never names a movie of movies.csv, clean or dirty.
    var freshBase: Int64 { Int64(movies.ids.last!) + 1 }
    var orphanBase: Int64 { Int64(movies.ids.last!) + 200_000 }

    func orphanID(_ rng: inout SplitMix64) -> Int64 { orphanBase + Int64(rng.next() % 800_000) }

    /// The planted expected rating before noise and rounding.
    @inline(__always)
    func expectedRating(user: Int, movie: Int) -> Float {
        SynthModel.globalMean + users.bias[user] + movies.bias[movie]
            + SynthModel.tasteScale * (users.factors[user] * movies.factors[movie]).sum()
    }
}
