import ReelCore
#if canImport(Glibc)
import Glibc
#endif

/// The planted catalogue: per movie (row = ascending movieId) its id, release
/// year, genres, latent factors, bias and popularity, plus the samplers that
/// pick which movies users rate.
struct SynthMovies: Sendable {
    let ids: [Int32]
    let years: [Int16]
    /// Unix time of 1 January of the release year.
    let yearStart: [Int64]
    /// Unix time of the release: a day of the release year with dynamics, else
    /// 1 January. No rating comes before it.
    let release: [Int64]
    let genres: [UInt32]
    /// The latent dimension a movie belongs to most (picks its tags).
    let cluster: [UInt8]
    let factors: [SIMD16<Float>]
    let bias: [Float]
    /// Exposure weight; 0 for the movies nobody ever rates.
    let popularity: [Double]

    /// Draws by popularity alone.
    let popular: AliasTable
    /// Draws for a taste dimension d: popularity × max(v_d, 0)².
    let byDimension: [AliasTable]
    /// Exposed movies sorted by release, and their release times (for the
    /// fallback draw among movies released by a given time).
    let releasedOrder: [Int32]
    let releasedStarts: [Int64]

    var count: Int { ids.count }

    init(config: SynthConfig) {
        let m = config.movies, k = config.rank
        let model = SynthModel.self
        var rng = SynthWorld.rng(config.seed, .movies)
        let prior = model.dimensionPrior(rank: k)
        var ids = [Int32](), years = [Int16](), yearStarts = [Int64](), genres = [UInt32]()
        var clusters = [UInt8](), factors = [SIMD16<Float>](), biases = [Float]()
        var nextID: Int32 = 1
        for _ in 0..<m {
            // Sparse ascending ids, release years skewed recent, one or two clusters each.
            ids.append(nextID)
            nextID += rng.nextDouble() < 0.5 ? 1 : Int32(2 + rng.next() % 8)
            let age = Int(-model.meanMovieAgeYears * log(max(rng.nextDouble(), 1e-12)))
            let year = age <= model.lastYear - model.firstYear ? model.lastYear - age : model.firstYear + Int(rng.next() % 40)
            years.append(Int16(year))
            yearStarts.append(Int64(Clock.daysFromCivil(year: year, month: 1, day: 1)) * 86_400)
            let c1 = prior.sample(&rng)
            var c2 = rng.nextDouble() < 0.5 ? prior.sample(&rng) : c1
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
        self.ids = ids
        self.years = years
        self.yearStart = yearStarts
        var release = yearStarts
        if config.dynamics {
            var trng = SynthWorld.rng(config.seed, .timeline)
            for i in 0..<m {
                let days = Clock.daysFromCivil(year: Int(years[i]) + 1, month: 1, day: 1) - Clock.daysFromCivil(year: Int(years[i]), month: 1, day: 1)
                release[i] += Int64(trng.next() % UInt64(days)) * 86_400
            }
        }
        self.release = release
        self.genres = genres
        self.cluster = clusters
        self.factors = factors
        self.bias = biases

        // Zipf-like popularity over a random order of the exposed movies; ~5% never exposed.
        var prng = SynthWorld.rng(config.seed, .popularity)
        var order = Array(0..<m)
        for i in stride(from: m - 1, to: 0, by: -1) { order.swapAt(i, Int(prng.next() % UInt64(i + 1))) }
        var popularity = [Double](repeating: 0, count: m)
        for rank in 0..<config.exposedMovies {
            popularity[order[rank]] = pow(Double(rank) + model.zipfOffset, -model.zipfExponent)
        }
        self.popularity = popularity
        popular = AliasTable(weights: popularity)
        byDimension = (0..<k).map { d in
            AliasTable(
                weights: (0..<m).map { i in
                    let a = Double(max(factors[i][d], 0))
                    return popularity[i] * (a * a + 1e-6)  // every exposed movie stays drawable
                })
        }
        let released = (0..<m).filter { popularity[$0] > 0 }.sorted { (release[$0], $0) < (release[$1], $1) }
        releasedOrder = released.map { Int32($0) }
        releasedStarts = released.map { release[$0] }
    }

    /// A movie's genres: its clusters' genres, sometimes one more, rarely none listed.
    static func genreMask(_ c1: Int, _ c2: Int, _ rng: inout SplitMix64) -> UInt32 {
        if rng.nextDouble() < 0.03 { return 0 }
        var mask: UInt32 = 1 << UInt32(SynthModel.dimensionGenres[c1])
        if c2 >= 0 { mask |= 1 << UInt32(SynthModel.dimensionGenres[c2]) }
        if rng.nextDouble() < 0.25 { mask |= 1 << UInt32(rng.next() % UInt64(Genres.all.count)) }
        return mask
    }

    /// How many exposed movies were released by `time`.
    func releasedCount(by time: Int64) -> Int {
        var lo = 0, hi = releasedStarts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if releasedStarts[mid] <= time { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
