import ReelCore
#if canImport(Glibc)
import Glibc
#endif

/// The constants of the time line (`SynthConfig.dynamics`), in one place
/// (docs/model.md, "Synthetic data dynamics", cites them).
///
/// Why: on real MovieLens, what users rate *now* is dominated by what was
/// released lately (so recent popularity beats all-time popularity on a global
/// time split), users rate most of their movies in their first session, and a
/// long tail of classics keeps being rated. A generator without time cannot
/// show a recommender any of this.
enum SynthTimeline {
    /// 1995-01-09T00:00:00Z, the first day of ml-25m's ratings.
    static let start: Int64 = Int64(Clock.daysFromCivil(year: 1995, month: 1, day: 9)) * 86_400
    static let day: Int64 = 86_400

    /// Shares of a user's draws in later sessions: the movies in their
    /// popularity life cycle at the rating's time, the all-time popular
    /// catalogue, and taste draws (the rest). Trend draws are thinned by taste
    /// too (`trendTasteFloor`). A returning user mostly rates what they have
    /// just seen — the new releases — having rated the classics at sign-up:
    /// this is what makes recent popularity beat all-time popularity on a
    /// global time split of real MovieLens.
    static let trendShare = 0.6
    static let popularShare = 0.05
    /// The same shares in the sign-up burst: the all-time popular catalogue
    /// and taste weigh more, the current releases less.
    static let burstTrendShare = 0.3
    static let burstPopularShare = 0.3
    /// Each release year's strongest this many movies are its hits; the
    /// others keep `nonHitTrend` of their trend strength. A fixed number per
    /// year, not a share of the catalogue: otherwise a larger catalogue (8,000
    /// or 62,000 movies instead of 1,500) spreads the same trend mass over
    /// more concurrently trending movies, and no top-10 list can follow it.
    static let hitsPerYear = 25
    static let nonHitTrend = 0.05
    /// A trend draw of a movie outside the user's liked dimensions is kept
    /// with this probability (1 for the user's favourite dimension).
    static let trendTasteFloor = 0.35

    /// Life cycle of a movie's trend weight at age a: (1 − e^(−a/rise)) · e^(−a/decay).
    static let riseDays = 6.0
    static let decayDays = 45.0
    /// A movie leaves the trend tables this long after its release.
    static let horizonDays: Int64 = 365
    /// Trend tables are rebuilt every `epochDays`.
    static let epochDays: Int64 = 7
    /// Spread of how strongly a movie trends beyond its base popularity (log-normal σ).
    static let trendSigma = 0.8

    /// Share of users whose ratings all fall on their sign-up day.
    static let oneDayUsers = 0.3
    /// The sign-up burst holds at least this many ratings (MovieLens asks for 15 at sign-up)...
    static let burstMinimum = 15
    /// ...and a share of the user's ratings drawn uniformly from this range.
    static let burstShare = 0.35...0.85
    /// Mean ratings per later session.
    static let sessionMean = 8.0
    /// A later session's taste draws use the drifted taste with probability
    /// `drift × (how far into the user's activity it is)`.
    static let drift = 0.5

    /// ml-25m's share of each half-star rating, 0.5 … 5.0.
    static let ratingShares: [Double] = [0.016, 0.031, 0.016, 0.066, 0.050, 0.195, 0.126, 0.266, 0.085, 0.144]

    /// The trend weight of a movie `age` seconds after its release (0 before it).
    @inline(__always)
    static func lifeCycle(age: Int64) -> Double {
        guard age > 0 else { return 0 }
        let a = Double(age) / Double(day)
        return (1 - exp(-a / riseDays)) * exp(-a / decayDays)
    }

    /// The epoch (trend table index) of time `t` (≥ `start`).
    @inline(__always)
    static func epoch(_ t: Int64) -> Int { Int((t - start) / (epochDays * day)) }
}

/// Per-epoch samplers of the movies in their popularity life cycle: epoch e
/// holds every exposed movie released within `horizonDays` before the end of
/// the epoch, weighted by its trend strength × its life cycle at that time.
/// A movie released later than the draw's time inside the epoch is rejected by
/// the caller, so nobody rates a movie before its release.
struct SynthTrends: Sendable {
    private let tables: [AliasTable?]
    private let members: [[Int32]]

    init(movies: SynthMovies, seed: UInt64) {
        var rng = SynthWorld.rng(seed, .timeline).split(1)
        var strength = movies.popularity.map { $0 * exp(SynthTimeline.trendSigma * rng.nextGaussian()) }
        // Hits: each release year's strongest `hitsPerYear` (ties by row); the rest trend faintly.
        var byYear: [Int16: [Int]] = [:]
        for m in strength.indices where strength[m] > 0 { byYear[movies.years[m], default: []].append(m) }
        for (_, ms) in byYear {
            let sorted = ms.sorted { (strength[$0], $1) > (strength[$1], $0) }
            for m in sorted.dropFirst(SynthTimeline.hitsPerYear) { strength[m] *= SynthTimeline.nonHitTrend }
        }
        let span = SynthTimeline.epochDays * SynthTimeline.day
        let epochs = SynthTimeline.epoch(SynthModel.end) + 1
        var tables: [AliasTable?] = [], members: [[Int32]] = []
        tables.reserveCapacity(epochs)
        members.reserveCapacity(epochs)
        let order = movies.releasedOrder, starts = movies.releasedStarts
        for e in 0..<epochs {
            let epochEnd = SynthTimeline.start + Int64(e + 1) * span
            let lo = movies.releasedCount(by: epochEnd - SynthTimeline.horizonDays * SynthTimeline.day)
            let hi = movies.releasedCount(by: epochEnd - 1)
            var ids: [Int32] = [], weights: [Double] = []
            for i in lo..<hi {
                let m = Int(order[i])
                // The life cycle in the middle of the epoch (a movie released later in it starts low).
                let w = strength[m] * SynthTimeline.lifeCycle(age: max(epochEnd - span / 2 - starts[i], SynthTimeline.day / 2))
                if w > 0 { ids.append(Int32(m)); weights.append(w) }
            }
            tables.append(ids.isEmpty ? nil : AliasTable(weights: weights))
            members.append(ids)
        }
        self.tables = tables
        self.members = members
    }

    /// A movie trending at time `t`, or nil when none is (it may be released after `t`).
    @inline(__always)
    func sample(at t: Int64, _ rng: inout SplitMix64) -> Int? {
        let e = SynthTimeline.epoch(t)
        guard e >= 0, e < tables.count, let table = tables[e] else { return nil }
        return Int(members[e][table.sample(&rng)])
    }
}
