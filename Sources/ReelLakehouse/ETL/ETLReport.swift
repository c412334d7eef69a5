import Foundation
import ReelCore
import ReelSilver

/// What one `reel etl` run did: per table the reconciliation
/// (read = accepted + rejected + deduplicated, rejections by rule), the
/// silver version it produced, where the rejects went, and how long each
/// phase took. Saved as the version's `report.json`.
public struct ETLReport: Sendable, Codable {
    public struct Phase: Sendable, Codable, Equatable {
        public var name: String
        /// When the phase began, in seconds since the run began (phases of
        /// the concurrent strands overlap).
        public var startSeconds: Double
        public var seconds: Double
        /// CPU seconds the whole process used meanwhile (all threads, so
        /// work overlapping the phase counts too).
        public var cpuSeconds: Double
        /// The process's peak resident memory when the phase ended.
        public var peakRSSBytes: Int

        enum CodingKeys: String, CodingKey {
            case name, seconds
            case startSeconds = "start_seconds"
            case cpuSeconds = "cpu_seconds"
            case peakRSSBytes = "peak_rss_bytes"
        }
    }

    /// When a phase began, on the wall and CPU clocks.
    struct PhaseStart {
        let wall = Clock.monotonic()
        let cpu = Clock.processCPUSeconds()

        /// The phase `name`, ending now (`startSeconds` is the monotonic
        /// clock until `ETLRun.record` makes it relative to the run).
        func finished(_ name: String) -> Phase {
            Phase(
                name: name, startSeconds: wall, seconds: Clock.monotonic() - wall, cpuSeconds: Clock.processCPUSeconds() - cpu,
                peakRSSBytes: ProcessMemory.peakResidentBytes())
        }

        /// Runs `body` as the phase `name` (for work on another thread, whose
        /// phase is recorded when it is waited for).
        func measure<T>(_ name: String, _ body: () throws -> T) rethrows -> (T, Phase) {
            let value = try body()
            return (value, finished(name))
        }
    }

    public var runID: String
    /// The new silver version (= the run id).
    public var versionID: String
    public var versionDirectory: String
    /// xxh3-64 of the version's manifest.json, 16 hex digits.
    public var fingerprint: String
    /// The clock `timestamp_in_future` compared against (Unix seconds).
    public var runClock: Int64
    public var startedAt: String
    public var finishedAt: String
    public var rejectThreshold: Double
    public var threads: Int
    public var contract: String
    public var tables: [TableReport]
    /// `lakehouse/quarantine/<run-id>`, when anything was rejected.
    public var quarantineDirectory: String?
    public var counts: SilverManifest.Counts
    public var phases: [Phase]
    public var seconds: Double
    /// Peak resident memory of the process (Linux VmHWM) at the end of the run.
    public var peakRSSBytes: Int
    /// The Delta version each open silver table (`lakehouse/silver/<table>`) was committed at.
    public var openTables: [String: Int64]?

    enum CodingKeys: String, CodingKey {
        case tables, counts, phases, seconds, threads, contract, fingerprint
        case runID = "run_id"
        case versionID = "version_id"
        case versionDirectory = "version_directory"
        case runClock = "run_clock"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case rejectThreshold = "reject_threshold"
        case quarantineDirectory = "quarantine_directory"
        case peakRSSBytes = "peak_rss_bytes"
        case openTables = "open_tables"
    }

    /// The report of table `name`.
    public func table(_ name: String) -> TableReport? { tables.first { $0.table == name } }

    /// The fingerprint as a number.
    public var fingerprintValue: UInt64 { XXH3.parseHex(fingerprint) ?? 0 }

    /// Pretty JSON with sorted keys.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// A plain-text table of the reconciliation, for the terminal.
    public func summary() -> String {
        let header = ["table", "read", "accepted", "rejected", "deduplicated", "seconds"]
        var rows = [header]
        for t in tables {
            rows.append([
                t.table, Console.count(t.read), Console.count(t.accepted), Console.count(t.rejected),
                Console.count(t.deduplicated), Console.fixed(t.seconds, 2),
            ])
        }
        let widths = header.indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        var out = ""
        for row in rows {
            let cells = row.enumerated().map { c, text in
                let pad = String(repeating: " ", count: widths[c] - text.count)
                return c == 0 ? text + pad : pad + text
            }
            out += cells.joined(separator: "  ") + "\n"
        }
        for t in tables where t.rejected > 0 {
            let byRule = t.rejectedByRule.filter { $0.count > 0 }.map { "\($0.rule) \(Console.count($0.count))" }
            out += "\(t.table) rejects: \(byRule.joined(separator: ", ")) -> \(t.quarantineFile ?? "")\n"
        }
        out +=
            "silver version \(versionID) (fingerprint \(fingerprint)), \(Console.count(counts.users)) users, "
            + "\(Console.count(counts.movies)) movies, \(Console.count(counts.ratings)) ratings, \(Console.count(counts.tags)) tags, "
            + "\(Console.duration(seconds))\n"
        if let openTables {
            out +=
                "open tables (lakehouse/silver/<table>): "
                + openTables.sorted { $0.key < $1.key }.map { "\($0.key) v\($0.value)" }.joined(separator: ", ") + "\n"
        }
        return out
    }
}
