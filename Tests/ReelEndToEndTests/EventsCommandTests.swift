import Foundation
import Testing

/// `reel events …` and `reel synth events` through the real binary, as an operator runs them.
@Suite struct EventsCommandTests {
    private func synthEvents(_ root: String) throws -> [String] { ["synth", "events"] }

    @Test func ingestFromStdinThenStats() throws {
        let home = try makeHome("events-stdin")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let lines = """
            {"event_id":"0f8fad5b-d9cb-469f-a165-70867728950e","event_type":"view","user_id":42,"movie_id":318,"ts":"2019-11-20T18:04:05Z","session_id":"s-42-1","duration_ms":5400000}
            {"event_id":"16fd2706-8baf-433b-82eb-8c7fada847da","event_type":"rating","user_id":42,"movie_id":2571,"ts":"2019-11-20T20:01:00Z","session_id":"s-42-1","rating":9}

            """
        let r = try ReelBinary.run(["events", "ingest", "--from", "-", "--json"], root: home, stdin: Data(lines.utf8))
        #expect(r.status == 0, "\(r.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let total = report?["total"] as? [String: Int]
        #expect(total == ["read": 2, "accepted": 1, "rejected": 1, "duplicate": 0])
        #expect((report?["rejectedByRule"] as? [String: Int]) == ["rating_invalid": 1], "a rule keeps the name the quarantine file gives it")
        #expect(report?["reconciles"] as? Bool == true)

        let stats = try ReelBinary.run(["events", "stats"], root: home)
        #expect(stats.status == 0)
        #expect(stats.stdout.contains("2019-11-20"))

        let missing = try ReelBinary.run(["events", "ingest", "--from", "no-such-dir"], root: home)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no-such-dir"))
    }

    @Test func synthEventsPlantsViralMoviesAndIsRepeatable() throws {
        let home = try makeHome("events-synth")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let args = try synthEvents(home) + ["--days", "3", "--per-day", "400", "--users", "60", "--movies", "40", "--seed", "5", "--viral", "2"]
        let first = try ReelBinary.run(args, root: home)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("viral: movie"))
        let manifest =
            try JSONSerialization.jsonObject(
                with: Data(
                    contentsOf: URL(
                        fileURLWithPath:
                            home + "/lakehouse/bronze/events/_synth_events.json"))) as? [String: Any]
        #expect((manifest?["viral"] as? [Any])?.count == 2)
        #expect(manifest?["events"] as? Int == 1200)
        let again = try ReelBinary.run(args, root: home)
        #expect(again.status == 0)
        #expect(again.stdout.contains("total          1,200           0           0       1,200"))
    }
}
