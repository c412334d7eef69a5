import ReelCore
#if canImport(Glibc)
import Glibc
#endif

/// The planted users (row u is userId u + 1): tastes, biases, how many movies
/// each rates and tags, and when they are active.
struct SynthUsers: Sendable {
    let factors: [SIMD16<Float>]
    let bias: [Float]
    let ratingCounts: [Int32]
    let tagCounts: [Int32]
    let start: [Int64]
    let end: [Int64]
    /// Cumulative probabilities of choosing each latent dimension for a taste draw.
    let dimensionCDF: [SIMD16<Float>]
    /// The same after the user's taste drifted towards one more dimension
    /// (dynamics only; empty otherwise).
    let driftedCDF: [SIMD16<Float>]

    var count: Int { factors.count }

    init(config: SynthConfig, movies: SynthMovies) {
        let k = config.rank, model = SynthModel.self
        var rng = SynthWorld.rng(config.seed, .users)
        let prior = model.dimensionPrior(rank: k)
        var factors = [SIMD16<Float>](), bias = [Float](), activity = [Double](), tags = [Int32]()
        var starts = [Int64](), durations = [Int64](), cdfs = [SIMD16<Float>]()
        for _ in 0..<config.users {
            // One to three liked dimensions, usually one disliked, a little noise everywhere.
            var f = SIMD16<Float>()
            for d in 0..<k { f[d] = Float(rng.nextGaussian() * model.factorNoise) }
            let likes = 1 + (rng.nextDouble() < 0.6 ? 1 : 0) + (rng.nextDouble() < 0.3 ? 1 : 0)
            for strength: Float in [1.0, 0.7, 0.5].prefix(likes) { f[prior.sample(&rng)] += strength }
            if rng.nextDouble() < 0.7 { f[prior.sample(&rng)] -= 0.8 }
            factors.append(f)
            cdfs.append(Self.tasteCDF(f, rank: k))
            bias.append(Float(rng.nextGaussian() * model.userBiasSD))
            activity.append(exp(model.activitySigma * rng.nextGaussian()))
            tags.append(rng.nextDouble() < model.taggingUsers ? Int32(1 + rng.next() % 8) : 0)
            starts.append(model.start + Int64(rng.next() % UInt64(model.end - model.start)))
            durations.append(Int64(86_400 * exp(log(60) + 1.8 * rng.nextGaussian())))
        }
        self.factors = factors
        self.bias = bias
        self.tagCounts = tags
        self.dimensionCDF = cdfs
        var drifted: [SIMD16<Float>] = []
        if config.dynamics {
            // A separate stream, so the planted factors match the static data set's.
            var drng = SynthWorld.rng(config.seed, .timeline).split(2)
            for f in factors {
                var g = f
                g[prior.sample(&drng)] += 0.8
                drifted.append(Self.tasteCDF(g, rank: k))
                let arrival = model.end - SynthTimeline.start - 30 * SynthTimeline.day
                starts[drifted.count - 1] = SynthTimeline.start + Int64(drng.next() % UInt64(arrival))
                durations[drifted.count - 1] =
                    drng.nextDouble() < SynthTimeline.oneDayUsers
                    ? 0 : Int64(86_400 * exp(log(90) + 1.6 * drng.nextGaussian()))
            }
        }
        driftedCDF = drifted
        let counts = Self.spread(
            total: config.ratings, weights: activity,
            minimum: SynthConfig.minRatingsPerUser, maximum: config.maxRatingsPerUser)
        ratingCounts = counts
        // A user's last activity (with dynamics: their sign-up) is late enough
        // that 1.25× their ratings' worth of movies was released.
        var ends = [Int64](), finalStarts = [Int64]()
        for i in 0..<config.users {
            let need = min(movies.releasedStarts.count, Int(counts[i]) + Int(counts[i]) / 4 + 1)
            if config.dynamics {
                let start = min(max(starts[i], movies.releasedStarts[need - 1]), model.end)
                finalStarts.append(start)
                ends.append(min(start + durations[i], model.end))
                continue
            }
            let end = max(min(starts[i] + durations[i], model.end), movies.releasedStarts[need - 1])
            ends.append(end)
            finalStarts.append(min(starts[i], end))
        }
        start = finalStarts
        end = ends
    }

    /// Taste draws pick dimension d with probability ∝ max(u_d, 0)².
    static func tasteCDF(_ f: SIMD16<Float>, rank k: Int) -> SIMD16<Float> {
        var cdf = SIMD16<Float>(repeating: .infinity)
        var total: Float = 0
        for d in 0..<k {
            let p = max(f[d], 0)
            total += p * p + 1e-3
            cdf[d] = total
        }
        cdf /= total
        cdf[k - 1] = 2  // a uniform draw in [0, 1) always lands on a real dimension
        return cdf
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
}
