import ReelCore

/// The constants of the generative model, in one place (docs/bronze.md cites them).
enum SynthModel {
    static let start: Int64 = 820_454_400  // 1996-01-01T00:00:00Z
    /// 2019-11-21T00:00:00Z, fixed so the bytes never depend on today's date.
    static let end: Int64 = Int64(Clock.daysFromCivil(year: 2019, month: 11, day: 21)) * 86_400
    static let firstYear = 1902
    static let lastYear = 2019
    static let meanMovieAgeYears = 22.0
    static let globalMean: Float = 3.0
    static let userBiasSD = 0.35
    static let movieBiasSD = 0.3
    static let tasteScale: Float = 1.2
    static let noiseSD: Float = 0.55
    static let factorNoise = 0.15
    /// Share of a user's movies drawn by global popularity; the rest are taste draws.
    static let popularShare = 0.3
    static let zipfOffset = 10.0
    static let zipfExponent = 1.1
    static let activitySigma = 1.1
    static let taggingUsers = 0.25
    /// Latent dimension d's movies carry genre `dimensionGenres[d]` (indices into `Genres.all`).
    static let dimensionGenres: [Int] = [
        "Drama", "Comedy", "Action", "Thriller", "Romance", "Horror", "Sci-Fi",
        "Documentary", "Animation", "Crime", "Adventure", "Fantasy", "Children",
        "Mystery", "War", "Musical",
    ].map { Genres.index(of: $0)! }
    /// How likely each latent dimension is as a movie's or a user's main one (Drama, Comedy first).
    static func dimensionPrior(rank: Int) -> AliasTable {
        AliasTable(weights: (0..<rank).map { 1 / (1 + 0.15 * Double($0)) })
    }
}
