import ReelCore

/// Settings of `reel synth events`.
public struct SyntheticEventsConfig: Sendable, Equatable {
    /// Number of days, ending with `endDay`.
    public var days: Int
    /// Events per day (before viral boosts change which movies they go to).
    public var perDay: Int
    public var seed: UInt64
    /// The last day (days since 1970-01-01, UTC).
    public var endDay: Int64
    /// How many movies go viral (each on one day).
    public var viralMovies: Int = 4
    /// A viral movie's event rate on its day, as a multiple of its usual rate.
    public var viralMultiplier: Double = 20
    /// Zipf exponents of movie popularity and user activity.
    public var movieSkew: Double = 0.9
    public var userSkew: Double = 0.7

    public init(days: Int, perDay: Int, seed: UInt64 = 42, endDay: Int64) {
        self.days = days
        self.perDay = perDay
        self.seed = seed
        self.endDay = endDay
    }

    /// The end date used when neither `--end` nor bronze ratings say otherwise:
    /// the day of MovieLens 25M's newest rating.
    public static let defaultEndDate = "2019-11-21"

    public var firstDay: Int64 { endDay - Int64(days) + 1 }

    func validate() throws {
        guard days >= 1, days <= 3660 else { throw ReelError(.usage, "--days must be between 1 and 3660 (got \(days))") }
        guard perDay >= 1, perDay <= 100_000_000 else { throw ReelError(.usage, "--per-day must be between 1 and 100,000,000 (got \(perDay))") }
        guard viralMovies >= 0, viralMultiplier >= 1 else { throw ReelError(.usage, "viral movies must be ≥ 0 and the multiplier ≥ 1") }
    }
}

/// A movie that goes viral: on `day` its event rate is multiplied.
public struct ViralMovie: Sendable, Equatable {
    public let movieID: Int32
    public let day: Int64
    public var date: String { EventLayout.date(day) }
}

/// What a generation produced.
public struct SyntheticEventsSummary: Sendable {
    public let config: SyntheticEventsConfig
    /// The planted viral movies, newest day first.
    public let viral: [ViralMovie]
    /// Events generated per type (before ingest).
    public var generated: [EventType: Int] = [:]
    /// The ingest report when the events went through `EventIngest`.
    public var ingest: EventIngestReport?

    public var events: Int { generated.values.reduce(0, +) }

    /// `_synth_events.json`: the plan, so tests and people can check trending.
    public func manifestJSON() -> String {
        let viralJSON = viral.map { "{\"movie_id\":\($0.movieID),\"date\":\"\($0.date)\"}" }.joined(separator: ",")
        let types = EventType.allCases.map { "\"\($0.rawValue)\":\(generated[$0] ?? 0)" }.joined(separator: ",")
        return "{\"seed\":\(config.seed),\"days\":\(config.days),\"per_day\":\(config.perDay),"
            + "\"first_date\":\"\(EventLayout.date(config.firstDay))\",\"end_date\":\"\(EventLayout.date(config.endDay))\","
            + "\"events\":\(events),\"by_type\":{\(types)},"
            + "\"viral_multiplier\":\(Console.fixed(config.viralMultiplier, 1)),\"viral\":[\(viralJSON)]}\n"
    }
}
