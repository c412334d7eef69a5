import Testing
import ReelCore
import Yams
@testable import ReelLakehouse
@testable import ReelSilver

/// The contract is loaded, not restated: these tests pin the rule names the
/// docs and `reel synth --dirty` rely on, show that the ETL follows the YAML's
/// parameters, and that a contract this build cannot enforce is refused.
@Suite struct ContractTests {
    static let yaml: String = (try? FileSystem.readText(Path.join(TestPaths.schemas, "lakehouse", BronzeContract.fileName))) ?? ""

    @Test func theRepositoryContractHasTheDocumentedTablesAndRules() throws {
        let c = try BronzeContract.load(schemasDirectory: TestPaths.schemas)
        #expect(c.tables.map(\.name) == ["movies", "links", "ratings", "tags"])
        #expect(
            try c.table("ratings").ruleNames == [
                "field_count", "userId_invalid", "movieId_invalid", "rating_invalid",
                "timestamp_invalid", "timestamp_too_old", "timestamp_in_future", "movieId_orphan",
            ])
        #expect(
            try c.table("movies").ruleNames == [
                "field_count", "movieId_invalid", "movieId_duplicate", "title_invalid_utf8", "title_empty",
                "genre_unknown",
            ])
        #expect(
            try c.table("tags").ruleNames == [
                "field_count", "userId_invalid", "movieId_invalid", "tag_invalid_utf8", "tag_empty", "timestamp_invalid",
                "timestamp_too_old", "timestamp_in_future", "movieId_orphan",
            ])
        #expect(try c.table("links").ruleNames == ["field_count", "movieId_invalid", "imdbId_invalid", "tmdbId_invalid", "movieId_orphan"])
        #expect(try c.table("ratings").header == "userId,movieId,rating,timestamp")
        #expect(
            try c.table("ratings").rule("rating_invalid")?.check
                == .decimalStep(column: 2, minMicros: 500_000, maxMicros: 5_000_000, stepMicros: 500_000))
        #expect(try c.table("ratings").rule("timestamp_too_old")?.check == .notBefore(column: 3, time: 788_918_400))
        #expect(try c.table("ratings").dedupe == .newest(key: [0, 1], orderBy: 3))
        #expect(try c.table("links").columns[2].required == false)
    }

    @Test func theETLFollowsTheParametersOfTheContractItFinds() throws {
        // A home with its own schemas/ (as `make install` makes), with stricter rules.
        let home = makeTempHome()
        try installBronze("bronze-clean", into: home)
        let edited = Self.yaml
            .replacingFirst("min: 0.5, max: 5.0, step: 0.5", with: "min: 1.0, max: 4.5, step: 0.5")
            .replacingFirst("not_before: \"1995-01-01T00:00:00Z\"", with: "not_before: \"2001-01-01\"")
        #expect(edited != Self.yaml)
        try FileSystem.writeAtomically(home.path("schemas", "lakehouse", BronzeContract.fileName), text: edited)
        try installSilverSchemas(into: home)
        var options = testOptions(threshold: 1.0)
        options.schemasDirectory = nil
        let report = try ETL.run(home: home, options: options)
        #expect(report.contract == home.path("schemas", "lakehouse", BronzeContract.fileName))
        let ratings = try #require(report.table("ratings"))
        // 0.5 and 5.0 are now out of range; user 1's 2000-era ratings are now too old.
        #expect(ratings.rejected("rating_invalid") == 2)
        #expect(ratings.rejected("timestamp_too_old") == 2)
    }

    @Test func aContractThisBuildCannotEnforceIsRefusedWithItsLocation() {
        let cases: [(String, String, String)] = [
            ("check: decimal_step", "check: decimal_between", "unknown check 'decimal_between'"),
            ("column: rating, min", "column: stars, min", "no column 'stars'"),
            ("Thriller, War, Western]", "Thriller, Western, War]", "the vocabulary must be exactly"),
            ("references: movies.movieId }\n    # The same", "references: tags.movieId }\n    # The same", "must be listed before"),
            (
                "- { name: timestamp_invalid, check: integer, column: timestamp }\n      - { name: timestamp_too_old",
                "- { name: timestamp_too_old", "needs an earlier integer check"
            ),
            ("contract: bronze", "contract: silver", "expected 'bronze'"),
            ("keep: newest, order_by: timestamp", "keep: oldest", "keep 'oldest' is not supported"),
        ]
        for (from, to, expected) in cases {
            let text = Self.yaml.replacingFirst(from, with: to)
            #expect(text != Self.yaml, "pattern \(from) not in the contract")
            let e = errorMessage { _ = try BronzeContract.parse(yaml: text, path: "/x/bronze_tables.yml") }
            #expect(e.kind == .invalidInput)
            #expect(e.message.hasPrefix("/x/bronze_tables.yml") && e.message.contains(expected), "\(e.message)")
        }
        let broken = errorMessage { _ = try BronzeContract.parse(yaml: "contract: bronze\nversion: 1\n", path: "/x/b.yml") }
        #expect(broken.message.contains("missing key 'tables'"))
    }

    @Test func headersAreCheckedAgainstTheContract() throws {
        let home = makeTempHome()
        let c = try BronzeContract.load(schemasDirectory: TestPaths.schemas)
        try installBronze("bronze-clean", into: home)
        for table in c.tables { try c.checkHeader(table.name, directory: home.bronzeMovieLens) }
        try writeBronze(home, "links.csv", "movieId,imdbId\n1,2\n")
        let e = errorMessage { try c.checkHeader("links", directory: home.bronzeMovieLens) }
        #expect(e.kind == .invalidInput && e.message.contains("header is `movieId,imdbId`") && e.message.contains("`movieId,imdbId,tmdbId`"))
    }

    @Test func aContractWithoutAColumnCheckTheETLReadsIsRefused() throws {
        let home = makeTempHome()
        try installBronze("bronze-clean", into: home)
        let rule = "      - { name: rating_invalid, check: decimal_step, column: rating, min: 0.5, max: 5.0, step: 0.5 }\n"
        let edited = Self.yaml.replacingFirst(rule, with: "")
        #expect(edited != Self.yaml)
        try FileSystem.writeAtomically(home.path("schemas", "lakehouse", BronzeContract.fileName), text: edited)
        try installSilverSchemas(into: home)
        var options = testOptions()
        options.schemasDirectory = home.path("schemas")
        let e = errorMessage { _ = try ETL.run(home: home, options: options) }
        #expect(e.kind == .invalidInput)
        #expect(e.message.contains("column 'rating' needs a decimal_step check"))
        #expect(SilverVersions.currentVersionID(home: home) == nil)
    }

    @Test func theLocatorPrefersTheEnvironmentThenTheHomeThenTheExecutablesCheckout() throws {
        let home = makeTempHome()
        let exe = Path.join(TestPaths.repository, ".build/debug/reel")
        // Walking up from the executable finds the checkout.
        #expect(try ContractLocator.schemasDirectory(home: home, environment: nil, executable: exe) == TestPaths.schemas)
        // <home>/schemas wins over the checkout.
        try FileSystem.createDirectory(home.path("schemas", "lakehouse"))
        #expect(try ContractLocator.schemasDirectory(home: home, environment: nil, executable: exe) == home.path("schemas"))
        // $REEL_SCHEMAS wins over both, and must be a contract folder.
        #expect(try ContractLocator.schemasDirectory(home: home, environment: TestPaths.schemas, executable: exe) == TestPaths.schemas)
        let bad = errorMessage { _ = try ContractLocator.schemasDirectory(home: home, environment: "/nonexistent", executable: exe) }
        #expect(bad.kind == .notFound && bad.message.contains("REEL_SCHEMAS=/nonexistent"))
        // Nowhere: the error lists where it looked and how to deploy.
        let elsewhere = makeTempHome()
        let none = errorMessage { _ = try ContractLocator.schemasDirectory(home: elsewhere, environment: nil, executable: "/usr/bin/reel") }
        #expect(none.kind == .notFound)
        #expect(
            none.message.contains(elsewhere.path("schemas")) && none.message.contains("/usr/bin/schemas") && none.message.contains("make install"))
    }

    @Test func theSilverContractNamesTheFilesAndSectionsTheETLWrites() throws {
        let text = try FileSystem.readText(Path.join(TestPaths.schemas, "lakehouse", "silver_tables.yml"))
        let doc = try #require(try Yams.load(yaml: text) as? [String: Any])
        let home = makeTempHome()
        try installBronze("bronze-clean", into: home)
        let dir = try ETL.run(home: home, options: testOptions()).versionDirectory
        let kinds = [SilverFormat.ratingsByUser, SilverFormat.ratingsByMovie, SilverFormat.movies, SilverFormat.tags, SilverFormat.popularity]
        let files = try #require(doc["files"] as? [String: [String: Any]])
        var readers: [String: SectionFileReader] = [:]
        for (name, spec) in files where name.hasSuffix(".silver") {
            let kind = try #require(kinds.first { String(decoding: $0.magic, as: UTF8.self) == spec["magic"] as? String }, "\(name)")
            readers[name] = try SectionFileReader(path: Path.join(dir, name), kind: kind)
        }
        #expect(readers.count == kinds.count)
        // `section: file.silver/name`, or `sections: [...]` for a column stored in several.
        var named = Set<String>()
        for table in try #require(doc["tables"] as? [[String: Any]]) {
            for column in try #require(table["columns"] as? [[String: Any]]) {
                let sections = try (column["sections"] as? [String]) ?? [#require(column["section"] as? String)]
                named.formUnion(sections)
            }
        }
        let written = Set(readers.flatMap { name, reader in reader.sections.map { "\(name)/\($0.name)" } })
        #expect(named == written)
    }

    @Test func contractTimesParseAsUTC() {
        #expect(ContractTime.parse("1995-01-01T00:00:00Z") == 788_918_400)
        #expect(ContractTime.parse("1995-01-01") == 788_918_400)
        #expect(ContractTime.parse("2001-09-09T01:46:40Z") == 1_000_000_000)
        #expect(ContractTime.parse("1995-13-01") == nil)
        #expect(ContractTime.parse("1995-01-01 00:00:00") == nil)
    }
}

/// Copies the checkout's silver_tables.yml (the open tables the ETL writes) into the home's own schemas/.
func installSilverSchemas(into home: ReelHome) throws {
    let name = OpenTableSchemas.silverFile
    try FileSystem.writeAtomically(
        home.path("schemas", "lakehouse", name),
        text: try FileSystem.readText(Path.join(TestPaths.schemas, "lakehouse", name)))
}

extension String {
    /// `self` with the first occurrence of `target` replaced (unchanged when absent).
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let r = range(of: target) else { return self }
        return replacingCharacters(in: r, with: replacement)
    }
}
