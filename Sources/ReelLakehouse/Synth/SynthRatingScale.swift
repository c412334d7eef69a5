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

    init(pilotOf world: SynthWorld) {
        var rng = SynthWorld.rng(world.config.seed, .calibration)
        let users = world.users
        let total = users.ratingCounts.reduce(0) { $0 + Int($1) }
        // Every k-th user, drawn exactly as the generator draws, ~200,000 ratings in all.
        let stride = max(1, total / 200_000)
        let rows = SynthUserRows(world: world, plan: SynthDirtyPlan(world: world))
        var scratch = SynthUserRows.Scratch(seenBy: [Int32](repeating: -1, count: world.config.movies))
        var values: [Float] = []
        for u in Swift.stride(from: 0, to: users.count, by: stride) {
            rows.sampleMoviesOverTime(u, &scratch)
            for m in scratch.picks {
                values.append(world.expectedRating(user: u, movie: Int(m)) + SynthModel.noiseSD * SynthUserRows.noise(rng.next()))
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
