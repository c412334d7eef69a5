import Foundation
import Testing

/// Issue 16 item 6 with the real binary: a record that passes one stage must
/// not poison the next. A movie title that is not UTF-8 used to pass `reel
/// etl` and fail every `reel publish` (an error naming a temp-file offset);
/// 250 future-dated events used to pass `reel events ingest` and fail every
/// nightly on the reject threshold until bronze was edited by hand.
@Suite(.serialized) struct FirstStageQuarantineEndToEndTests {
    static let bronze = "/lakehouse/bronze/movielens/ml-25m"

    func appendBytes(_ path: String, _ bytes: [UInt8]) throws {
        let h = try #require(FileHandle(forWritingAtPath: path))
        defer { try? h.close() }
        try h.seekToEnd()
        try h.write(contentsOf: Data(bytes))
    }

    /// The current silver version's run report.
    func silverReport(_ home: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: home + "/lakehouse/silver/current/report.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// read, accepted, rejected of `table` in a silver report, and its rejects by rule.
    func table(_ report: [String: Any], _ name: String) throws -> (counts: [Int], byRule: [String: Int]) {
        let tables = try #require(report["tables"] as? [[String: Any]])
        let t = try #require(tables.first { $0["table"] as? String == name }, "\(tables.map { $0["table"] ?? "" })")
        let byRule = (t["rejected_by_rule"] as? [[String: Any]] ?? t["rejectedByRule"] as? [[String: Any]] ?? [])
            .reduce(into: [String: Int]()) { $0[$1["rule"] as? String ?? ""] = $1["count"] as? Int ?? 0 }
        return ([t["read"] as? Int ?? -1, t["accepted"] as? Int ?? -1, t["rejected"] as? Int ?? -1], byRule)
    }

    @Test func aTitleAndATagThatAreNotUTF8AreQuarantinedByTheETLAndPublishSucceeds() throws {
        let home = try makeHome("utf8")
        defer { try? FileManager.default.removeItem(atPath: home) }
        // 200 movies, so that one bad title (0.5 %) stays under the default 1 % reject threshold.
        try ReelBinary.ok(["synth", "--preset", "tiny", "--movies", "200", "--seed", "7", "--quiet"], root: home)
        // A new movie whose title is Latin-1, and a tag with a truncated sequence on movie 1.
        try appendBytes(home + Self.bronze + "/movies.csv", Array("999001,Caf".utf8) + [0xE9] + Array(" Society (2016),Comedy\n".utf8))
        try appendBytes(home + Self.bronze + "/tags.csv", Array("1,1,cr".utf8) + [0xC3] + Array("me,1400000000\n".utf8))

        let etl = try ReelBinary.run(["etl"], root: home, env: fastModel)
        #expect(etl.status == 0, "\(etl.stderr)")
        #expect(etl.stderr.contains("title_invalid_utf8 1") && etl.stderr.contains("tag_invalid_utf8 1"), "\(etl.stderr)")
        let report = try silverReport(home)
        let movies = try table(report, "movies"), tags = try table(report, "tags")
        #expect(movies.byRule["title_invalid_utf8"] == 1 && tags.byRule["tag_invalid_utf8"] == 1)
        #expect(movies.counts[0] == movies.counts[1] + movies.counts[2])
        // The quarantine names the line and keeps the original bytes.
        let quarantine = try FileManager.default.contentsOfDirectory(atPath: home + "/lakehouse/quarantine")
        let moviesRejects = try #require(
            quarantine.compactMap { FileManager.default.contents(atPath: home + "/lakehouse/quarantine/\($0)/movies.rejects.csv") }.first)
        #expect(moviesRejects.range(of: Data([0x43, 0x61, 0x66, 0xE9])) != nil)
        #expect(String(decoding: moviesRejects, as: UTF8.self).contains(",title_invalid_utf8,"))

        for stage in [["train"], ["evaluate"], ["publish"]] {
            let r = try ReelBinary.run(stage + ["--quiet"], root: home, env: fastModel)
            #expect(r.status == 0, "reel \(stage[0]): \(r.stderr)")
        }
        #expect(try ReelBinary.run(["verify", "output/current"], root: home).status == 0)
        // The movie is not served: its title never reached the release.
        #expect(try ReelBinary.run(["movie", "999001"], root: home).status != 0)
    }

    @Test func futureDatedEventsAreQuarantinedAtIngestAndLegacyOnesDoNotFailTheNightly() throws {
        let home = try makeHome("future")
        defer { try? FileManager.default.removeItem(atPath: home) }
        try ReelBinary.ok(["synth", "--preset", "tiny", "--seed", "7", "--quiet"], root: home)
        func uuid(_ n: Int, _ variant: String = "8") -> String {
            let hex = String(n, radix: 16)
            return "00000000-0000-4000-\(variant)000-" + String(repeating: "0", count: 12 - hex.count) + hex
        }
        // Movies that exist, so that only the timestamps can be wrong.
        let movieIDs = try String(contentsOfFile: home + Self.bronze + "/movies.csv", encoding: .utf8)
            .split(separator: "\n").dropFirst().prefix(30).compactMap { Int($0.split(separator: ",")[0]) }
        #expect(movieIDs.count == 30)
        func view(_ n: Int, ts: String, variant: String = "8") -> String {
            "{\"event_id\":\"\(uuid(n, variant))\",\"event_type\":\"view\",\"user_id\":\(1 + n % 20),\"movie_id\":\(movieIDs[n % 30]),"
                + "\"ts\":\"\(ts)\",\"session_id\":\"s\",\"duration_ms\":60000}"
        }
        var lines = (0..<100).map { view($0, ts: "2019-11-1\($0 % 10)T12:00:00Z") }
        lines += (0..<250).map { view(1000 + $0, ts: "2100-01-01T00:00:\(String(format: "%02d", $0 % 60))Z") }
        let input = home + "/events.ndjson"
        try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)

        let ingest = try ReelBinary.run(["events", "ingest", "--from", input, "--json"], root: home)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(ingest.stdout.utf8)) as? [String: Any], "\(ingest.stdout)")
        let total = try #require(json["total"] as? [String: Int])
        #expect(total == ["read": 350, "accepted": 100, "rejected": 250, "duplicate": 0])
        // --json spells field names in camelCase; a rule keeps the name the quarantine file gives it.
        let byRule = try #require(json["rejectedByRule"] as? [String: Int])
        #expect(byRule == ["timestamp_in_future": 250], "\(byRule)")
        let quarantine = try String(contentsOfFile: try #require(json["quarantineFile"] as? String), encoding: .utf8)
        #expect(quarantine.split(separator: "\n").count == 250 && quarantine.contains("\"rule\":\"timestamp_in_future\""))
        let bronzeViews = try FileManager.default.contentsOfDirectory(atPath: home + "/lakehouse/bronze/events/view")
        #expect(!bronzeViews.contains("date=2100-01-01"), "\(bronzeViews)")

        let first = try ReelBinary.run(["nightly", "--quiet"], root: home, env: fastModel)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try nightlyStatuses(home)["etl"] == "ran")

        // Bronze as an older ingest left it: the 250 future-dated events in a part file.
        let legacy = home + "/lakehouse/bronze/events/view/date=2100-01-01"
        try FileManager.default.createDirectory(atPath: legacy, withIntermediateDirectories: true)
        let legacyLines = (0..<250).map { view(1000 + $0, ts: "2100-01-01T00:00:\(String(format: "%02d", $0 % 60))Z", variant: "9") }
        try (legacyLines.joined(separator: "\n") + "\n").write(toFile: legacy + "/part-legacy.ndjson", atomically: true, encoding: .utf8)
        for run in 1...2 {
            let nightly = try ReelBinary.run(["nightly", "--force", "--quiet"], root: home, env: fastModel)
            #expect(nightly.status == 0, "nightly \(run): \(nightly.stderr)")
            #expect(try nightlyStatuses(home)["etl"] == "ran")
            let views = try table(try silverReport(home), "view_events")
            #expect(views.counts == [350, 100, 250], "nightly \(run)")
            #expect(views.byRule["timestamp_in_future"] == 250)
        }
        #expect(try ReelBinary.run(["verify", "output/current"], root: home).status == 0)
    }
}
