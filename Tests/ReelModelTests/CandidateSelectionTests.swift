import Foundation
import Testing
import ReelCore
import ReelLakehouse
import ReelSilver
@testable import ReelModel
@testable import ReelServing

/// Serve the best candidate, whatever it is: planted data sets where trending,
/// the model or all-time popularity must win on validation, the pin knob, and
/// the paired CI arithmetic.
@Suite struct CandidateSelectionTests {
    static let day: Int64 = 86_400
    static let start: Int64 = 1_500_000_000

    static func params(pin: String = "auto", lean: Bool = false) -> EvaluationParams {
        EvaluationParams(
            fraction: 0.8, k: 10,
            explicit: ALSParams(mode: .explicit, rank: 8, lambda: 0.1, iterations: 4, seed: 1, threads: 2),
            implicit: ALSParams(mode: .implicit, rank: 8, lambda: 1, alpha: 1, iterations: 8, seed: 1, threads: 2),
            hybridCandidates: 40, tuneBlend: true, pin: pin, lean: lean, includeExplicit: false,
            minValidationUsers: 100)
    }

    /// Planted trend: movies are released over 400 days and are watched in the
    /// weeks after release (a 15-day decay), users arrive over the whole
    /// period and rate 25 of what is hot during their first 60 days. There is
    /// no taste at all: what a user rates next is what is trending then.
    static func trendRatings(users: Int = 1500, movies: Int = 300, seed: UInt64 = 3) -> SilverRatings {
        var g = SplitMix64(seed: seed)
        let release = (0..<movies).map { _ in g.nextDouble() * 400 }
        var triples: [(user: Int, movie: Int, rating: Float, time: Int64)] = []
        for u in 0..<users {
            let arrival = g.nextDouble() * 400
            var seen = Set<Int>()
            for _ in 0..<25 {
                let t = arrival + g.nextDouble() * 60
                let weights = (0..<movies).map { m -> Double in
                    guard !seen.contains(m), release[m] <= t else { return 0 }
                    return _exp(-(t - release[m]) / 15) + 0.002
                }
                let total = weights.reduce(0, +)
                guard total > 0 else { continue }
                var x = g.nextDouble() * total
                for m in 0..<movies where weights[m] > 0 {
                    x -= weights[m]
                    if x <= 0 { seen.insert(m); triples.append((u, m, g.nextDouble() < 0.85 ? 5 : 2, start + Int64(t * Double(day)))); break }
                }
            }
        }
        return makeRatings(users: users, movies: movies, triples)
    }

    /// Neither taste nor time: every user rates 25 movies drawn by one fixed
    /// Zipf popularity, at uniform times. All-time popularity is the best any
    /// list can do, and nothing beats it by more than noise.
    static func popularityRatings(users: Int = 1200, movies: Int = 200, seed: UInt64 = 9) -> SilverRatings {
        var g = SplitMix64(seed: seed)
        let weights = (0..<movies).map { 1 / Double($0 + 1) }
        let total = weights.reduce(0, +)
        var triples: [(user: Int, movie: Int, rating: Float, time: Int64)] = []
        for u in 0..<users {
            var seen = Set<Int>()
            while seen.count < 25 {
                var x = g.nextDouble() * total, pick = movies - 1
                for m in 0..<movies { x -= weights[m]; if x <= 0 { pick = m; break } }
                guard seen.insert(pick).inserted else { continue }
                triples.append((u, pick, g.nextDouble() < 0.8 ? 4.5 : 2, start + Int64(g.nextDouble() * 400 * Double(day))))
            }
        }
        return makeRatings(users: users, movies: movies, triples)
    }

    @Test func plantedTrendServesTrending() throws {
        let report = try Evaluation.run(ratings: Self.trendRatings(), movies: makeMovies(300), params: Self.params())
        let choice = try #require(report.choice)
        #expect(choice.chosen.family == .trending, "served \(choice.chosenLabel): \(choice.reason)")
        #expect(choice.servingBaseline && report.servingBaseline)
        #expect(report.defaultMode.hasPrefix("trending-") && report.ndcg == report.result(report.defaultMode)?.ndcg)
        // On test too: the served trending list beats all-time popularity, significantly.
        let vsPopular = try #require(report.comparisons.first { $0.mode == report.defaultMode && $0.baseline == "popular" })
        #expect(vsPopular.metrics.ndcg.low > 0, "\(vsPopular.metrics.ndcg.text)")
        #expect(choice.validation.cut < report.split.cutTimeISO)
    }

    @Test func plantedTasteServesTheModel() throws {
        let ratings = plantedRatings(users: 600, movies: 150, perUser: 25, seed: 5)
        let report = try Evaluation.run(ratings: ratings, movies: makeMovies(150), params: Self.params())
        let choice = try #require(report.choice)
        #expect(choice.chosen == .model, "served \(choice.chosenLabel): \(choice.reason)")
        #expect(!choice.servingBaseline && report.defaultMode == "implicit-als")
        #expect(try #require(choice.modelVsBestBaseline).low > 0)
        // Paired CIs against every baseline, for every mode on test.
        for baseline in ["popular", "trending-24h", "trending-7d", "trending-30d"] {
            let c = try #require(report.comparisons.first { $0.mode == "implicit-als" && $0.baseline == baseline })
            #expect(c.metrics.ndcg.low > 0 && c.metrics.recall.mean > 0, "\(baseline): \(c.metrics.ndcg.text)")
            #expect(c.metrics.coverage.low <= c.metrics.coverage.mean && c.metrics.coverage.mean <= c.metrics.coverage.high)
        }
        // The table shows the choice and the CIs.
        let table = report.table()
        #expect(table.contains("Served: implicit-als") && table.contains("Paired 95% CIs against every baseline"))
        // Round trip, and reports from before the candidate choice still decode (as the model's order).
        #expect(try JSONText.decode(EvaluationReport.self, from: report.json()) == report)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        object["choice"] = nil; object["comparisons"] = nil
        var params = try #require(object["params"] as? [String: Any])
        params["pin"] = nil; params["minValidationUsers"] = nil
        object["params"] = params
        let old = try JSONText.decode(
            EvaluationReport.self, from: String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
        #expect(old.choice == nil && old.servedCandidate == .model && old.params.pin == "auto" && old.comparisons.isEmpty)
    }

    @Test func popularityOnlyServesPopular() throws {
        let report = try Evaluation.run(ratings: Self.popularityRatings(), movies: makeMovies(200), params: Self.params(lean: true))
        let choice = try #require(report.choice)
        #expect(choice.chosen == .popular, "served \(choice.chosenLabel): \(choice.reason)")
        #expect(choice.servingBaseline && report.defaultMode == "popular")
        // Lean: a baseline is served, so no model is trained for the test split.
        #expect(report.result("implicit-als") == nil && report.result("popular") != nil)
    }

    @Test func pinOverridesTheRuleAndSaysSo() throws {
        let ratings = plantedRatings(users: 600, movies: 150, perUser: 25, seed: 5)
        let report = try Evaluation.run(ratings: ratings, movies: makeMovies(150), params: Self.params(pin: "trending-7d"))
        let choice = try #require(report.choice)
        #expect(choice.pinned && choice.chosen == .trending(.week) && report.defaultMode == "trending-7d")
        #expect(choice.autoChoice == "implicit-als", "\(choice.reason)")
        #expect(choice.reason.contains("pinned by serving.pin = trending-7d"))
        #expect(report.table().contains("PINNED"))
        #expect(throws: ReelError.self) { try Self.params(pin: "nonsense").validate() }
        // A pinned blend that is not in the grid is scored too.
        let hybrid = try Evaluation.run(ratings: ratings, movies: makeMovies(150), params: Self.params(pin: "hybrid"))
        #expect(hybrid.choice?.chosen == .blend(ServingBlend(weights: HybridWeights(), window: .week)) && hybrid.defaultMode == "hybrid")
        #expect(hybrid.result("hybrid") != nil)
    }

    @Test func pairedCIMatchesAHandComputation() {
        // Differences 0.1, 0.3, −0.1, 0.2, 0.0: mean 0.1, s² = 0.1 / 4 = 0.025,
        // s/√5 = 0.0707107, t(0.975, 4) = 2.7764 → half-width 0.196320.
        let ci = PairedCI.of([0.6, 0.8, 0.4, 0.7, 0.5], [0.5, 0.5, 0.5, 0.5, 0.5])
        #expect(abs(ci.mean - 0.1) < 1e-12 && ci.users == 5)
        #expect(abs(ci.low - (0.1 - 0.196320)) < 1e-5 && abs(ci.high - (0.1 + 0.196320)) < 1e-5)
        #expect(!ci.isSignificant && abs(ci.relative! - 0.2) < 1e-12)
        // Every user gains the same: zero width, significant.
        let same = PairedCI.of([2, 2, 2], [1, 1, 1])
        #expect(same.low == 1 && same.high == 1 && same.isSignificant)
        // Large n: the normal quantile.
        #expect(abs(PairedCI.studentT975(degreesOfFreedom: 1000) - 1.9623) < 1e-3)
        #expect(PairedCI.studentT975(degreesOfFreedom: 30) == 2.0423)
        #expect(abs(PairedCI.studentT975(degreesOfFreedom: 31) - 2.0395) < 1e-3)
        // Bonferroni over 10 comparisons: Φ⁻¹(1 − 0.0025) = 2.8070.
        #expect(abs(PairedCI.normalQuantile(0.9975) - 2.8070) < 1e-3)
        let wide = PairedCI.of(
            Array(repeating: [0.6, 0.8, 0.4, 0.7, 0.5], count: 20).flatMap { $0 },
            Array(repeating: 0.5, count: 100), comparisons: 10)
        let narrow = PairedCI.of(Array(repeating: [0.6, 0.8, 0.4, 0.7, 0.5], count: 20).flatMap { $0 }, Array(repeating: 0.5, count: 100))
        #expect(wide.high - wide.low > narrow.high - narrow.low)
    }

    @Test func coverageCIBracketsTheObservedDifference() {
        // List a covers movies 0..9 over 20 users, b always the same 2 movies.
        let a = (0..<20).flatMap { u in [Int32(u % 10), Int32((u + 1) % 10)] }
        let b = (0..<20).flatMap { _ in [Int32(0), Int32(1)] }
        let ci = CoverageCI.of(a, b, k: 2, catalog: 10, movieCount: 10)
        #expect(abs(ci.mean - 0.8) < 1e-12)
        #expect(ci.low <= 0.8 && ci.high >= 0.8 && ci.low > 0.4)
        #expect(CoverageCI.of(a, b, k: 2, catalog: 10, movieCount: 10) == ci, "deterministic")
    }

    @Test func candidatesRoundTripAndAdoptionPrefersSimpler() throws {
        let candidates: [ServingCandidate] = [
            .model, .popular, .trending(.month),
            .blend(ServingBlend(weights: HybridWeights(model: 0.7, trending: 0.3, diversity: 0), window: .day)),
            .activityBlend(ActivityBlend(window: .week, threshold: 50, lightTrending: 0.8, heavyTrending: 0.1, diversity: 0)),
        ]
        for c in candidates {
            #expect(try JSONText.decode(ServingCandidate.self, from: JSONText.encode(c)) == c)
        }
        #expect(Set(candidates.map(\.label)).count == candidates.count)
        // Two candidates with the same per-user scores: the simpler one is served.
        let users = (0..<50).map { Double($0 % 7) / 7 }
        func scored(_ c: ServingCandidate, _ ndcg: [Double]) -> ScoredCandidate {
            ScoredCandidate(candidate: c, lists: [], ndcg: ndcg, recall: ndcg, precision: ndcg, averagePrecision: ndcg, coverage: 0, seconds: 0)
        }
        let noisy = users.indices.map { users[$0] + ($0 % 2 == 0 ? 0.051 : -0.049) }
        let tie = CandidateSelection.adopt([scored(.model, noisy), scored(.popular, users)])
        #expect(tie.index == 1, "\(tie.reason)")
        let clear = CandidateSelection.adopt([scored(.model, users.map { $0 + 0.2 }), scored(.popular, users)])
        #expect(clear.index == 0, "\(clear.reason)")
    }
}
