import Foundation
import ReelCore
import ReelModel

/// What one nightly run did, written to `output/runs/<run-id>/run.json` after
/// every stage (so a killed run still leaves a record of how far it got).
/// This is Reel's experiment tracking: params, metrics, timings, row counts,
/// input fingerprints, the release it produced and how it ended.
public struct RunRecord: Codable, Sendable, Equatable {
    public struct Stage: Codable, Sendable, Equatable {
        public var name: String
        /// `ran`, `skipped` (inputs unchanged), `failed`, `blocked` (quality gate).
        public var status: String
        public var startedAt: String
        public var durationSeconds: Double
        public var detail: String
        public var attempts: Int

        enum CodingKeys: String, CodingKey {
            case name, status, detail, attempts
            case startedAt = "started_at"
            case durationSeconds = "duration_seconds"
        }

        public init(name: String, status: String, startedAt: String, durationSeconds: Double, detail: String, attempts: Int = 1) {
            self.name = name
            self.status = status
            self.startedAt = startedAt
            self.durationSeconds = durationSeconds
            self.detail = detail
            self.attempts = attempts
        }
    }

    public var runID: String
    public var startedAt: String
    public var finishedAt: String?
    /// `running`, `success`, `failed`, `gate_blocked`.
    public var outcome: String
    public var failedStage: String?
    public var error: String?
    public var stages: [Stage] = []
    /// Effective settings (`reel config show`), as strings.
    public var params: [String: String] = [:]
    /// Offline metrics of the model trained in this run (or reused).
    public var metrics: [String: Double] = [:]
    /// Per table: read / accepted / rejected / deduplicated.
    public var rows: [String: [String: Int]] = [:]
    /// Content fingerprints of each stage's inputs (xxh3-64, hex).
    public var fingerprints: [String: String] = [:]
    public var releaseID: String?
    public var releaseBytes: Int?
    /// Why the quality gate blocked or passed the publish.
    public var gate: String?
    /// What UC1 serves and why (the evaluation's choice; says so when a baseline is served or the choice is pinned).
    public var serving: String?

    enum CodingKeys: String, CodingKey {
        case outcome, error, stages, params, metrics, rows, fingerprints, gate, serving
        case runID = "run_id"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case failedStage = "failed_stage"
        case releaseID = "release_id"
        case releaseBytes = "release_bytes"
    }

    public init(runID: String, startedAt: String) {
        self.runID = runID
        self.startedAt = startedAt
        self.outcome = "running"
    }

    /// Pretty, sorted keys: the records' one Codable form (`JSONText`, as model and tuning records).
    public func json() -> String {
        JSONText.encode(self)
    }
}

/// The run records under `output/runs/`.
public struct RunStore: Sendable {
    public let home: ReelHome

    public init(home: ReelHome) { self.home = home }

    public func path(_ runID: String) -> String { Path.join(home.runs, runID, "run.json") }

    public func save(_ record: RunRecord) throws {
        try FileSystem.writeAtomically(path(record.runID), text: record.json() + "\n")
    }

    public func load(_ runID: String) throws -> RunRecord {
        let p = path(runID)
        guard FileSystem.exists(p) else {
            throw ReelError(.notFound, "no run '\(runID)' in \(home.runs); `reel runs list` shows the runs")
        }
        do {
            return try JSONText.decode(RunRecord.self, from: try FileSystem.readText(p))
        } catch let e as ReelError {
            throw e
        } catch {
            throw ReelError(.corrupt, "\(p) is not a valid run record: \(error)")
        }
    }

    /// Run ids, oldest first (ids sort by time).
    public func list() -> [String] {
        FileSystem.list(home.runs).filter { FileSystem.exists(path($0)) }
    }

    /// The newest successful run, if any.
    public func lastSuccess() -> RunRecord? {
        for id in list().reversed() {
            if let r = try? load(id), r.outcome == "success" { return r }
        }
        return nil
    }

    /// Deletes the oldest records beyond `keep`.
    public func prune(keep: Int) throws -> [String] {
        let ids = list()
        guard ids.count > keep else { return [] }
        let doomed = Array(ids.prefix(ids.count - keep))
        for id in doomed { try FileSystem.removeTree(Path.join(home.runs, id)) }
        return doomed
    }
}

/// Text renderings for `reel runs`.
public enum RunReport {
    public static func table(_ records: [RunRecord]) -> String {
        var rows = [["RUN", "OUTCOME", "STAGES RUN", "NDCG@10", "RELEASE", "DURATION"]]
        for r in records {
            let ran = r.stages.filter { $0.status == "ran" }.map(\.name).joined(separator: ",")
            let ndcg = r.metrics["ndcg_at_10"].map { Console.fixed($0, 4) } ?? "-"
            let duration = r.stages.reduce(0) { $0 + $1.durationSeconds }
            rows.append([r.runID, r.outcome, ran.isEmpty ? "-" : ran, ndcg, r.releaseID ?? "-", Console.duration(duration)])
        }
        return align(rows)
    }

    public static func show(_ r: RunRecord) -> String {
        var out = "run \(r.runID): \(r.outcome)"
        if let s = r.failedStage { out += " at \(s)" }
        out += "\nstarted \(r.startedAt)" + (r.finishedAt.map { ", finished \($0)" } ?? "") + "\n"
        if let e = r.error { out += "error: \(e)\n" }
        // The verdict already starts "quality gate passed/blocked/skipped": no second label.
        if let g = r.gate { out += (g.hasPrefix("quality gate") ? g : "quality gate: \(g)") + "\n" }
        if let s = r.serving { out += "served: \(s)\n" }
        if let id = r.releaseID { out += "release: \(id)\n" }
        out +=
            "\nstages:\n"
            + align(
                [["STAGE", "STATUS", "SECONDS", "DETAIL"]]
                    + r.stages.map {
                        [$0.name, $0.status, Console.fixed($0.durationSeconds, 2), $0.detail]
                    })
        if !r.rows.isEmpty {
            out +=
                "\nrows:\n"
                + align(
                    [["TABLE", "READ", "ACCEPTED", "REJECTED", "DEDUPLICATED"]]
                        + r.rows.keys.sorted().map { t in
                            let c = r.rows[t]!
                            return [t] + ["read", "accepted", "rejected", "deduplicated"].map { c[$0].map(String.init) ?? "-" }
                        })
        }
        if !r.metrics.isEmpty {
            out += "\nmetrics:\n" + align(r.metrics.keys.sorted().map { [$0, Console.fixed(r.metrics[$0]!, 4)] })
        }
        if !r.params.isEmpty {
            out += "\nparams:\n" + align(r.params.keys.sorted().map { [$0, r.params[$0]!] })
        }
        return out
    }

    /// Params and metrics of two runs side by side, with deltas for metrics.
    public static func compare(_ a: RunRecord, _ b: RunRecord) -> String {
        var rows = [["", a.runID, b.runID, "DELTA"]]
        for key in Set(a.params.keys).union(b.params.keys).sorted() {
            let x = a.params[key] ?? "-", y = b.params[key] ?? "-"
            rows.append(["param " + key, x, y, x == y ? "" : "changed"])
        }
        for key in Set(a.metrics.keys).union(b.metrics.keys).sorted() {
            let x = a.metrics[key], y = b.metrics[key]
            var delta = ""
            if let x, let y {
                delta = (y - x >= 0 ? "+" : "") + Console.fixed(y - x, 4)
                if x != 0 { delta += " (" + (y - x >= 0 ? "+" : "") + Console.fixed(100 * (y - x) / abs(x), 1) + "%)" }
            }
            rows.append(["metric " + key, x.map { Console.fixed($0, 4) } ?? "-", y.map { Console.fixed($0, 4) } ?? "-", delta])
        }
        return align(rows)
    }

    static func align(_ rows: [[String]]) -> String {
        guard let n = rows.map(\.count).max() else { return "" }
        var widths = [Int](repeating: 0, count: n)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        return rows.map { r in
            r.enumerated().map { i, c in i == r.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count) }
                .joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
