import ReelCore

/// Line counts of one ingest run, for one type or in total.
/// Every line read is exactly one of accepted, rejected or duplicate.
public struct EventCounts: Sendable, Equatable {
    public var read = 0
    public var accepted = 0
    public var rejected = 0
    public var duplicate = 0

    public init() {}

    /// `read = accepted + rejected + duplicate`.
    public var reconciles: Bool { read == accepted + rejected + duplicate }

    static func + (a: EventCounts, b: EventCounts) -> EventCounts {
        var c = EventCounts()
        c.read = a.read + b.read
        c.accepted = a.accepted + b.accepted
        c.rejected = a.rejected + b.rejected
        c.duplicate = a.duplicate + b.duplicate
        return c
    }
}

/// What `EventIngest.run` did: counts per type that reconcile, rejects by
/// rule, and the files it wrote. Printed by `reel events ingest` and kept by
/// the nightly job in its run record.
public struct EventIngestReport: Sendable {
    public var runID: String
    /// The inputs read, in order.
    public var sources: [String] = []
    /// Files under a given folder that were not read (not `*.ndjson[.zst]`).
    public var ignoredFiles: [String] = []
    /// Counts per event type.
    public var byType: [EventType: EventCounts] = [:]
    /// Lines whose type could not be told (not JSON, no or unknown
    /// `event_type`, in a file that does not declare one). Always rejected.
    public var untyped = EventCounts()
    /// Rejected lines per rule name.
    public var rejectedByRule: [String: Int] = [:]
    /// Part files written, one per (type, date) that gained events.
    public var partitionsWritten: [String] = []
    /// The quarantine file, when a line was rejected.
    public var quarantineFile: String?
    /// Event ids known before the run (from the index) and index rebuilds.
    public var knownIDs = 0
    public var rebuiltIndexes = 0
    public var seconds = 0.0

    public init(runID: String) {
        self.runID = runID
        for t in EventType.allCases { byType[t] = EventCounts() }
    }

    public var total: EventCounts {
        EventType.allCases.reduce(untyped) { $0 + (byType[$1] ?? EventCounts()) }
    }

    /// True when every type and the total reconcile.
    public var reconciles: Bool {
        total.reconciles && untyped.reconciles && byType.values.allSatisfy(\.reconciles)
    }

    /// A table for people.
    public func render() -> String {
        func pad(_ s: String, _ w: Int, right: Bool = true) -> String {
            let fill = String(repeating: " ", count: max(0, w - s.count))
            return right ? fill + s : s + fill
        }
        func row(_ name: String, _ c: EventCounts) -> String {
            pad(name, 8, right: false) + pad(Console.count(c.read), 12) + pad(Console.count(c.accepted), 12)
                + pad(Console.count(c.rejected), 12) + pad(Console.count(c.duplicate), 12) + "\n"
        }
        var out = "events ingest \(runID): \(sources.count) source(s), \(Console.count(total.read)) lines in \(Console.duration(seconds))"
        if seconds > 0 && total.read > 0 { out += " (\(Console.count(Int(Double(total.read) / seconds))) lines/s)" }
        out += "\n" + pad("type", 8, right: false) + pad("read", 12) + pad("accepted", 12) + pad("rejected", 12) + pad("duplicate", 12) + "\n"
        for t in EventType.allCases { out += row(t.rawValue, byType[t] ?? EventCounts()) }
        if untyped.read > 0 { out += row("unknown", untyped) }
        out += row("total", total)
        out += "reconciles: \(reconciles ? "yes" : "NO") (read = accepted + rejected + duplicate)\n"
        if !rejectedByRule.isEmpty {
            out +=
                "rejected by rule: "
                + rejectedByRule.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { "\($0.key) \(Console.count($0.value))" }.joined(separator: ", ") + "\n"
        }
        if let quarantineFile { out += "quarantine: \(quarantineFile)\n" }
        out += "partitions written: \(partitionsWritten.count)\n"
        if !ignoredFiles.isEmpty {
            out += "ignored \(ignoredFiles.count) file(s) not named *.ndjson or *.ndjson.zst, e.g. \(ignoredFiles[0])\n"
        }
        return out
    }

    /// The report as one JSON object (for run records and scripts).
    public func json() -> String {
        func counts(_ c: EventCounts) -> String {
            "{\"read\":\(c.read),\"accepted\":\(c.accepted),\"rejected\":\(c.rejected),\"duplicate\":\(c.duplicate)}"
        }
        var types = EventType.allCases.map { "\"\($0.rawValue)\":\(counts(byType[$0] ?? EventCounts()))" }
        types.append("\"unknown\":\(counts(untyped))")
        let rules = rejectedByRule.keys.sorted().map { "\(JSONValue.quoted($0)):\(rejectedByRule[$0]!)" }
        return "{\"run_id\":\(JSONValue.quoted(runID)),"
            + "\"sources\":[\(sources.map(JSONValue.quoted).joined(separator: ","))],"
            + "\"ignored_files\":[\(ignoredFiles.map(JSONValue.quoted).joined(separator: ","))],"
            + "\"total\":\(counts(total)),\"by_type\":{\(types.joined(separator: ","))},"
            + "\"rejected_by_rule\":{\(rules.joined(separator: ","))},"
            + "\"partitions_written\":[\(partitionsWritten.map(JSONValue.quoted).joined(separator: ","))],"
            + "\"quarantine_file\":\(quarantineFile.map(JSONValue.quoted) ?? "null"),"
            + "\"known_ids\":\(knownIDs),\"rebuilt_indexes\":\(rebuiltIndexes),"
            + "\"seconds\":\(Console.fixed(seconds, 3)),\"reconciles\":\(reconciles)}"
    }
}
