import ReelCore

/// Maps a planted rating (expected rating plus noise) to half stars so that
/// the data set's ratings follow ml-25m's distribution (`SynthTimeline.ratingShares`).
///
/// Why a calibration: rounding the planted value gives a bell around 3 stars,
/// while real users mostly give 3, 4 and 5 and rarely half stars below 3. The
/// thresholds are the planted values' quantiles on a pilot sample drawn the
/// way the generator draws (popularity and taste), so the mapping is monotone
/// — a model that recovers the planted order still ranks right — and the
/// shares land within a point or two of the target.
struct SynthRatingScale: Sendable {
    /// thresholds[k] is the smallest planted value rated k + 2 half stars.
    private let thresholds: [Float]

    init(movies: SynthMovies, users: SynthUsers, seed: UInt64) {
        var rng = SynthWorld.rng(seed, .calibration)
        let total = users.ratingCounts.reduce(0) { $0 + Int($1) }
        let pilot = 200_000.0 / Double(max(total, 1))
        let popular = SynthTimeline.popularShare + SynthTimeline.trendShare / 2
        var values: [Float] = []
        values.reserveCapacity(220_000)
        for u in 0..<users.count {
            let expected = Double(users.ratingCounts[u]) * pilot
            var draws = Int(expected)
            if rng.nextDouble() < expected - Double(draws) { draws += 1 }
            let cdf = users.dimensionCDF[u]
            for _ in 0..<draws {
                let m: Int
                if rng.nextDouble() < popular {
                    m = movies.popular.sample(&rng)
                } else {
                    let r = Float(rng.nextDouble())
                    var d = 0
                    while cdf[d] <= r { d += 1 }
                    m = movies.byDimension[d].sample(&rng)
                }
                values.append(SynthModel.globalMean + users.bias[u] + movies.bias[m]
                              + SynthModel.tasteScale * (users.factors[u] * movies.factors[m]).sum()
                              + SynthModel.noiseSD * SynthUserRows.noise(rng.next()))
            }
        }
        values.sort()
        var cumulative = 0.0
        var thresholds: [Float] = []
        for share in SynthTimeline.ratingShares.dropLast() {
            cumulative += share
            thresholds.append(values.isEmpty ? Float(cumulative) : values[min(values.count - 1, Int(cumulative * Double(values.count)))])
        }
        self.thresholds = thresholds
    }

    /// Half stars 1...10 for planted value `x`.
    @inline(__always)
    func halves(_ x: Float) -> Int {
        var h = 1
        for t in thresholds where x >= t { h += 1 }
        return h
    }
}
