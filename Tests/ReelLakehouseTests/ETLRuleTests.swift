import Testing
import ReelCore
@testable import ReelLakehouse
@testable import ReelSilver

/// The dirty fixture breaks every rule of the contract at least once, on
/// known lines; the ETL must reject exactly those rows, name the first rule
/// each breaks, and put the right line number and original text in quarantine.
@Suite struct ETLRuleTests {
    /// (line, rule) of every row the dirty fixture should reject, per table.
    static let expected: [String: [(Int, String)]] = [
        "movies": [
            (4, "field_count"), (5, "movieId_invalid"), (6, "movieId_duplicate"), (7, "title_empty"),
            (8, "genre_unknown"), (9, "genre_unknown"), (10, "field_count"), (11, "movieId_invalid"),
            (12, "movieId_invalid"), (14, "title_invalid_utf8"),
        ],
        "links": [
            (3, "field_count"), (4, "movieId_invalid"), (5, "imdbId_invalid"), (6, "imdbId_invalid"),
            (7, "tmdbId_invalid"), (8, "tmdbId_invalid"), (9, "movieId_orphan"),
        ],
        "ratings": [
            (3, "field_count"), (4, "userId_invalid"), (5, "movieId_invalid"), (6, "rating_invalid"),
            (7, "rating_invalid"), (8, "rating_invalid"), (9, "timestamp_invalid"), (10, "timestamp_too_old"),
            (11, "timestamp_in_future"), (12, "movieId_orphan"), (13, "movieId_orphan"),
            (17, "userId_invalid"), (18, "movieId_invalid"),
        ],
        "tags": [
            (3, "field_count"), (4, "userId_invalid"), (5, "movieId_invalid"), (6, "tag_empty"), (7, "tag_empty"),
            (8, "timestamp_invalid"), (9, "timestamp_too_old"), (10, "timestamp_in_future"), (11, "movieId_orphan"),
            (15, "tag_invalid_utf8"), (16, "field_count"),
        ],
    ]

    func runDirty(threads: Int = 2) throws -> (ReelHome, ETLReport) {
        let home = makeTempHome()
        try installBronze("bronze-dirty", into: home)
        return (home, try ETL.run(home: home, options: testOptions(threshold: 1.0, threads: threads)))
    }

    @Test func everyRuleRejectsItsRowWithTheRightLineAndRule() throws {
        let (_, report) = try runDirty()
        for (table, rows) in Self.expected {
            let t = try #require(report.table(table))
            let file = try #require(t.quarantineFile)
            let got = try quarantineRows(file)
            #expect(got.map(\.line) == rows.map(\.0), "\(table) lines")
            #expect(got.map(\.rule) == rows.map(\.1), "\(table) rules")
            #expect(t.rejected == rows.count)
            for rule in Set(rows.map(\.1)) {
                #expect(t.rejected(rule) == rows.filter { $0.1 == rule }.count, "\(table).\(rule)")
            }
        }
    }

    @Test func everyContractRuleHasAViolatingRowInTheFixture() throws {
        let contract = try BronzeContract.load(schemasDirectory: TestPaths.schemas)
        for table in contract.tables {
            let broken = Set(Self.expected[table.name, default: []].map(\.1))
            #expect(broken == Set(table.ruleNames), "table \(table.name)")
        }
    }

    @Test func quarantineKeepsTheOriginalLine() throws {
        let (_, report) = try runDirty()
        let movies = try quarantineRows(try #require(report.table("movies")?.quarantineFile))
        #expect(movies.first { $0.line == 10 }?.original == "9,\"Broken \"quote (1999)\",Drama")
        let tags = try quarantineRows(try #require(report.table("tags")?.quarantineFile))
        // An unterminated quote runs to the end of the file, final line feed included.
        #expect(tags.first { $0.line == 16 }?.original == "1,2,\"unterminated,1445714994\n")
        let ratings = try quarantineRows(try #require(report.table("ratings")?.quarantineFile))
        #expect(ratings.first { $0.line == 18 }?.original == "1,abc,9,x")
    }

    @Test func everyTableReconciles() throws {
        let (_, report) = try runDirty()
        #expect(report.tables.map(\.table) == ["movies", "links", "ratings", "tags"])
        for t in report.tables { #expect(t.reconciles, "\(t.table)") }
        let ratings = try #require(report.table("ratings"))
        #expect((ratings.read, ratings.accepted, ratings.rejected, ratings.deduplicated) == (18, 4, 13, 1))
        let links = try #require(report.table("links"))
        #expect((links.read, links.accepted, links.rejected, links.deduplicated) == (11, 3, 7, 1))
        let tags = try #require(report.table("tags"))
        #expect((tags.read, tags.accepted) == (14, 3))
    }

    @Test func acceptedRowsSurviveWithTheirValues() throws {
        let (home, _) = try runDirty()
        let silver = try SilverSnapshot.open(home: home)
        #expect(silver.movies.ids == [1, 2, 11])
        #expect(silver.ratings.userIDs == [1, 2, 3, 2_147_483_647])
        // Quoted numbers are numbers; the boundary values of the rules pass.
        let u3 = Int(silver.ratings.userOffsets[2])
        #expect(silver.ratings.userMovies[u3] == 2 && silver.ratings.userRatings[u3] == 4.5)
        let uMax = Int(silver.ratings.userOffsets[3])
        #expect(silver.ratings.userRatings[uMax] == 0.5 && silver.ratings.userTimes[uMax] == 788_918_400)
        // Deduplicated: the newer of user 2's two ratings of movie 2.
        let u2 = Int(silver.ratings.userOffsets[1])
        #expect(silver.ratings.userRatings[u2] == 3.5 && silver.ratings.userTimes[u2] == 964_982_710)
        // Links: the later line for movie 11 wins; an empty tmdbId is 0.
        #expect(silver.links.imdbIDs == [114_709, 113_497, 124])
        #expect(silver.links.tmdbIDs == [862, 8844, 77])
        // A tag spanning two lines keeps its line break; the line after it is counted right.
        let texts = (0..<silver.tags.count).map(silver.tags.text)
        #expect(texts == ["funny", "multi\nline tag", "after"])
    }

    @Test func parallelParseGivesTheSameRejectsAsOneThread() throws {
        // Tiny chunks, so boundaries fall inside the multi-line tag and the unterminated quote.
        let contract = try BronzeContract.load(schemasDirectory: TestPaths.schemas)
        let tags = try contract.table("tags")
        let validator = try RowValidator(
            table: tags, runClock: 2_000_000_000,
            references: ["movies.movieId": DenseIDIndex(sortedUniqueIDs: [1, 2])])
        let text = try FileSystem.readBytes(Path.join(TestPaths.fixtures, "bronze-dirty/tags.csv"))
        let proto = try TagsSink(table: tags)
        func parse(_ threads: Int) -> (lines: [Int], rules: [Int], texts: [UInt8], read: Int) {
            text.withUnsafeBytes { raw in
                var s = CSVScanner(bytes: raw, from: 0, limit: raw.count)
                var r = CSVRecord()
                _ = s.next(into: &r)
                let p = TableParser.parse(
                    bytes: raw, dataStart: s.position, firstLine: s.line, validator: validator,
                    threads: threads, minimumChunk: 1
                ) { _ in proto }
                return (p.rejects.lines, p.rejects.rules, p.sinks.flatMap(\.textBytes), p.read)
            }
        }
        let one = parse(1)
        #expect(one.read == 14)
        for threads in [2, 3, 5, 8] {
            let many = parse(threads)
            #expect(
                many.lines == one.lines && many.rules == one.rules && many.texts == one.texts && many.read == one.read,
                "threads \(threads)")
        }
    }
}
