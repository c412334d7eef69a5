import ReelCore
import ReelSilver

/// The event part of a run. It only happens when `lakehouse/bronze/events/`
/// exists, so a plain MovieLens run does no extra work.
///
/// Each type gets a table report (`view_events`, `click_events`,
/// `rating_events`) that reconciles like a bronze table:
/// read = accepted + rejected + deduplicated, where accepted is what silver
/// uses (views and clicks for trending; rating events whose rating is kept),
/// rejected is by the ratings table's rules that apply to events, and
/// deduplicated counts repeated event ids and rating events that lost the
/// (user, movie) dedupe to a newer rating.
extension ETLRun {
    static let eventsQuarantineKey = "events"

    /// Reads and checks the events, quarantines the rejected ones to
    /// `events.rejects.csv`, and fails the run, as for a table, when a type's
    /// rejected / read ratio is above the threshold — counting only the rules
    /// ingest cannot check (`movieId_orphan`): events breaking a time rule
    /// got into bronze past an older ingest and are quarantined every run
    /// without failing it. Nil without an events folder.
    mutating func loadEvents(movies: DenseIDIndex) throws -> ETLEvents? {
        guard FileSystem.isDirectory(home.bronzeEvents) else { return nil }
        let began = ETLReport.PhaseStart()
        let rules = try EventRowRules(ratings: try contract.table("ratings"), runClock: options.now)
        let events = try ETLEvents.read(
            home: home, schemasDirectory: schemasDirectory, movies: movies, rules: rules,
            threads: options.threads)
        let quarantine = try events.writeQuarantine(directory: quarantineDirectory)
        if let quarantine { quarantined[Self.eventsQuarantineKey] = quarantine }
        phase("events_read", since: began)
        for k in events.kinds {
            // Time rules are ingest's too: breaking them here means an older ingest (or a file
            // placed by hand) let the event into bronze. Quarantined, reported, but not counted
            // towards the threshold, or every nightly would fail until bronze were hand-edited.
            let legacy = k.rejectedByRule.indices.filter { rules.isEnforcedAtIngest($0) }.reduce(0) { $0 + k.rejectedByRule[$1] }
            if legacy > 0 {
                let byRule = k.rejectedByRule.indices.filter { rules.isEnforcedAtIngest($0) && k.rejectedByRule[$0] > 0 }
                    .map { "\(events.ruleNames[$0]) \(Console.count(k.rejectedByRule[$0]))" }
                Console.warn(
                    "etl",
                    "\(EventLayout.typeDirectory(home, k.type)): \(Console.count(legacy)) \(k.type.rawValue) events "
                        + "in bronze break rules ingest enforces (\(byRule.joined(separator: ", "))): quarantined in "
                        + "\(quarantine ?? "?"), not counted towards the reject threshold (written by an older ingest or by hand)")
            }
            let rate = Double(k.rejected - legacy) / Double(max(k.read, 1))
            guard rate <= options.rejectThreshold else {
                let byRule = zip(events.ruleNames, k.rejectedByRule).filter { $0.1 > 0 }.map { "\($0.0) \(Console.count($0.1))" }
                throw ReelError(
                    .invalidInput,
                    """
                    \(EventLayout.typeDirectory(home, k.type)): \(Console.count(k.rejected)) of \(Console.count(k.read)) \
                    \(k.type.rawValue) events rejected (\(Console.fixed(rate * 100, 2))%), above the reject threshold of \
                    \(Console.fixed(options.rejectThreshold * 100, 2))% (\(byRule.joined(separator: ", "))); rejected events \
                    are in \(quarantine ?? "?"); silver was not changed
                    """)
            }
        }
        Console.info(
            "etl",
            "events: \(Console.count(events.files)) files in \(Console.count(events.partitions)) partitions, "
                + EventType.allCases.map { "\(Console.count(events[$0].columns.count)) \($0.rawValue)" }.joined(separator: ", "))
        return events
    }

    /// Adds the per-type reports, once the ratings build has decided how many
    /// rating events won their (user, movie) pair.
    mutating func finishEvents(_ events: ETLEvents, ratingEventsKept: Int) throws {
        let seconds = phases.last { $0.name == "events_read" }?.seconds ?? 0
        let totalRead = max(1, events.kinds.reduce(0) { $0 + $1.read })
        for k in events.kinds {
            let accepted = k.type == .rating ? ratingEventsKept : k.passed
            try record(
                TableReport(
                    table: "\(k.type.rawValue)_events", file: "events/\(k.type.rawValue)", read: k.read, accepted: accepted,
                    deduplicated: k.repeats + (k.passed - accepted),
                    rejectedByRule: zip(events.ruleNames, k.rejectedByRule).map { TableReport.RuleCount(rule: $0, count: $1) },
                    quarantineFile: k.rejected > 0 ? quarantined[Self.eventsQuarantineKey] : nil,
                    // One read covers every type: its time is shared by event count.
                    seconds: seconds * Double(k.read) / Double(totalRead)))
        }
    }
}
