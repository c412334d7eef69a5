import ReelCore
#if canImport(Glibc)
import Glibc
#endif

extension SynthUserRows {
    /// The dynamic draw of user `u`'s movies (`SynthConfig.dynamics`): first
    /// when the user rates — a sign-up burst, then sessions skewed towards the
    /// first weeks — then, for each rating time, a movie released by then:
    /// trending at that time, all-time popular, or by taste (drifting over the
    /// user's activity). Leaves `scratch.picks` sorted by movie row with
    /// `scratch.times` alongside, as `sampleMovies` does.
    func sampleMoviesOverTime(_ u: Int, _ s: inout Scratch) {
        var rng = SynthWorld.rng(world.config.seed, .ratings).split(UInt64(u))
        let n = Int(world.users.ratingCounts[u])
        let burst = schedule(u, n, &s.times, &rng)
        let start = world.users.start[u], span = max(world.users.end[u] - start, 1)
        let cdf = world.users.dimensionCDF[u], drifted = world.users.driftedCDF[u]
        // Taste weight of each dimension relative to the user's favourite, for thinning trend draws.
        var like = SIMD16<Float>()
        var previous: Float = 0, best: Float = 0
        for d in 0..<world.config.rank {
            like[d] = min(cdf[d], 1) - previous
            previous = min(cdf[d], 1)
            best = max(best, like[d])
        }
        like /= best
        let floor = Float(SynthTimeline.trendTasteFloor)
        let tag = Int32(u)
        s.picks.removeAll(keepingCapacity: true)
        s.keys.removeAll(keepingCapacity: true)
        for (i, t) in s.times.enumerated() {
            let inBurst = i < burst
            let trendShare = inBurst ? SynthTimeline.burstTrendShare : SynthTimeline.trendShare
            let popularBelow = trendShare + (inBurst ? SynthTimeline.burstPopularShare : SynthTimeline.popularShare)
            let driftChance = SynthTimeline.drift * Double(t - start) / Double(span)
            var chosen = -1
            for _ in 0..<8 {
                let r = rng.nextDouble()
                var m: Int
                if r < trendShare {
                    guard let trending = world.trends!.sample(at: t, &rng) else { continue }
                    m = trending
                    let keep = floor + (1 - floor) * like[Int(world.movies.cluster[m])]
                    if Float(rng.nextDouble()) >= keep { continue }
                } else if r < popularBelow {
                    m = world.movies.popular.sample(&rng)
                } else {
                    let taste = rng.nextDouble() < driftChance ? drifted : cdf
                    let x = Float(rng.nextDouble())
                    var d = 0
                    while taste[d] <= x { d += 1 }
                    m = world.movies.byDimension[d].sample(&rng)
                }
                if s.seenBy[m] != tag && world.movies.release[m] <= t { chosen = m; break }
            }
            if chosen < 0 { chosen = fallbackMovie(end: t, seen: s.seenBy, tag: tag, &rng) }
            s.seenBy[chosen] = tag
            s.keys.append(UInt64(chosen) << 32 | UInt64(t))
        }
        s.keys.sort()
        s.times.removeAll(keepingCapacity: true)
        for key in s.keys {
            s.picks.append(Int32(truncatingIfNeeded: key >> 32))
            s.times.append(Int64(key & 0xFFFF_FFFF))
        }
    }

    /// The times of user `u`'s `n` ratings: a burst on the sign-up day (every
    /// rating for one-day users), then sessions of a few ratings a minute or
    /// two apart, their starts skewed towards the beginning of the activity.
    /// Returns how many of the times (the first ones) are the sign-up burst.
    private func schedule(_ u: Int, _ n: Int, _ times: inout [Int64], _ rng: inout SplitMix64) -> Int {
        let start = world.users.start[u], end = world.users.end[u]
        let last = SynthModel.end
        times.removeAll(keepingCapacity: true)
        let share = SynthTimeline.burstShare
        var burst = n
        if end - start > SynthTimeline.day {
            let drawn = Int(Double(n) * (share.lowerBound + (share.upperBound - share.lowerBound) * rng.nextDouble()))
            burst = min(n, max(SynthTimeline.burstMinimum, drawn))
        }
        // The burst fits in the sign-up day: steps of ~1 minute, shorter for very heavy users.
        let step = max(1, min(60, (SynthTimeline.day - 3_600) / Int64(max(burst, 1))))
        var t = start
        for _ in 0..<burst {
            t = min(t + step / 2 + Int64(rng.next() % UInt64(step + 1)), last)
            times.append(t)
        }
        let later = end - start - SynthTimeline.day
        while times.count < n {
            let size = min(n - times.count, 1 + Int(-SynthTimeline.sessionMean * log(max(rng.nextDouble(), 1e-12))))
            let x = rng.nextDouble()
            var s = start + SynthTimeline.day + Int64(Double(max(later, 0)) * x * x)
            for _ in 0..<size {
                s = min(s + 20 + Int64(rng.next() % 160), last)
                times.append(s)
            }
        }
        return burst
    }
}
