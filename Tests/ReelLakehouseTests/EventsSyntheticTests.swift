import Foundation
import Testing
import ReelCore
@testable import ReelLakehouse
@testable import ReelSilver

private typealias F = EventsFixture

private let users = (1...300).map { Int32($0) }
private let movies = (1...200).map { Int32($0) }

private func config(seed: UInt64 = 7, days: Int = 8, perDay: Int = 2000) -> SyntheticEventsConfig {
    SyntheticEventsConfig(days: days, perDay: perDay, seed: seed, endDay: EventLayout.day("2019-11-21")!)
}

/// Trending scores of every movie (rows = id − 1) over all event types, as
/// the ETL computes them (`PopularityAccumulator`, weights from `PopularityRules`).
private func popularity(_ columns: [EventType: EventColumns], end: Int64) -> SilverPopularity {
    var acc = PopularityAccumulator(movieCount: movies.count, endTime: end)
    for (type, c) in columns {
        let skipped = c.accumulate(into: &acc, weight: type.weight(acc.rules)) { id in Int(id) - 1 }
        #expect(skipped == 0)
    }
    return acc.result
}

/// Movie ids ranked by score in `window`, best first (ties by id).
private func ranking(_ p: SilverPopularity, _ window: TrendingWindow) -> [Int32] {
    let base = window.rawValue * movies.count
    return movies.indices.sorted { a, b in
        let sa = p.scores[base + a], sb = p.scores[base + b]
        return sa != sb ? sa > sb : a < b
    }.map { movies[$0] }
}

@Suite struct EventsSyntheticTests {
    @Test func sameSeedSameBytesOtherSeedOtherBytes() throws {
        func bytes(_ seed: UInt64) throws -> [UInt8] {
            var all: [UInt8] = []
            _ = try SyntheticEvents.generate(config: config(seed: seed, days: 3, perDay: 500), users: users, movies: movies) { _, b in
                all += b
            }
            return all
        }
        let a = try bytes(11)
        #expect(a == (try bytes(11)))
        #expect(a != (try bytes(12)))

        // Through ingest into two homes: identical partitions.
        let h1 = F.home("same1"), h2 = F.home("same2")
        defer { F.cleanup(h1); F.cleanup(h2) }
        for h in [h1, h2] {
            _ = try SyntheticEvents.generate(
                config: config(seed: 11, days: 3, perDay: 500), users: users, movies: movies,
                to: h, schemas: F.schemas)
        }
        #expect(try F.samePartitions(h1, h2))
    }

    /// The planted viral movies are what trending finds: each is the top movie
    /// of the 24h window ending at the end of its viral day, and the newest one
    /// also leads the 7d list at the end of the data.
    @Test func viralMoviesTopTrendingOnTheirDays() throws {
        let home = F.home("viral")
        defer { F.cleanup(home) }
        let summary = try SyntheticEvents.generate(config: config(), users: users, movies: movies, to: home, schemas: F.schemas)
        #expect(summary.viral.count == 4)
        #expect(Set(summary.viral.map(\.day)).count == 4)
        #expect(summary.viral[0].day == EventLayout.day("2019-11-21"))
        let ingest = try #require(summary.ingest)
        #expect(ingest.total.rejected == 0)
        #expect(ingest.total.accepted == summary.events)
        #expect(summary.events == 8 * 2000)

        let load = try EventReader.read(home: home, schemas: F.schemas)
        #expect(load.events == summary.events)
        for v in summary.viral {
            let dayEnd = (v.day + 1) * 86_400 - 1
            #expect(ranking(popularity(load.columns, end: dayEnd), .day).first == v.movieID, "viral \(v.movieID) on \(v.date)")
        }
        let end = try #require(load.newestTime)
        #expect(EventLayout.date(end / 86_400) == "2019-11-21")
        let atEnd = popularity(load.columns, end: end)
        #expect(ranking(atEnd, .day).first == summary.viral[0].movieID)
        #expect(ranking(atEnd, .week).prefix(3).contains(summary.viral[0].movieID))
        // Without the boost the same movie is not on top: the plan picks movies below the head.
        #expect(movies.first != summary.viral[0].movieID)
    }

    @Test func sessionsHaveTheContractShapeAndPlan() throws {
        let home = F.home("shape")
        defer { F.cleanup(home) }
        let summary = try SyntheticEvents.generate(
            config: config(days: 2, perDay: 4000), users: users, movies: movies,
            to: home, schemas: F.schemas)
        let views = Double(summary.generated[.view]!), clicks = Double(summary.generated[.click]!)
        let ratings = Double(summary.generated[.rating]!)
        #expect(clicks / views > 0.2 && clicks / views < 0.4)
        #expect(ratings / views > 0.05 && ratings / views < 0.15)
        let columns = try EventReader.load(home: home)
        #expect(Set(columns.values.flatMap(\.users)).isSubset(of: Set(users)))
        #expect(Set(columns.values.flatMap(\.movies)).isSubset(of: Set(movies)))
        #expect(columns[.rating]!.ratings.allSatisfy { $0 >= 0.5 && $0 <= 5 && ($0 * 2).rounded() == $0 * 2 })

        let manifest = try JSONSerialization.jsonObject(with: Data(FileSystem.readBytes(EventLayout.synthManifest(home)))) as! [String: Any]
        let viral = manifest["viral"] as! [[String: Any]]
        #expect(viral.map { Int32($0["movie_id"] as! Int) } == summary.viral.map(\.movieID))
        #expect(viral.map { $0["date"] as! String } == summary.viral.map(\.date))
        #expect(manifest["events"] as? Int == summary.events)

        // Same settings again: exactly once, nothing new.
        let again = try SyntheticEvents.generate(
            config: config(days: 2, perDay: 4000), users: users, movies: movies,
            to: home, schemas: F.schemas)
        #expect(again.ingest?.total.accepted == 0)
        #expect(again.ingest?.total.duplicate == summary.events)
    }

    @Test func writesCompressedNDJSONThatIngests() throws {
        let home = F.home("write")
        defer { F.cleanup(home) }
        let path = home.path("events.ndjson.zst")
        let summary = try SyntheticEvents.write(config: config(days: 2, perDay: 700), users: users, movies: movies, to: path)
        #expect(try ByteStream.startsWithZstdMagic(path: path))
        let report = try EventIngest.run(home: home, sources: [path], options: F.options())
        #expect(report.total.accepted == summary.events)
        #expect(report.total.read == 1400)
    }

    @Test func idsComeFromBronzeMovieLensFiles() throws {
        let home = F.home("ids")
        defer { F.cleanup(home) }
        try FileSystem.createDirectory(home.bronzeMovieLens)
        try FileSystem.writeAtomically(
            Path.join(home.bronzeMovieLens, "ratings.csv"),
            text: """
                userId,movieId,rating,timestamp\r
                1,10,4.0,1000\r
                1,20,3.5,3000\r
                7,20,5.0,2000\r
                9,30,1.0,1500\r
                9,20,2.0,1200
                """)
        try FileSystem.writeAtomically(
            Path.join(home.bronzeMovieLens, "movies.csv"),
            text: """
                movieId,title,genres
                10,"Heat, The (1995)",Action
                20,"Say ""Hi"" (2001)",Comedy
                30,Plain (1999),Drama
                40,"Never
                Rated (2000)",Drama

                """)
        let ids = try SyntheticEventsIDs.fromBronze(home)
        #expect(ids.users == [1, 7, 9])
        #expect(ids.movies == [20, 10, 30, 40])
        #expect(ids.newestRating == 3000)
        let missing = F.home("ids-missing")
        defer { F.cleanup(missing) }
        #expect(throws: ReelError.self) { try SyntheticEventsIDs.fromBronze(missing) }
    }

    @Test func badSettingsAreUsageErrors() throws {
        var c = config()
        c.days = 0
        let error = #expect(throws: ReelError.self) {
            try SyntheticEvents.generate(config: c, users: users, movies: movies) { _, _ in }
        }
        #expect(error?.kind == .usage)
    }
}
