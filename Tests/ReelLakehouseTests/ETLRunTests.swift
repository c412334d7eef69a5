import Testing
import ReelCore
@testable import ReelLakehouse
@testable import ReelSilver
#if canImport(Glibc)
import Glibc
#endif

/// Whole runs: what silver holds after a clean run, that reruns are byte
/// identical, that a failed run changes nothing, and that old versions go.
@Suite struct ETLRunTests {
    @Test func cleanFixtureRoundTripsThroughSilver() throws {
        let home = makeTempHome()
        try installBronze("bronze-clean", into: home)
        let report = try ETL.run(home: home, options: testOptions())
        #expect(report.quarantineDirectory == nil)
        #expect(report.tables.allSatisfy { $0.rejected == 0 && $0.reconciles })
        #expect(report.table("ratings")?.deduplicated == 2)

        let s = try SilverSnapshot.open(home: home)
        #expect(s.versionID == report.versionID)
        #expect(SilverVersions.currentVersionID(home: home) == report.versionID)
        // Movies: sorted by id, title without the year, the year, genres.
        #expect(s.movies.ids == [1, 2, 3, 5, 10])
        #expect(
            (0..<5).map(s.movies.title) == [
                "Toy Story", "Jumanji", "City of Lost Children, The (Cité des enfants perdus, La)",
                "Say \"Anything\"", "Unrated Movie",
            ])
        #expect(s.movies.years == [1995, 1995, 1995, 1989, 0])
        #expect(s.movies.genres[4] == 0)
        #expect(Genres.names(s.movies.genres[1]) == ["Adventure", "Children", "Fantasy"])
        #expect(s.links.imdbIDs == [114_709, 113_497, 112_682, 98258, -1])
        #expect(s.links.tmdbIDs == [862, 8844, 902, 0, 0])
        // Ratings: users ascending, movies ascending per user, dedupe newest (tie: later line).
        let r = s.ratings
        #expect(r.userIDs == [1, 2, 3])
        #expect(r.movieIDs == s.movies.ids)
        #expect(r.userOffsets == [0, 3, 5, 7])
        #expect(r.userMovies == [0, 2, 3, 0, 1, 0, 2])
        #expect(r.userRatings == [4.0, 4.5, 5.0, 4.5, 0.5, 2.0, 1.0])
        #expect(r.userTimes[3] == 1_445_714_900)
        #expect(r.movieOffsets == [0, 3, 4, 6, 7, 7])
        #expect(r.movieUsers == [0, 1, 2, 1, 0, 2, 0])
        #expect(r.movieRatings == [4.0, 4.5, 2.0, 0.5, 4.5, 1.0, 5.0])
        // Statistics and popularity (windows end at the newest rating).
        #expect(s.movies.ratingCounts == [3, 1, 2, 1, 0])
        #expect(s.movies.ratingMeans[0] == Float((4.0 + 4.5 + 2.0) / 3))
        #expect(s.popularity.endTime == 1_445_714_900)
        let day = TrendingWindow.day.rawValue * s.movies.count
        #expect(s.popularity.counts[day + 0] == 1 && s.popularity.counts[day + 1] == 1 && s.popularity.counts[day + 2] == 0)
        #expect(s.popularity.scores[day + 0] == 1.0)
        // Tags grouped by movie, file order within a movie, taggers need not rate.
        #expect(s.tags.movieOffsets == [0, 2, 2, 3, 3, 3])
        #expect((0..<3).map(s.tags.text) == ["pixar", "say \"hi\"", "dark, weird"])
        #expect(s.tags.userIDs == [2, 2, 7])
        // The fingerprint is the manifest's checksum; the report sits beside it.
        let dir = try #require(SilverVersions.currentDirectory(home: home))
        #expect(s.fingerprint == XXH3.hash(try FileSystem.readBytes(Path.join(dir, SilverFormat.manifestName))))
        #expect(report.fingerprintValue == s.fingerprint)
        #expect(try FileSystem.readText(Path.join(dir, SilverFormat.reportName)).contains("\"deduplicated\" : 2"))
    }

    /// A bronze set big enough that ratings.csv is split between threads.
    func writeGeneratedBronze(_ home: ReelHome, seed: UInt64 = 3) throws {
        var rng = SplitMix64(seed: seed)
        var movies = "movieId,title,genres\n"
        for m in 1...300 { movies += "\(m * 3),\"Movie \(m), \"\"The\"\" (\(1950 + m % 70))\",\(Genres.all[m % Genres.all.count])\n" }
        var ratings = "userId,movieId,rating,timestamp\n"
        for u in 1...400 {
            for _ in 0..<(5 + Int(rng.next() % 40)) {
                let movie = 3 * (1 + Int(rng.next() % 310))  // some orphans
                let half = 1 + Int(rng.next() % 10)
                ratings += "\(u),\(movie),\(half / 2).\(half % 2 == 0 ? 0 : 5),\(1_000_000_000 + Int(rng.next() % 100_000))\n"
            }
        }
        var tags = "userId,movieId,tag,timestamp\n"
        for t in 0..<500 { tags += "\(t % 50 + 1),\(3 * (1 + t % 300)),\"tag \(t % 17), \"\"x\"\"\",\(1_100_000_000 + t)\n" }
        var links = "movieId,imdbId,tmdbId\n"
        for m in 1...300 { links += "\(m * 3),\(1_000_000 + m),\(m % 4 == 0 ? "" : String(m))\n" }
        try writeBronze(home, "movies.csv", movies)
        try writeBronze(home, "ratings.csv", ratings)
        try writeBronze(home, "tags.csv", tags)
        try writeBronze(home, "links.csv", links)
    }

    @Test func identicalInputGivesIdenticalSilverWhateverTheThreads() throws {
        let home = makeTempHome()
        try writeGeneratedBronze(home)
        #expect(FileSystem.size(Path.join(home.bronzeMovieLens, "ratings.csv"))! > 2 << 16)
        var reports: [ETLReport] = []
        for (i, threads) in [1, 2, 3].enumerated() {
            reports.append(try ETL.run(home: home, options: testOptions(threshold: 0.2, threads: threads, now: 2_000_000_000 + Int64(i))))
        }
        #expect(Set(reports.map(\.versionID)).count == 3)
        #expect(Set(reports.map(\.fingerprint)).count == 1)
        #expect((reports[0].table("ratings")?.rejected ?? 0) > 0)
        let first = try versionFiles(reports[0].versionDirectory)
        #expect(first.count == 6)
        for r in reports.dropFirst() {
            #expect(try versionFiles(r.versionDirectory) == first)
            // Same counts, table by table and rule by rule (times and run folders differ).
            #expect(
                r.tables.map { [$0.read, $0.accepted, $0.rejected, $0.deduplicated] + $0.rejectedByRule.map(\.count) }
                    == reports[0].tables.map { [$0.read, $0.accepted, $0.rejected, $0.deduplicated] + $0.rejectedByRule.map(\.count) })
        }
    }

    @Test func aFailedRunLeavesTheCurrentSilverUntouched() throws {
        let home = makeTempHome()
        try installBronze("bronze-clean", into: home)
        let good = try ETL.run(home: home, options: testOptions())
        let before = try versionFiles(good.versionDirectory)

        // Wrong header: the file and the expected columns are named.
        try writeBronze(home, "ratings.csv", "userId,movieId,stars,timestamp\n1,1,4.0,964982703\n")
        let header = errorMessage { _ = try ETL.run(home: home, options: testOptions()) }
        #expect(header.kind == .invalidInput)
        #expect(header.message.contains("ratings.csv") && header.message.contains("userId,movieId,rating,timestamp"))

        // Too many rejects: fails, but the rejects are quarantined for the operator.
        try installBronze("bronze-clean", into: home)
        try writeBronze(home, "ratings.csv", "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,2,9,964982703\n")
        let threshold = errorMessage { _ = try ETL.run(home: home, options: testOptions()) }
        #expect(threshold.kind == .invalidInput)
        #expect(threshold.message.contains("1 of 2 rows rejected") && threshold.message.contains("rating_invalid 1"))
        let quarantine = try #require(threshold.message.split(separator: " ").first { $0.hasSuffix("ratings.rejects.csv;") })
        #expect(try quarantineRows(String(quarantine.dropLast())).map(\.line) == [3])

        // A required file missing.
        try installBronze("bronze-clean", into: home)
        try FileSystem.removeTree(Path.join(home.bronzeMovieLens, "tags.csv"))
        let missing = errorMessage { _ = try ETL.run(home: home, options: testOptions()) }
        #expect(missing.kind == .notFound && missing.message.contains("tags.csv is missing"))

        // An empty file.
        try writeBronze(home, "tags.csv", "")
        let empty = errorMessage { _ = try ETL.run(home: home, options: testOptions()) }
        #expect(empty.kind == .invalidInput && empty.message.contains("is empty"))

        #expect(SilverVersions.currentVersionID(home: home) == good.versionID)
        #expect(SilverVersions.list(home: home) == [good.versionID])
        #expect(FileSystem.list(home.silverVersions) == [good.versionID])  // no staging folder left
        #expect(try versionFiles(good.versionDirectory) == before)
        #expect(try SilverSnapshot.open(home: home).versionID == good.versionID)
    }

    @Test func badOptionsAreUsageErrors() throws {
        let home = makeTempHome()
        var o = testOptions()
        o.rejectThreshold = 1.5
        #expect(errorMessage { _ = try ETL.run(home: home, options: o) }.kind == .usage)
        o = testOptions(threads: 0)
        #expect(errorMessage { _ = try ETL.run(home: home, options: o) }.kind == .usage)
    }

    @Test func oldVersionsArePrunedButNeverTheCurrentOne() throws {
        let home = makeTempHome()
        try installBronze("bronze-clean", into: home)
        // A staging folder of a run that died (pid 1 is init: alive; use an impossible pid).
        try FileSystem.createDirectory(Path.join(home.silverVersions, ".staging-20000101T000000Z-dead-999999999"))
        var ids: [String] = []
        for i in 0..<4 {
            var o = testOptions(now: 2_000_000_000 + Int64(i) * 86_400)
            o.keepVersions = 2
            ids.append(try ETL.run(home: home, options: o).versionID)
        }
        #expect(SilverVersions.list(home: home) == Array(ids.suffix(2)))
        #expect(SilverVersions.currentVersionID(home: home) == ids.last)
        #expect(!FileSystem.list(home.silverVersions).contains { $0.hasPrefix(".staging") })
        // The last run retired ids[1]; ids[0], retired by the run before, was deleted meanwhile.
        #expect(FileSystem.list(home.silverVersions).filter { $0.hasPrefix(".") } == [".pruned-" + ids[1]])
        try SilverVersions.deletePruned(home: home)
        #expect(FileSystem.list(home.silverVersions) == Array(ids.suffix(2)))
    }

    @Test func openingWithoutSilverSaysToRunTheETL() {
        let home = makeTempHome()
        let e = errorMessage { _ = try SilverSnapshot.open(home: home) }
        #expect(e.kind == .notFound)
        #expect(e.message.contains("run `reel etl` first"))
    }

    @Test func aTamperedSilverFileIsRefused() throws {
        let home = makeTempHome()
        try installBronze("bronze-clean", into: home)
        let report = try ETL.run(home: home, options: testOptions())
        let path = Path.join(report.versionDirectory, SilverFormat.ratingsByUserFile)
        var bytes = try FileSystem.readBytes(path)
        bytes[200] ^= 0x10
        try FileSystem.writeAtomically(path, bytes: bytes)
        let e = errorMessage { _ = try SilverSnapshot.open(home: home) }
        #expect(e.kind == .corrupt)
        #expect(e.message.contains(SilverFormat.ratingsByUserFile) && e.message.contains("checksum"))
    }
}
