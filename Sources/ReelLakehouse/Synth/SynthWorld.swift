import ReelCore
#if canImport(Glibc)
import Glibc
#endif

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

    // Movies, in ascending movieId order (row = dense index).
    let movieIDs: [Int32]
    let movieYears: [Int16]
    /// Unix time of 1 January of the release year: no rating before it.
    let movieYearStart: [Int64]
    let movieGenres: [UInt32]
    /// The latent dimension a movie belongs to most (picks its tags).
    let movieCluster: [UInt8]
    let movieFactors: [SIMD16<Float>]
    let movieBias: [Float]
    /// Exposure weight; 0 for the movies nobody ever rates.
    let moviePopularity: [Double]

    // Users 1...N (row u is userId u + 1).
    let userFactors: [SIMD16<Float>]
    let userBias: [Float]
    let userRatingCounts: [Int32]
    let userTagCounts: [Int32]
    let userStart: [Int64]
    let userEnd: [Int64]
    /// Per user, the cumulative weights of choosing each latent dimension for a taste draw.
    let userDimensionCDF: [SIMD16<Float>]

    // Samplers.
    let popular: AliasTable
    let byDimension: [AliasTable]
    /// Exposed movies sorted by release year, and their year starts (for the
    /// fallback draw among movies already released at a user's last activity).
    let releasedOrder: [Int32]
    let releasedStarts: [Int64]

    /// Streams of the root seed, one per purpose, so that changing one part
    /// (e.g. `--dirty`) never shifts the random numbers of another.
    enum Stream: UInt64 {
        case movies = 1, users, popularity, titles, links, ratings, tags, dirtyPlan, dirtyRows
    }

    static func rng(_ seed: UInt64, _ stream: Stream) -> SplitMix64 {
        SplitMix64(seed: seed).split(stream.rawValue)
    }

    init(config: SynthConfig) {
        self.config = config
        let m = config.movies, k = config.rank
        let model = SynthModel.self

        // Movies: sparse ascending ids, release years skewed recent, one or two clusters each.
        var rng = Self.rng(config.seed, .movies)
        var ids = [Int32](), years = [Int16](), yearStarts = [Int64](), genres = [UInt32]()
        var clusters = [UInt8](), factors = [SIMD16<Float>](), biases = [Float]()
        ids.reserveCapacity(m)
        let dimensionPrior = AliasTable(weights: (0..<k).map { 1 / (1 + 0.15 * Double($0)) })
        var nextID: Int32 = 1
        for _ in 0..<m {
            ids.append(nextID)
            nextID += rng.nextDouble() < 0.5 ? 1 : Int32(2 + rng.next() % 8)
            let age = Int(-model.meanMovieAgeYears * log(max(rng.nextDouble(), 1e-12)))
            let year = age <= model.lastYear - model.firstYear ? model.lastYear - age : model.firstYear + Int(rng.next() % 40)
            years.append(Int16(year))
            yearStarts.append(Int64(Clock.daysFromCivil(year: year, month: 1, day: 1)) * 86_400)
            let c1 = dimensionPrior.sample(&rng)
            var c2 = rng.nextDouble() < 0.5 ? dimensionPrior.sample(&rng) : c1
            if c2 == c1 { c2 = -1 }
            var v = SIMD16<Float>()
            for d in 0..<k { v[d] = Float(rng.nextGaussian() * model.factorNoise) }
            v[c1] += 1
            if c2 >= 0 { v[c2] += 0.5 }
            factors.append(v)
            clusters.append(UInt8(c1))
            biases.append(Float(rng.nextGaussian() * model.movieBiasSD))
            genres.append(Self.genreMask(c1, c2, &rng))
        }
        movieIDs = ids
        movieYears = years
        movieYearStart = yearStarts
        movieGenres = genres
        movieCluster = clusters
        movieFactors = factors
        movieBias = biases

        // Popularity: Zipf-like over a random order of the exposed movies; ~5% never exposed.
        var prng = Self.rng(config.seed, .popularity)
        var order = Array(0..<m)
        for i in stride(from: m - 1, to: 0, by: -1) { order.swapAt(i, Int(prng.next() % UInt64(i + 1))) }
        var popularity = [Double](repeating: 0, count: m)
        for rank in 0..<config.exposedMovies {
            popularity[order[rank]] = pow(Double(rank) + model.zipfOffset, -model.zipfExponent)
        }
        moviePopularity = popularity
        popular = AliasTable(weights: popularity)
        byDimension = (0..<k).map { d in
            AliasTable(weights: (0..<m).map { i in
                let a = Double(max(factors[i][d], 0))
                return popularity[i] * (a * a + 1e-6)  // every exposed movie stays drawable
            })
        }
        let released = (0..<m).filter { popularity[$0] > 0 }.sorted { (yearStarts[$0], $0) < (yearStarts[$1], $1) }
        releasedOrder = released.map { Int32($0) }
        releasedStarts = released.map { yearStarts[$0] }

        // Users: tastes, biases, log-normal activity, activity windows.
        let u = config.users
        var urng = Self.rng(config.seed, .users)
        var ufactors = [SIMD16<Float>](), ubias = [Float](), activity = [Double](), tags = [Int32]()
        var starts = [Int64](), durations = [Int64](), cdfs = [SIMD16<Float>]()
        ufactors.reserveCapacity(u)
        for _ in 0..<u {
            var f = SIMD16<Float>()
            for d in 0..<k { f[d] = Float(urng.nextGaussian() * model.factorNoise) }
            let likes = 1 + (urng.nextDouble() < 0.6 ? 1 : 0) + (urng.nextDouble() < 0.3 ? 1 : 0)
            for strength: Float in [1.0, 0.7, 0.5].prefix(likes) {
                f[dimensionPrior.sample(&urng)] += strength
            }
            if urng.nextDouble() < 0.7 { f[dimensionPrior.sample(&urng)] -= 0.8 }
            ufactors.append(f)
            var cdf = SIMD16<Float>(repeating: .infinity)
            var total: Float = 0
            for d in 0..<k {
                let p = max(f[d], 0)
                total += p * p + 1e-3
                cdf[d] = total
            }
            cdf /= total
            cdf[k - 1] = 2  // a uniform draw in [0, 1) always lands on a real dimension
            cdfs.append(cdf)
            ubias.append(Float(urng.nextGaussian() * model.userBiasSD))
            activity.append(exp(model.activitySigma * urng.nextGaussian()))
            tags.append(urng.nextDouble() < model.taggingUsers ? Int32(1 + urng.next() % 8) : 0)
            starts.append(model.start + Int64(urng.next() % UInt64(model.end - model.start)))
            durations.append(Int64(86_400 * exp(log(60) + 1.8 * urng.nextGaussian())))
        }
        userFactors = ufactors
        userBias = ubias
        userTagCounts = tags
        userDimensionCDF = cdfs
        let counts = Self.spread(total: config.ratings, weights: activity,
                                 minimum: SynthConfig.minRatingsPerUser, maximum: config.maxRatingsPerUser)
        userRatingCounts = counts
        // A user's last activity is late enough that 1.25× their ratings' worth of movies was released.
        var ends = [Int64](), finalStarts = [Int64]()
        for i in 0..<u {
            let need = min(released.count, Int(counts[i]) + Int(counts[i]) / 4 + 1)
            let earliestEnd = releasedStarts[need - 1]
            let end = max(min(starts[i] + durations[i], model.end), earliestEnd)
            ends.append(end)
            finalStarts.append(min(starts[i], end))
        }
        userStart = finalStarts
        userEnd = ends
    }

    /// Splits `total` into per-user counts proportional to `weights`, each within
    /// `minimum...maximum`, summing to exactly `total` (water-filling).
    static func spread(total: Int, weights: [Double], minimum: Int, maximum: Int) -> [Int32] {
        let n = weights.count
        let extra = total - n * minimum
        let room = maximum - minimum
        func filled(_ scale: Double) -> Int {
            var sum = 0
            for w in weights { sum += min(room, Int(scale * w)) }
            return sum
        }
        var lo = 0.0, hi = 1.0
        while filled(hi) < extra && hi < 1e18 { hi *= 2 }
        for _ in 0..<100 {
            let mid = (lo + hi) / 2
            if filled(mid) <= extra { lo = mid } else { hi = mid }
        }
        var counts = weights.map { Int32(minimum + min(room, Int(lo * $0))) }
        var rest = extra - filled(lo)
        var i = 0
        while rest > 0 {
            if counts[i] < Int32(maximum) { counts[i] += 1; rest -= 1 }
            i = (i + 1) % n
        }
        return counts
    }

    /// A movie's genres: its clusters' genres, sometimes one more, rarely none listed.
    static func genreMask(_ c1: Int, _ c2: Int, _ rng: inout SplitMix64) -> UInt32 {
        if rng.nextDouble() < 0.03 { return 0 }
        var mask: UInt32 = 1 << UInt32(SynthModel.dimensionGenres[c1])
        if c2 >= 0 { mask |= 1 << UInt32(SynthModel.dimensionGenres[c2]) }
        if rng.nextDouble() < 0.25 { mask |= 1 << UInt32(rng.next() % UInt64(Genres.all.count)) }
        return mask
    }

    /// Ids above every real movieId: dirty movies rows take `freshBase + n`;
    /// orphan references draw from `orphanBase ..< orphanBase + 800,000`, so an
    /// orphan never names a movie of movies.csv, clean or dirty.
    var freshBase: Int64 { Int64(movieIDs.last!) + 1 }
    var orphanBase: Int64 { Int64(movieIDs.last!) + 200_000 }

    func orphanID(_ rng: inout SplitMix64) -> Int64 { orphanBase + Int64(rng.next() % 800_000) }

    /// The planted expected rating before noise and rounding.
    @inline(__always)
    func expectedRating(user: Int, movie: Int) -> Float {
        SynthModel.globalMean + userBias[user] + movieBias[movie]
            + SynthModel.tasteScale * (userFactors[user] * movieFactors[movie]).sum()
    }
}

/// The constants of the generative model, in one place so docs/bronze.md can cite them.
enum SynthModel {
    static let start: Int64 = 820_454_400                      // 1996-01-01T00:00:00Z
    static let end: Int64 = Int64(Clock.daysFromCivil(year: 2019, month: 11, day: 21)) * 86_400  // fixed, so bytes never depend on today
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
    static let dimensionGenres: [Int] = ["Drama", "Comedy", "Action", "Thriller", "Romance", "Horror", "Sci-Fi",
                                         "Documentary", "Animation", "Crime", "Adventure", "Fantasy", "Children",
                                         "Mystery", "War", "Musical"].map { Genres.index(of: $0)! }
}
