import Testing
import ReelCore
import ReelLakehouse
import ReelSilver
@testable import ReelModel

@Suite struct ModelStoreTests {
    func tempHome() throws -> ReelHome {
        let dir = "/tmp/reel-model-store-\(UInt32.random(in: 0...UInt32.max))"
        try FileSystem.createDirectory(dir)
        return ReelHome(root: dir)
    }

    @Test func saveWritesBothFilesAndSwitchesLatest() throws {
        let home = try tempHome()
        defer { try? FileSystem.removeTree(home.root) }
        #expect(ModelStore.latestFolder(home: home) == nil)
        #expect { _ = try ModelStore.latestFactors(home: home) } throws: { ($0 as? ReelError)?.kind == .notFound }
        let r = plantedRatings(users: 20, movies: 10, perUser: 4)
        let params = ALSParams(mode: .implicit, rank: 4, iterations: 2, threads: 1)
        var log: [ALSIteration] = []
        let f = try ALS.train(r, params: params) { log.append($0) }
        for runID in ["run-a", "run-b"] {
            let record = TrainRecord(
                runID: runID, createdAt: "now", silverVersion: "v1", silverFingerprint: "ab",
                params: params, iterations: log, trainSeconds: 0.1,
                users: r.userCount, movies: r.movieCount, ratings: r.ratingCount, warmStartFrom: nil)
            try ModelStore.save(f, record: record, home: home)
        }
        #expect(ModelStore.latestFolder(home: home) == home.models + "/run-b")
        #expect(try ModelStore.latestFactors(home: home).userFactors == f.userFactors)
        #expect(try ModelStore.latestRecord(home: home)?.runID == "run-b")
        #expect(FileSystem.exists(home.models + "/run-a/model.factors"))
    }

    @Test func evaluationLandsInTheLatestModelsFolderAndTheSplitExports() throws {
        let home = try tempHome()
        defer { try? FileSystem.removeTree(home.root) }
        let ratings = plantedRatings(users: 40, movies: 20, perUser: 8)
        let params = EvaluationParams(
            explicit: ALSParams(mode: .explicit, rank: 4, iterations: 2, threads: 1),
            implicit: ALSParams(mode: .implicit, rank: 4, iterations: 2, threads: 1),
            hybridCandidates: 10)
        let report = try Evaluation.run(ratings: ratings, movies: makeMovies(20), params: params)
        let path = try ModelStore.saveEvaluation(report, home: home, runID: "eval-only")
        #expect(path == home.models + "/eval-only/evaluation.json")
        #expect(try JSONText.decode(EvaluationReport.self, from: FileSystem.readText(path)) == report)

        let split = try EvaluationSplit.make(ratings, params: params)
        try split.export(to: home.root + "/split", params: params)
        let train = try FileSystem.readText(home.root + "/split/train.csv").split(separator: "\n")
        let test = try FileSystem.readText(home.root + "/split/test.csv").split(separator: "\n")
        #expect(train.first == "userId,movieId,rating,timestamp")
        #expect(train.count == split.train.ratingCount + 1 && test.count == split.testCount + 1)
        #expect(FileSystem.exists(home.root + "/split/split.json"))
    }
}

@Suite struct ModelCommandTests {
    func snapshot(_ ratings: SilverRatings) -> SilverSnapshot {
        let popularity = SilverPopularity(
            endTime: 0, scores: [Float](repeating: 0, count: 3 * ratings.movieCount),
            counts: [Int32](repeating: 0, count: 3 * ratings.movieCount))
        return SilverSnapshot(
            versionID: "v-test", fingerprint: 0xABC, ratings: ratings,
            movies: makeMovies(ratings.movieCount), popularity: popularity)
    }

    @Test func trainWritesARunAndWarmStartsFromTheLatest() throws {
        let home = ReelHome(root: "/tmp/reel-model-cmd-\(UInt32.random(in: 0...UInt32.max))")
        try FileSystem.createDirectory(home.root)
        defer { try? FileSystem.removeTree(home.root) }
        let silver = snapshot(plantedRatings(users: 30, movies: 20, perUser: 6))
        let params = ALSParams(mode: .implicit, rank: 4, iterations: 2, threads: 1)
        // Nothing to warm-start from yet: a warning and a cold start, not an error.
        let first = try ModelTraining.run(home: home, silver: silver, params: params, warmStart: true, warmStartFrom: nil)
        #expect(first.warmStartFrom == nil && first.silverVersion == "v-test" && first.silverFingerprint == "abc")
        #expect(first.iterations.count == 2)
        let second = try ModelTraining.run(home: home, silver: silver, params: params, warmStart: true, warmStartFrom: nil)
        #expect(second.warmStartFrom?.hasSuffix("model.factors") == true)
        #expect(try ModelStore.latestRecord(home: home) == second)
        let factors = try ModelStore.latestFactors(home: home)
        #expect(try JSONText.decode(TrainRecord.self, from: factors.metadataJSON) == second)

        let report = try ModelEvaluation.run(
            home: home, silver: silver,
            params: EvaluationParams(
                explicit: ALSParams(mode: .explicit, rank: 3, iterations: 1, threads: 1),
                implicit: ALSParams(mode: .implicit, rank: 3, iterations: 1, threads: 1),
                hybridCandidates: 10),
            exportSplit: home.root + "/split")
        let saved = ModelStore.latestFolder(home: home)! + "/evaluation.json"
        #expect(try JSONText.decode(EvaluationReport.self, from: FileSystem.readText(saved)) == report)
        #expect(FileSystem.exists(home.root + "/split/train.csv"))
    }
}
