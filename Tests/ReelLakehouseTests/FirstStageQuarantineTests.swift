import Foundation
import Testing
import ReelCore
@testable import ReelLakehouse

private typealias F = EventsFixture

/// Issue 16 item 6: data that passes one stage must not poison the next. The
/// stage that first sees a bad record quarantines it, under the one rule set
/// of the bronze contract: invalid UTF-8 in a text column at the ETL (before
/// it reaches silver and a release), future-dated and too old events at
/// ingest (before they reach bronze) — and bronze written by an older ingest
/// still gets through the ETL.
@Suite struct FirstStageQuarantineTests {
    static let contract: BronzeContract = {
        do { return try BronzeContract.load(schemasDirectory: TestPaths.schemas) } catch { fatalError("\(error)") }
    }()

    /// read, accepted, rejected, duplicate.
    func counts(_ c: EventCounts?) -> [Int] { c.map { [$0.read, $0.accepted, $0.rejected, $0.duplicate] } ?? [] }

    /// Parses a movies.csv body (header included) and returns the rule name of every reject by line, and the accepted titles.
    func parseMovies(_ text: [UInt8]) throws -> (rejects: [Int: String], titles: [String]) {
        let movies = try Self.contract.table("movies")
        let validator = try RowValidator(table: movies, runClock: 2_000_000_000, references: [:])
        let proto = try MoviesSink(table: movies)
        return try text.withUnsafeBytes { raw in
            var s = CSVScanner(bytes: raw, from: 0, limit: raw.count)
            var r = CSVRecord()
            _ = s.next(into: &r)
            let p = TableParser.parse(
                bytes: raw, dataStart: s.position, firstLine: s.line, validator: validator,
                threads: 1
            ) { _ in proto }
            var rejects: [Int: String] = [:]
            for k in 0..<p.rejects.count { rejects[p.rejects.lines[k]] = movies.ruleNames[p.rejects.rules[k]] }
            let sorted = try p.sinks[0].sortedMovies(file: "movies.csv")
            let titles = (0..<sorted.ids.count).map { i in
                String(decoding: sorted.titleBytes[Int(sorted.titleOffsets[i])..<Int(sorted.titleOffsets[i + 1])], as: UTF8.self)
            }
            return (rejects, titles)
        }
    }

    @Test func aTitleThatIsNotUTF8IsQuarantinedAtTheETLWithTheFieldInTheRuleName() throws {
        var text = Array("movieId,title,genres\n".utf8)
        let rows: [[UInt8]] = [
            Array("1,Amélie (2001),Comedy".utf8),  // 2: valid, two-byte
            Array("2,Caf".utf8) + [0xE9] + Array(" Society (2016),Comedy".utf8),  // 3: Latin-1
            Array("3,\"Quoted ".utf8) + [0xC3, 0x28] + Array(", The (1999)\",Drama".utf8),  // 4: bad continuation, quoted
            [0x34, 0x2C, 0xED, 0xA0, 0x80] + Array(" (2000),Drama".utf8),  // 5: encoded surrogate
            [0x35, 0x2C, 0xF4, 0x90, 0x80, 0x80] + Array(" (2000),Drama".utf8),  // 6: above U+10FFFF
            [0x36, 0x2C, 0xC0, 0xAF] + Array(" (2000),Drama".utf8),  // 7: overlong
            Array("7,Cut ".utf8) + [0xE2, 0x82] + Array(" (2000),Drama".utf8),  // 8: truncated sequence
            Array("8,Euro € 🎬 (2000),Drama".utf8),  // 9: valid, three and four bytes
            Array("9,  ,Drama".utf8),  // 10: still title_empty
        ]
        for row in rows { text += row + [0x0A] }
        let (rejects, titles) = try parseMovies(text)
        #expect(
            rejects == [
                3: "title_invalid_utf8", 4: "title_invalid_utf8", 5: "title_invalid_utf8", 6: "title_invalid_utf8",
                7: "title_invalid_utf8", 8: "title_invalid_utf8", 10: "title_empty",
            ])
        #expect(titles == ["Amélie", "Euro € 🎬"])
    }

    @Test func theUTF8CheckAgreesWithTheStrictValidator() {
        let cases: [([UInt8], Bool)] = [
            ([], true), (Array("plain".utf8), true), (Array("naïve".utf8), true), ([0xF0, 0x9F, 0x8E, 0xAC], true),
            ([0xE9], false), ([0x80], false), ([0xC3], false), ([0xC0, 0x80], false), ([0xED, 0xBF, 0xBF], false),
            ([0xF4, 0x90, 0x80, 0x80], false), ([0xFF], false), (Array("ok".utf8) + [0xC3, 0x28], false),
        ]
        for (bytes, valid) in cases {
            bytes.withUnsafeBytes { #expect(FieldParsers.isUTF8($0) == valid, "\(bytes)") }
            #expect((UTF8Check.firstInvalid(bytes) == nil) == valid)
        }
    }

    @Test func theContractDeclaresTheRulesAndRefusesWhatItCannotEnforce() throws {
        #expect(try Self.contract.table("movies").rule("title_invalid_utf8")?.check == .utf8(column: 1))
        #expect(try Self.contract.table("tags").rule("tag_invalid_utf8")?.check == .utf8(column: 2))
        #expect(try Self.contract.table("ratings").rule("timestamp_in_future")?.check == .notAfterRunClock(column: 3, toleranceSeconds: 300))
        let yaml = try FileSystem.readText(Path.join(TestPaths.schemas, "lakehouse", BronzeContract.fileName))

        let tooLax = yaml.replacingFirst("tolerance_seconds: 300", with: "tolerance_seconds: 86401")
        #expect(tooLax != yaml)
        let e = errorMessage { _ = try BronzeContract.parse(yaml: tooLax, path: "/x/b.yml") }
        #expect(e.kind == .invalidInput && e.message.contains("tolerance_seconds must be 0...86400"), "\(e.message)")

        // Without its utf8 check, the ETL refuses to copy a text column into silver.
        let unchecked = yaml.replacingFirst("      - { name: title_invalid_utf8, check: utf8, column: title }\n", with: "")
        #expect(unchecked != yaml)
        let movies = try BronzeContract.parse(yaml: unchecked, path: "/x/b.yml").table("movies")
        let refused = errorMessage { _ = try MoviesSink(table: movies) }
        #expect(refused.message.contains("column 'title' needs a utf8 check"), "\(refused.message)")
    }

    @Test func eventTimeRulesAreTheContractsWithItsToleranceAndNoMore() throws {
        let ratings = try Self.contract.table("ratings")
        let clock: Int64 = 1_600_000_000
        let ingest = try EventRowRules(ratings: ratings, runClock: clock, timeOnly: true)
        #expect(ingest.names == ["timestamp_too_old", "timestamp_in_future"])
        #expect(ingest.firstBroken(movieRow: -1, time: clock + 300) == nil)
        #expect(ingest.firstBroken(movieRow: -1, time: clock + 301) == 1)
        #expect(ingest.firstBroken(movieRow: -1, time: BronzeQualityRule.oldestTimestamp - 1) == 0)
        let etl = try EventRowRules(ratings: ratings, runClock: clock, timeOnly: false)
        #expect(etl.names == ["timestamp_too_old", "timestamp_in_future", "movieId_orphan"])
        #expect(etl.firstBroken(movieRow: -1, time: clock) == 2)
        #expect((0..<3).map(etl.isEnforcedAtIngest) == [true, true, false])
        // A clock near the end of time does not overflow.
        #expect(try EventRowRules(ratings: ratings, runClock: .max, timeOnly: true).firstBroken(movieRow: 0, time: .max) == nil)
    }

    @Test func ingestQuarantinesFutureAndTooOldEventsBeforeTheyReachBronze() throws {
        let home = F.home("first-stage")
        defer { F.cleanup(home) }
        let now: Int64 = 1_574_300_000  // 2019-11-21T01:33:20Z
        let report = try F.ingest(
            home,
            [
                F.line(.view, id: 1, ts: "2019-11-20T18:04:05Z"),
                F.line(.view, id: 2, ts: "2100-01-01T00:00:00Z"),  // line 2: future
                F.line(.click, id: 3, ts: "2019-11-21T01:38:20Z"),  // now + 300 s: inside the tolerance
                F.line(.click, id: 4, ts: "2019-11-21T01:38:21Z"),  // line 4: now + 301 s
                F.line(.rating, id: 5, ts: "1990-06-01T00:00:00Z"),  // line 5: before 1995
                F.line(.rating, id: 6, ts: "2019-11-20T20:00:00.500Z"),
                F.line(.view, id: 2, ts: "2019-11-20T18:00:00Z"),  // the id of a rejected line: not a duplicate
            ], now: now)
        #expect(counts(report.byType[.view]) == [3, 2, 1, 0])
        #expect(counts(report.byType[.click]) == [2, 1, 1, 0])
        #expect(counts(report.byType[.rating]) == [2, 1, 1, 0])
        #expect(report.reconciles)
        #expect(report.rejectedByRule == ["timestamp_in_future": 2, "timestamp_too_old": 1])
        let rejects = try F.rejects(home)
        #expect(rejects.map { $0["line"] as? Int } == [2, 4, 5])
        #expect(rejects.map { $0["rule"] as? String } == ["timestamp_in_future", "timestamp_in_future", "timestamp_too_old"])
        #expect(rejects.first?["original"] as? String == F.line(.view, id: 2, ts: "2100-01-01T00:00:00Z"))
        // Nothing of them in bronze: no 2100 or 1990 partition, and the ETL's reader agrees.
        #expect(F.partFiles(home).allSatisfy { !$0.contains("date=2100") && !$0.contains("date=1990") }, "\(F.partFiles(home))")
        let read = try EventReader.read(home: home, schemas: F.schemas, workers: 1)
        #expect(read.columns.values.reduce(0) { $0 + $1.count } == 4)
    }

    /// Bronze written before ingest applied the time rules: 250 future-dated
    /// events among 100 good ones (71 % rejected) must not fail every nightly.
    @Test func bronzeFromAnOlderIngestIsQuarantinedByTheETLWithoutTrippingTheThreshold() throws {
        let home = F.home("legacy-future")
        defer { F.cleanup(home) }
        try installBronze("bronze-clean", into: home)
        var lines: [String] = []
        for i in 0..<100 { lines.append(F.line(.view, id: i + 1, movie: [1, 2, 3, 5, 10][i % 5], ts: "2015-10-2\(i % 5)T10:00:00Z")) }
        for i in 0..<250 { lines.append(F.line(.view, id: 1000 + i, movie: 1, ts: "2100-01-0\(1 + i % 9)T00:00:00Z")) }
        // An ingest whose clock is after 2100 accepts them all, as ingest did before it had time rules.
        let old = try F.ingest(home, lines, now: 4_200_000_000)
        #expect(old.byType[.view]?.accepted == 350)
        // Today's ingest refuses them, so nothing new of the kind reaches bronze.
        let today = try F.ingest(
            home, Array(lines.suffix(250)).map { $0.replacingOccurrences(of: "00000000-0000-4000-8000-", with: "00000000-0000-4000-9000-") },
            run: "today")
        #expect(counts(today.byType[.view]) == [250, 0, 250, 0])

        let report = try ETL.run(home: home, options: testOptions(threshold: 0.01))
        let views = try #require(report.table("view_events"))
        #expect((views.read, views.accepted, views.rejected) == (350, 100, 250))
        #expect(views.rejected("timestamp_in_future") == 250)
        #expect(views.reconciles)
        let quarantine = try #require(views.quarantineFile)
        let rows = try FileSystem.readText(quarantine).split(separator: "\n").dropFirst()
        #expect(rows.count == 250 && rows.allSatisfy { $0.hasSuffix(",timestamp_in_future") && $0.contains(",2100-01-0") })

        // Rules only the ETL can check still count: an orphan-heavy batch fails as before.
        try F.ingest(home, (0..<10).map { F.line(.view, id: 5000 + $0, movie: 404, ts: "2015-10-21T10:00:00Z") }, run: "orphans")
        let e = errorMessage { _ = try ETL.run(home: home, options: testOptions(threshold: 0.01)) }
        #expect(e.kind == .invalidInput && e.message.contains("movieId_orphan 10"), "\(e.message)")
    }
}
