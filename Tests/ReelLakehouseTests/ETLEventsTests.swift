import Foundation
import Testing
import ReelCore
@testable import ReelLakehouse
@testable import ReelSilver

private typealias F = EventsFixture

/// The ETL with bronze events (bronze-clean: movies 1, 2, 3, 5, 10; the
/// newest rating is user 2's 4.5 for movie 1 at 2015-10-24T19:28:20Z).
@Suite struct ETLEventsTests {
    static let newestRating: Int64 = 1_445_714_900

    func home(_ tag: String) throws -> ReelHome {
        let home = F.home(tag)
        try installBronze("bronze-clean", into: home)
        return home
    }

    /// The rating of (user id, movie id) in silver, with its time.
    func rating(_ s: SilverSnapshot, user: Int32, movie: Int32) -> (Float, Int64)? {
        guard let u = s.ratings.userIDs.firstIndex(of: user), let m = s.movies.ids.firstIndex(of: movie) else { return nil }
        let r = s.ratings
        for j in Int(r.userOffsets[u])..<Int(r.userOffsets[u + 1]) where r.userMovies[j] == Int32(m) {
            return (r.userRatings[j], r.userTimes[j])
        }
        return nil
    }

    /// The decayed score the contract gives one event of `weight` at `age` seconds in `window`.
    func decayed(_ weight: Float, age: Int64, _ window: TrendingWindow) -> Float {
        weight * Float(exp2(-Double(age) / (Double(window.seconds) / 4)))
    }

    /// read, accepted, rejected, deduplicated.
    func counts(_ t: TableReport) -> [Int] { [t.read, t.accepted, t.rejected, t.deduplicated] }

    func score(_ s: SilverSnapshot, movie: Int32, _ window: TrendingWindow) -> Float {
        s.popularity.scores[window.rawValue * s.movies.count + s.movies.ids.firstIndex(of: movie)!]
    }

    @Test func ratingEventsJoinRatingsNewestWinsAndEventOnlyUsersBecomeUsers() throws {
        let home = try home("join")
        defer { F.cleanup(home) }
        try F.ingest(
            home,
            [
                // Newer than ratings.csv's 4.0 (2000): the event wins.
                F.line(.rating, id: 1, user: 1, movie: 1, ts: "2015-10-24T00:00:00Z", fields: [("rating", "2.0")]),
                // Older than ratings.csv's 4.5 at 19:28:20: the file wins.
                F.line(.rating, id: 2, user: 2, movie: 1, ts: "2015-10-24T19:00:00Z", fields: [("rating", "0.5")]),
                // The same second as ratings.csv's newest for the pair: the event is the later line and wins.
                F.line(.rating, id: 3, user: 3, movie: 1, ts: "2004-11-09T11:33:20Z", fields: [("rating", "5.0")]),
                // A user only the events know.
                F.line(.rating, id: 4, user: 99, movie: 10, ts: "2015-10-20T10:00:00Z", fields: [("rating", "3.5")]),
                // A movie movies.csv does not have.
                F.line(.rating, id: 5, user: 4, movie: 999, ts: "2015-10-20T10:00:00Z"),
            ])
        let report = try ETL.run(home: home, options: testOptions(threshold: 0.5))
        let s = try SilverSnapshot.open(home: home)

        #expect(s.ratings.userIDs == [1, 2, 3, 99])
        #expect(rating(s, user: 1, movie: 1)! == (2.0, 1_445_644_800))
        #expect(rating(s, user: 2, movie: 1)! == (4.5, Self.newestRating))
        #expect(rating(s, user: 3, movie: 1)! == (5.0, 1_100_000_000))
        #expect(rating(s, user: 99, movie: 10)! == (3.5, 1_445_335_200))
        #expect(s.movies.ratingCounts == [3, 1, 2, 1, 1])

        // ratings.csv: 9 read, 2 repeats inside the file and 2 rows superseded by events.
        let file = try #require(report.table("ratings"))
        #expect(counts(file) == [9, 5, 0, 4])
        let events = try #require(report.table("rating_events"))
        #expect(counts(events) == [5, 3, 1, 1])
        #expect(events.rejected("movieId_orphan") == 1)
        #expect(report.tables.allSatisfy { $0.reconciles })
        #expect(report.counts.ratings == file.accepted + events.accepted)
        #expect(report.table("view_events")?.read == 0 && report.table("click_events")?.read == 0)

        // The orphan is quarantined with its rule, not dropped.
        let quarantine = try #require(events.quarantineFile)
        let rows = scanAll(try FileSystem.readText(quarantine)).map(\.fields)
        #expect(rows == [["event_type", "user_id", "movie_id", "ts", "rule"], ["rating", "4", "999", "2015-10-20T10:00:00Z", "movieId_orphan"]])
        #expect(report.quarantineDirectory == Path.parent(quarantine))
    }

    @Test func viewsAndClicksCountWithTheirWeightsAndDecay() throws {
        let home = try home("weights")
        defer { F.cleanup(home) }
        let sixHours: Int64 = 6 * 3600
        try F.ingest(
            home,
            [
                // Movie 10 has no rating: its score is the view alone.
                F.line(.view, id: 1, movie: 10, ts: "2015-10-24T13:28:20Z"),
                // Movie 5: one click at the end of the data, one an hour older than the 24h window.
                F.line(.click, id: 2, movie: 5, ts: "2015-10-24T19:28:20Z"),
                F.line(.click, id: 3, movie: 5, ts: "2015-10-23T18:28:20Z"),
            ])
        let report = try ETL.run(home: home, options: testOptions())
        let s = try SilverSnapshot.open(home: home)
        #expect(s.popularity.endTime == Self.newestRating)
        for w in TrendingWindow.allCases {
            #expect(abs(score(s, movie: 10, w) - decayed(0.2, age: sixHours, w)) < 1e-6, "\(w.label)")
        }
        #expect(abs(score(s, movie: 10, .day) - 0.1) < 1e-6)
        #expect(abs(score(s, movie: 5, .day) - 0.5) < 1e-6)
        #expect(abs(score(s, movie: 5, .week) - (0.5 + decayed(0.5, age: 25 * 3600, .week))) < 1e-6)
        let day = TrendingWindow.day.rawValue * s.movies.count
        #expect(s.popularity.counts[day + 3] == 1)  // movie 5 is row 3
        // Ratings keep weight 1 (movie 2: user 2's rating 15 s before the end).
        #expect(abs(score(s, movie: 2, .day) - decayed(1.0, age: 15, .day)) < 1e-6)
        #expect(report.table("view_events")?.accepted == 1 && report.table("click_events")?.accepted == 2)
        #expect(report.counts.ratings == 7)  // views and clicks are not ratings
    }

    @Test func windowsEndAtTheNewestEventThatPassedItsRules() throws {
        let home = try home("end")
        defer { F.cleanup(home) }
        try F.ingest(
            home,
            [
                F.line(.view, id: 1, movie: 2, ts: "2015-10-26T00:00:00Z"),
                // After the run's clock (2033-05-18): rejected, so it moves nothing.
                F.line(.click, id: 2, movie: 3, ts: "2040-01-01T00:00:00Z"),
                // Newest of all, but of a movie that does not exist.
                F.line(.view, id: 3, movie: 404, ts: "2015-10-27T00:00:00Z"),
            ], now: 2_300_000_000)  // a clock after 2040, so the future click reaches bronze
        let report = try ETL.run(home: home, options: testOptions(threshold: 1))
        let s = try SilverSnapshot.open(home: home)
        let end: Int64 = 1_445_817_600  // 2015-10-26T00:00:00Z
        #expect(s.popularity.endTime == end)
        let manifest = try SilverManifest.decode(try FileSystem.readBytes(Path.join(report.versionDirectory, SilverFormat.manifestName)), path: "")
        #expect(manifest.popularityEndTime == end)
        // The newest rating is now 28.5 h old: outside 24h, inside 7d.
        #expect(score(s, movie: 1, .day) == 0)
        #expect(abs(score(s, movie: 1, .week) - decayed(1.0, age: end - Self.newestRating, .week)) < 1e-6)
        #expect(report.table("click_events")?.rejected("timestamp_in_future") == 1)
        #expect(report.table("view_events")?.rejected("movieId_orphan") == 1)
        #expect(report.tables.allSatisfy { $0.reconciles })
    }

    @Test func tooManyRejectedEventsFailTheRunAndLeaveSilverAlone() throws {
        let home = try home("threshold")
        defer { F.cleanup(home) }
        let good = try ETL.run(home: home, options: testOptions())
        try F.ingest(home, [F.line(.view, id: 1, movie: 404), F.line(.view, id: 2, movie: 1)])
        let e = errorMessage { _ = try ETL.run(home: home, options: testOptions(threshold: 0.1)) }
        #expect(e.kind == .invalidInput)
        #expect(
            e.message.contains("events/view") && e.message.contains("1 of 2 view events rejected")
                && e.message.contains("movieId_orphan 1") && e.message.contains("events.rejects.csv"))
        #expect(SilverVersions.currentVersionID(home: home) == good.versionID)
    }

    @Test func newEventsChangeTheFingerprintAndRepeatsReconcile() throws {
        let home = try home("fingerprint")
        defer { F.cleanup(home) }
        let plain = try ETL.run(home: home, options: testOptions())
        let plainManifest = try FileSystem.readText(Path.join(plain.versionDirectory, SilverFormat.manifestName))
        #expect(!plainManifest.contains("\"events\""))
        #expect(plain.table("view_events") == nil)

        // An orphan view changes no silver table, yet the fingerprint moves: the manifest records the events.
        try F.ingest(home, [F.line(.view, id: 1, movie: 404, ts: "2015-10-20T00:00:00Z")], run: "r1")
        let first = try ETL.run(home: home, options: testOptions(threshold: 1))
        #expect(first.fingerprint != plain.fingerprint)
        try F.ingest(home, [F.line(.view, id: 2, movie: 1, ts: "2015-10-21T00:00:00Z")], run: "r2")
        let second = try ETL.run(home: home, options: testOptions(threshold: 1))
        #expect(second.fingerprint != first.fingerprint)
        let manifest = try SilverManifest.decode(try FileSystem.readBytes(Path.join(second.versionDirectory, SilverFormat.manifestName)), path: "")
        #expect(manifest.events?["view"]?.events == 2 && manifest.events?["view"]?.passed == 1)
        #expect(manifest.events?["rating"]?.events == 0)
        // Same data again: the same fingerprint.
        #expect(try ETL.run(home: home, options: testOptions(threshold: 1)).fingerprint == second.fingerprint)

        // A part file copied in by hand repeats every id: counted as deduplicated, nothing else changes.
        let partition = EventLayout.partitionDirectory(home, .view, day: EventLayout.day("2015-10-21")!)
        let part = try #require(FileSystem.list(partition).first)
        try FileSystem.writeAtomically(Path.join(partition, "zz-copy.ndjson"), bytes: try FileSystem.readBytes(Path.join(partition, part)))
        let repeated = try ETL.run(home: home, options: testOptions(threshold: 1))
        let views = try #require(repeated.table("view_events"))
        #expect(counts(views) == [3, 1, 1, 1])
        #expect(repeated.fingerprint == second.fingerprint)
    }
}
