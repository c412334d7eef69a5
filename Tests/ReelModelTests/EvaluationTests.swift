import Testing
import ReelCore
import ReelLakehouse
@testable import ReelModel

@Suite struct EvaluationTests {
    func smallParams(_ split: EvaluationParams.Split = .temporal) -> EvaluationParams {
        EvaluationParams(
            split: split, fraction: 0.8, holdout: 5, k: 10,
            explicit: ALSParams(mode: .explicit, rank: 8, lambda: 0.1, iterations: 8, seed: 1, threads: 2),
            implicit: ALSParams(mode: .implicit, rank: 8, lambda: 1, alpha: 1, iterations: 8, seed: 1, threads: 2),
            hybridCandidates: 30)
    }

    @Test(arguments: [EvaluationParams.Split.temporal, .leaveLastN])
    func alsClearlyBeatsPopularityOnPlantedTaste(split: EvaluationParams.Split) throws {
        let ratings = plantedRatings(users: 300, movies: 120, perUser: 25)
        let report = try Evaluation.run(ratings: ratings, movies: makeMovies(120), params: smallParams(split))
        let popular = try #require(report.result("popular"))
        let implicit = try #require(report.result("implicit-als"))
        #expect(implicit.ndcg > 1.3 * popular.ndcg, "implicit \(implicit.ndcg) vs popular \(popular.ndcg)")
        // The served candidate (when it is a blend) follows the model, then item-knn; every baseline after.
        #expect(
            report.results.map(\.mode).filter { $0 != "hybrid" } == [
                "explicit-als", "implicit-als", "item-knn", "popular", "trending-24h", "trending-7d", "trending-30d",
            ])
        let explicit = try #require(report.result("explicit-als"))
        #expect(explicit.rmse != nil && explicit.rmse! < 1.2 && implicit.rmse == nil)
        #expect(report.split.evaluatedUsers > 50)
        #expect(report.results.allSatisfy { $0.coverage > 0 && $0.coverage <= 1 })
    }

    @Test func temporalSplitPutsTiesAtTheCutIntoTest() throws {
        // User 0 at times 1...6 then four ratings at 9; user 1 ten ratings at time 1.
        var triples: [(user: Int, movie: Int, rating: Float, time: Int64)] = []
        for m in 0..<10 { triples.append((0, m, 4, Int64(m < 6 ? m + 1 : 9))) }
        for m in 0..<10 { triples.append((1, m, 5, 1)) }
        let r = makeRatings(users: 2, movies: 10, triples)
        // 20 times sorted: eleven 1s, 2...6, then four 9s; index ⌊0.8 · 20⌋ = 16 is a 9.
        let split = try EvaluationSplit.make(r, params: EvaluationParams(fraction: 0.8))
        #expect(split.cutTime == 9)
        #expect(split.train.ratingCount == 16)
        #expect(split.testCount == 4)
        #expect(split.train.userTimes.allSatisfy { $0 < 9 } && split.testTimes.allSatisfy { $0 == 9 })
        // Train keeps both CSR layouts consistent.
        #expect(split.train.movieOffsets.last == 16 && split.train.movieUsers.count == 16)
    }

    @Test func coldTestPairsAreDroppedAndCounted() throws {
        // Movie 2 is only rated after the cut: its test rating cannot be scored.
        let r = makeRatings(users: 2, movies: 3, [(0, 0, 4, 1), (1, 0, 4, 2), (0, 1, 5, 3), (1, 1, 3, 4), (0, 2, 5, 10)])
        let split = try EvaluationSplit.make(r, params: EvaluationParams(fraction: 0.8))
        #expect(split.cutTime == 10 && split.testCount == 0 && split.droppedColdTestRatings == 1)
    }

    @Test func leaveLastNHoldsOutEachUsersNewest() throws {
        var triples: [(user: Int, movie: Int, rating: Float, time: Int64)] = []
        for m in 0..<8 { triples.append((0, m, 4, Int64(100 - m))) }
        for m in 0..<2 { triples.append((1, m, 4, Int64(m))) }
        let r = makeRatings(users: 2, movies: 8, triples)
        let split = try EvaluationSplit.make(r, params: EvaluationParams(split: .leaveLastN, holdout: 2))
        // User 0's newest are movies 0 and 1 (times 100, 99); user 1 has too few ratings to hold out.
        #expect(Array(split.testMovies[split.testRange(0)]) == [0, 1])
        #expect(split.testRange(1).isEmpty)
        #expect(split.train.ratingCount == 8)
    }

    @Test func reportRoundTripsThroughJSONAndPrintsEveryMode() throws {
        let ratings = plantedRatings(users: 60, movies: 40, perUser: 12, seed: 3)
        var p = smallParams()
        p.explicit.iterations = 2; p.implicit.iterations = 2
        let report = try Evaluation.run(ratings: ratings, movies: makeMovies(40), params: p)
        let back = try JSONText.decode(EvaluationReport.self, from: report.json())
        #expect(back == report)
        let table = report.table()
        for r in report.results { #expect(table.contains(r.mode)) }
        #expect(report.result(report.defaultMode) != nil && report.defaultMode == report.servedCandidate.name)
        #expect(report.ndcg == report.result(report.defaultMode)!.ndcg)
    }

    @Test func badSettingsAreUsageErrors() {
        let ratings = plantedRatings(users: 10, movies: 10, perUser: 3)
        for p in [
            EvaluationParams(fraction: 1), EvaluationParams(k: 0), EvaluationParams(hybridCandidates: 5),
            EvaluationParams(hybridWindow: "1y"),
        ] {
            #expect { _ = try Evaluation.run(ratings: ratings, movies: makeMovies(10), params: p) } throws: {
                ($0 as? ReelError)?.kind == .usage
            }
        }
    }
}
