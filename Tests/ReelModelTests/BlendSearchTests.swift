import Foundation
import Testing
import ReelCore
import ReelLakehouse
@testable import ReelModel

@Suite struct BlendSearchTests {
    func params(tune: Bool = true) -> EvaluationParams {
        EvaluationParams(fraction: 0.8, k: 10,
                         explicit: ALSParams(mode: .explicit, rank: 8, lambda: 0.1, iterations: 4, seed: 1, threads: 2),
                         implicit: ALSParams(mode: .implicit, rank: 8, lambda: 1, alpha: 1, iterations: 8, seed: 1, threads: 2),
                         hybridCandidates: 30, tuneBlend: tune)
    }

    /// Planted taste over a year, plus five "hot" movies that most users rate
    /// 5 at a random moment of the last 150 days: at any cut, some users have
    /// not rated them yet and will, and only trending popularity knows.
    func trendingRatings() -> SilverRatings {
        let base = plantedRatings(users: 300, movies: 120, perUser: 20, seed: 11)
        var triples: [(user: Int, movie: Int, rating: Float, time: Int64)] = []
        for u in 0..<base.userCount {
            for j in Int(base.userOffsets[u])..<Int(base.userOffsets[u + 1]) {
                triples.append((u, Int(base.userMovies[j]), base.userRatings[j], base.userTimes[j]))
            }
        }
        var g = SplitMix64(seed: 5)
        let start: Int64 = 1_600_000_000 + 215 * 86_400
        for u in 0..<base.userCount where g.nextDouble() < 0.8 {
            for m in 110..<115 where g.nextDouble() < 0.7 {
                triples.append((u, m, 5, start + Int64(g.nextDouble() * 150 * 86_400)))
            }
        }
        return makeRatings(users: base.userCount, movies: 120, triples)
    }

    @Test func gridStartsWithTheModelsOwnOrderAndHoldsDistinctPoints() {
        let tuned = BlendSearch.grid(params())
        #expect(tuned.first == BlendSearch.modelOnly(.week) && tuned.first!.isPureModel)
        #expect(tuned.count == 1 + 3 + 3 * 6 * 4)
        #expect(Set(tuned.map { "\($0.weights.model) \($0.weights.trending) \($0.weights.diversity) \($0.window)" }).count == tuned.count)
        #expect(tuned.dropFirst().allSatisfy { !$0.isPureModel })
        let untuned = BlendSearch.grid(params(tune: false))
        #expect(untuned == [BlendSearch.modelOnly(.week), ServingBlend(weights: HybridWeights(), window: .week)])
    }

    @Test func choiceIsTheBestValidationPointAndTheReportServesIt() throws {
        let report = try Evaluation.run(ratings: trendingRatings(), movies: makeMovies(120), params: params())
        let choice = try #require(report.blend)
        #expect(choice.note == nil && choice.validationUsers > 0)
        #expect(choice.grid.count == BlendSearch.grid(params()).count)
        let best = choice.grid.map(\.ndcg).max()!
        if choice.note == nil {
            #expect(choice.gainT >= BlendSearch.minimumT)
            #expect(choice.validationNDCG == best && choice.grid.first { $0.ndcg == best }?.blend == choice.chosen)
        } else {
            #expect(choice.gainT < BlendSearch.minimumT && choice.chosen == choice.grid[0].blend)
        }
        #expect(choice.modelOnlyNDCG == choice.grid[0].ndcg)
        // Validation is inside train: its cut is before the test cut.
        #expect(choice.validationCut < report.split.cutTimeISO)
        #expect(report.defaultMode == (choice.chosen.isPureModel ? "implicit-als" : "hybrid"))
        #expect(report.servedBlend == (choice.chosen.isPureModel ? nil : choice.chosen))
        #expect(report.ndcg == report.result(report.defaultMode)?.ndcg)
    }

    @Test func plantedTrendIsFoundOnValidationAndHoldsOnTest() throws {
        let report = try Evaluation.run(ratings: trendingRatings(), movies: makeMovies(120), params: params())
        let choice = try #require(report.blend)
        #expect(choice.chosen.weights.trending > 0, "chose \(choice.chosen)")
        #expect(choice.note == nil && choice.gainT >= BlendSearch.minimumT)
        #expect(choice.validationNDCG > 1.05 * choice.modelOnlyNDCG)
        let hybrid = try #require(report.result("hybrid")), implicit = try #require(report.result("implicit-als"))
        #expect(hybrid.ndcg > implicit.ndcg, "hybrid \(hybrid.ndcg) vs implicit \(implicit.ndcg)")
        #expect(report.defaultMode == "hybrid")
    }

    @Test func untunedSearchWeighsOnlyTheConfiguredBlend() throws {
        let report = try Evaluation.run(ratings: trendingRatings(), movies: makeMovies(120), params: params(tune: false))
        let choice = try #require(report.blend)
        #expect(choice.grid.map(\.blend) == BlendSearch.grid(params(tune: false)))
        #expect(report.result("hybrid-configured") == nil || choice.chosen.isPureModel)
    }

    @Test func pairedTTellsAGainFromNoise() {
        #expect(BlendSearch.pairedT([1, 1, 1], [1, 1, 1]) == 0)
        #expect(BlendSearch.pairedT([2, 2, 2], [1, 1, 1]) == 1e9)
        // Differences 1, −1, 1, −1, 1: mean 0.2, sd ≈ 1.095, t ≈ 0.41.
        #expect(abs(BlendSearch.pairedT([1, 0, 1, 0, 1], [0, 1, 0, 1, 0]) - 0.408) < 0.001)
        #expect(BlendSearch.pairedT([0.5], [0]) == 0)
    }

    @Test func reportsFromBeforeTheBlendSearchStillDecode() throws {
        var json = try JSONText.decode(EvaluationReport.self,
                                       from: try Evaluation.run(ratings: trendingRatings(), movies: makeMovies(120), params: params()).json()).json()
        json = json.replacingOccurrences(of: "\"tuneBlend\"", with: "\"unknownKey\"")
        let old = try JSONText.decode(EvaluationReport.self, from: json)
        #expect(old.params.tuneBlend == false)
    }
}
