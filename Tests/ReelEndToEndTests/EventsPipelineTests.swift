import Foundation
import Testing

/// Events through the whole product, on the real binary: synthetic viral
/// movies surfacing in trending, and rating events dropped in the inbox
/// changing a user's recommendations at the next nightly run.
@Suite(.serialized) struct EventsPipelineTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// Movie ids of a `--json` list (trending or top-k), best first.
    func movieIDs(_ result: ReelBinary.Result) throws -> [Int] {
        (try json(result.stdout)["items"] as? [[String: Any]] ?? []).compactMap { $0["movieId"] as? Int }
    }

    @Test func viralMoviesSurfaceInTrending() throws {
        let home = try makeHome("events-viral")
        defer { try? FileManager.default.removeItem(atPath: home) }
        try ReelBinary.ok(["synth", "--preset", "tiny", "--quiet"], root: home)
        try ReelBinary.ok(["synth", "events", "--days", "10", "--per-day", "2000", "--seed", "17", "--quiet"], root: home)
        let etl = try ReelBinary.ok(["etl", "--json", "--quiet"], root: home)
        try ReelBinary.ok(["train", "--quiet"], root: home, env: fastModel)
        try ReelBinary.ok(["publish", "--quiet"], root: home, env: fastModel)

        let plan = try json(
            String(
                decoding: try Data(
                    contentsOf: URL(
                        fileURLWithPath:
                            home + "/lakehouse/bronze/events/_synth_events.json")), as: UTF8.self))
        let viral = try #require(plan["viral"] as? [[String: Any]])
        let newest = try #require(viral.max { ($0["date"] as! String) < ($1["date"] as! String) }?["movie_id"] as? Int)

        let day = try movieIDs(try ReelBinary.ok(["trending", "--window", "24h", "--json"], root: home))
        #expect(day.first == newest, "24h list \(day.prefix(5)), newest viral movie \(newest)")
        let week = try movieIDs(try ReelBinary.ok(["trending", "--window", "7d", "--json"], root: home))
        #expect(week.prefix(3).contains(newest), "7d list \(week.prefix(5)), newest viral movie \(newest)")

        // Every planted event reached the ETL, and each type reconciles.
        let byType = try #require(plan["by_type"] as? [String: Int])
        let tables = try #require(try json(etl.stdout)["tables"] as? [[String: Any]])
        for type in ["view", "click", "rating"] {
            let t = try #require(tables.first { $0["table"] as? String == "\(type)_events" })
            let read = t["read"] as? Int ?? -1, accepted = t["accepted"] as? Int ?? -1
            let rejected = t["rejected"] as? Int ?? -1, deduplicated = t["deduplicated"] as? Int ?? -1
            #expect(read == byType[type])
            #expect(read == accepted + rejected + deduplicated && rejected == 0)
        }
    }

    @Test func ratingEventsChangeRecommendationsAtTheNextNightlyRun() throws {
        let home = try makeHome("events-nightly")
        defer { try? FileManager.default.removeItem(atPath: home) }
        try ReelBinary.ok(["synth", "--preset", "tiny", "--quiet"], root: home)
        try ReelBinary.ok(["nightly", "--quiet"], root: home, env: fastModel)
        #expect(try nightlyStatuses(home)["ingest"] == "skipped")  // no inbox yet

        let user = 1
        let before = try movieIDs(try ReelBinary.ok(["topk", "--user", "\(user)", "--k", "5", "--json"], root: home))
        #expect(before.count == 5)

        // The user rates their current top five; the file lands in the inbox.
        let lines = before.enumerated().map { i, movie in
            "{\"event_id\":\"00000000-0000-4000-8000-00000000000\(i)\",\"event_type\":\"rating\",\"user_id\":\(user),"
                + "\"movie_id\":\(movie),\"ts\":\"2019-11-20T12:00:0\(i)Z\",\"session_id\":\"s-\(user)\",\"rating\":4.5}"
        }
        let inbox = home + "/lakehouse/inbox/events/rating"
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        try (lines.joined(separator: "\n") + "\n").write(toFile: inbox + "/app-1.ndjson", atomically: true, encoding: .utf8)

        try ReelBinary.ok(["nightly", "--quiet", "--force-publish"], root: home, env: fastModel)
        let statuses = try nightlyStatuses(home)
        #expect(["ingest", "etl", "train", "publish"].allSatisfy { statuses[$0] == "ran" }, "\(statuses)")
        let run = try json(try ReelBinary.ok(["runs", "show", "--json"], root: home).stdout)
        let ingested = (run["rows"] as? [String: [String: Int]])?["eventsIngest"]
        #expect(ingested == ["read": 5, "accepted": 5, "rejected": 0, "deduplicated": 0])
        // The file moved out of the inbox, into done/<run-id>/ with its relative path.
        #expect(!FileManager.default.fileExists(atPath: inbox + "/app-1.ndjson"))
        let runID = try #require(run["runId"] as? String)
        #expect(FileManager.default.fileExists(atPath: home + "/lakehouse/inbox/events/done/\(runID)/rating/app-1.ndjson"))

        // Rated movies are seen: none is recommended any more.
        let after = try movieIDs(try ReelBinary.ok(["topk", "--user", "\(user)", "--k", "20", "--json"], root: home))
        #expect(after.count == 20)
        #expect(Set(after).isDisjoint(with: before), "still recommended: \(Set(after).intersection(before))")

        // Nothing new: ingest and everything downstream are skipped.
        try ReelBinary.ok(["nightly", "--quiet"], root: home, env: fastModel)
        let again = try nightlyStatuses(home)
        #expect(again["ingest"] == "skipped" && again["etl"] == "skipped" && again["publish"] == "skipped", "\(again)")
    }
}
