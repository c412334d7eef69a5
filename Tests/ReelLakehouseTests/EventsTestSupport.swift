import Foundation
import ReelCore
@testable import ReelLakehouse

/// Shared helpers of the event tests: the checkout's schemas, temporary homes,
/// and event lines built from the contract's examples.
enum EventsFixture {
    /// `<checkout>/schemas/events`, found from this file's path.
    static let schemaDirectory: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("schemas/events").path
    }()

    /// The checkout's schemas, compiled once.
    static let schemas: EventSchemaSet = {
        do { return try EventSchemaSet.load(directory: schemaDirectory) } catch { fatalError("\(error)") }
    }()

    /// A fresh temporary home; remove it with `cleanup`.
    static func home(_ tag: String) -> ReelHome {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("reel-events-\(tag)-\(UUID().uuidString.prefix(8))").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return ReelHome(root: dir)
    }

    static func cleanup(_ home: ReelHome) { try? FileSystem.removeTree(home.root) }

    static func options(_ run: String = "test", workers: Int? = 2, now: Int64? = nil) -> EventIngestOptions {
        var o = EventIngestOptions(runID: run, schemas: schemas, workers: workers)
        if let now { o.now = now }
        return o
    }

    /// A deterministic UUID for event number `n`.
    static func uuid(_ n: Int) -> String {
        let hex = String(n, radix: 16)
        return "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - hex.count) + hex
    }

    /// A valid event line of `type`; `fields` overrides or adds members (raw JSON values),
    /// `drop` removes members.
    static func line(
        _ type: EventType, id: Int = 1, user: Int = 42, movie: Int = 318,
        ts: String = "2019-11-20T18:04:05Z", fields: [(String, String)] = [], drop: [String] = []
    ) -> String {
        var members: [(String, String)] = [
            ("event_id", "\"\(uuid(id))\""), ("event_type", "\"\(type.rawValue)\""),
            ("user_id", "\(user)"), ("movie_id", "\(movie)"), ("ts", "\"\(ts)\""), ("session_id", "\"s-\(user)-1\""),
        ]
        switch type {
        case .view: members.append(("duration_ms", "5400000"))
        case .click: members += [("position", "3"), ("context", "\"recommendations\"")]
        case .rating: members.append(("rating", "4.5"))
        }
        for (k, v) in fields {
            if let i = members.firstIndex(where: { $0.0 == k }) { members[i].1 = v } else { members.append((k, v)) }
        }
        members.removeAll { drop.contains($0.0) }
        return "{" + members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    static func bytes(_ lines: [String]) -> [UInt8] { Array((lines.joined(separator: "\n") + "\n").utf8) }

    /// Ingests lines held in memory; `now` is the ingest's clock (default the
    /// wall clock; a later one lets in events an older ingest, without the
    /// contract's time rules, would have accepted).
    @discardableResult
    static func ingest(
        _ home: ReelHome, _ lines: [String], name: String = "test.ndjson", run: String = "test",
        workers: Int? = 2, now: Int64? = nil
    ) throws -> EventIngestReport {
        try EventIngest.run(home: home, inputs: [.bytes(name: name, bytes(lines))], options: options(run, workers: workers, now: now))
    }

    /// The quarantine records of a run, parsed.
    static func rejects(_ home: ReelHome, run: String = "test") throws -> [[String: Any]] {
        let path = EventLayout.quarantineFile(home, run: run)
        guard FileSystem.exists(path) else { return [] }
        return try FileSystem.readText(path).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    /// Every part file under the bronze events folder (relative paths, sorted).
    static func partFiles(_ home: ReelHome) -> [String] {
        let base = home.bronzeEvents
        let e = FileManager.default.enumerator(atPath: base)
        var out: [String] = []
        while let p = e?.nextObject() as? String {
            if !p.hasPrefix("_") && (p.hasSuffix(".ndjson") || p.hasSuffix(".ndjson.zst")) { out.append(p) }
        }
        return out.sorted()
    }

    /// Whether two homes hold the same part files with the same bytes.
    static func samePartitions(_ a: ReelHome, _ b: ReelHome) throws -> Bool {
        let files = partFiles(a)
        guard !files.isEmpty, files == partFiles(b) else { return false }
        for f in files where try FileSystem.readBytes(Path.join(a.bronzeEvents, f)) != FileSystem.readBytes(Path.join(b.bronzeEvents, f)) {
            return false
        }
        return true
    }
}
