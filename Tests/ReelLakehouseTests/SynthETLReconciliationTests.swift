import Testing
import ReelCore
@testable import ReelLakehouse
@testable import ReelSilver

/// The ETL catches exactly what `reel synth --dirty` injected: per table and
/// rule, the rejected counts equal the manifest's, duplicates are
/// deduplicated, and the accepted data equal a clean run's.
@Suite struct SynthETLReconciliationTests {
    @Test func etlCatchesExactlyWhatSynthInjected() throws {
        var config = try SynthConfig.preset("tiny")
        config.dirty = 0.02
        let dirtyHome = makeTempHome("reel-recon-dirty")
        let manifest = try Synth.generate(config: config, to: dirtyHome.bronzeMovieLens)
        let dirtyReport = try ETL.run(home: dirtyHome, options: testOptions(threshold: 0.5))

        let injected = try #require(manifest.dirty)
        #expect(!injected.isEmpty)
        for table in dirtyReport.tables {
            let expected = injected[table.table] ?? [:]
            let actual = Dictionary(uniqueKeysWithValues: table.rejectedByRule.map { ($0.rule, $0.count) })
            #expect(actual == expected.filter { $0.value > 0 }, "\(table.table): rejected \(actual), injected \(expected)")
            #expect(table.read == table.accepted + table.rejected + table.deduplicated, "\(table.table) does not reconcile")
        }
        #expect(dirtyReport.table("ratings")?.deduplicated == manifest.duplicates)

        // The clean rows are the same with or without --dirty, so silver must be too.
        config.dirty = 0
        let cleanHome = makeTempHome("reel-recon-clean")
        _ = try Synth.generate(config: config, to: cleanHome.bronzeMovieLens)
        _ = try ETL.run(home: cleanHome, options: testOptions())
        let dirtySilver = try SilverSnapshot.open(home: dirtyHome)
        let cleanSilver = try SilverSnapshot.open(home: cleanHome)
        #expect(dirtySilver.ratings.userIDs == cleanSilver.ratings.userIDs)
        #expect(dirtySilver.ratings.userMovies == cleanSilver.ratings.userMovies)
        #expect(dirtySilver.ratings.userRatings == cleanSilver.ratings.userRatings)
        #expect(dirtySilver.ratings.userTimes == cleanSilver.ratings.userTimes)
        #expect(dirtySilver.movies.ids == cleanSilver.movies.ids)
    }
}

/// `reel synth` and `reel bronze validate` name the files, headers and rules
/// through `MovieLensFile`; the ETL loads them from the YAML contract. This
/// keeps the two from drifting apart.
@Suite struct MovieLensFileMatchesContractTests {
    @Test func headersAndRuleOrderEqualTheLoadedContract() throws {
        let contract = try BronzeContract.load(schemasDirectory: TestPaths.schemas)
        for file in MovieLensFile.allCases {
            let table = try contract.table(file.rawValue)
            #expect(table.file == file.fileName)
            #expect(table.header == file.header, "\(file.rawValue) header")
            #expect(table.ruleNames == file.qualityRules.map(\.rawValue), "\(file.rawValue) rules")
        }
    }
}
