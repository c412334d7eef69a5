import Foundation
import Testing
import ReelCore
import ReelLakehouse
import ReelSilver
@testable import ReelModel
@testable import ReelServing

/// `item-knn` as an evaluation candidate: served when local co-rating
/// structure that a low-rank model cannot hold decides what users rate next,
/// scored but not served when the planted structure is low-rank or is time.
@Suite struct ItemKNNCandidateTests {
    typealias C = CandidateSelectionTests

    /// Many small, disjoint groups of movies (`clusters` × `size`): each user
    /// likes a few groups and rates most of each (5 stars), plus a few
    /// popular movies they do not like (2 stars), at uniform times over a
    /// year. What a user rates next is the rest of their groups: item-item
    /// similarity finds exactly that, while rank-8 ALS cannot tell 80 groups apart.
    static func clusterRatings(users: Int = 1200, clusters: Int = 80, size: Int = 6, seed: UInt64 = 21) -> SilverRatings {
        var g = SplitMix64(seed: seed)
        let movies = clusters * size
        var triples: [(user: Int, movie: Int, rating: Float, time: Int64)] = []
        func time() -> Int64 { C.start + Int64(g.nextDouble() * 365 * Double(C.day)) }
        for u in 0..<users {
            var seen = Set<Int>()
            var liked = Set<Int>()
            while liked.count < 4 { liked.insert(Int(g.next() % UInt64(clusters))) }
            for c in liked.sorted() {
                for i in 0..<size where g.nextDouble() < 0.85 {
                    seen.insert(c * size + i)
                    triples.append((u, c * size + i, 5, time()))
                }
            }
            // A few disliked picks, skewed to the low rows (a popularity order).
            while seen.count < 26 {
                let m = Int(Double(movies) * g.nextDouble() * g.nextDouble())
                guard seen.insert(m).inserted else { continue }
                triples.append((u, m, 2, time()))
            }
        }
        return makeRatings(users: users, movies: movies, triples)
    }

    @Test func localStructureServesItemKNN() throws {
        let ratings = Self.clusterRatings()
        let report = try Evaluation.run(ratings: ratings, movies: makeMovies(ratings.movieCount), params: C.params())
        let choice = try #require(report.choice)
        #expect(choice.chosen == .itemKNN, "served \(choice.chosenLabel): \(choice.reason)")
        #expect(report.defaultMode == "item-knn" && !choice.servingBaseline && !report.servingBaseline)
        #expect(choice.candidates.contains { $0.label == "item-knn" && $0.family == "itemBased" })
        // On test too: item-knn beats the model and, significantly, every baseline.
        let knn = try #require(report.result("item-knn")), als = try #require(report.result("implicit-als"))
        #expect(knn.ndcg > als.ndcg, "item-knn \(knn.ndcg) vs implicit-als \(als.ndcg)")
        #expect(report.ndcg == knn.ndcg)
        for baseline in ["popular", "trending-24h", "trending-7d", "trending-30d"] {
            let c = try #require(report.comparisons.first { $0.mode == "item-knn" && $0.baseline == baseline })
            #expect(c.metrics.ndcg.low > 0, "\(baseline): \(c.metrics.ndcg.text)")
        }
        #expect(report.table().contains("Served: item-knn"))
    }

    @Test func leanEvaluationServingItemKNNTrainsNoTestModel() throws {
        let ratings = Self.clusterRatings(users: 900, seed: 4)
        let report = try Evaluation.run(ratings: ratings, movies: makeMovies(ratings.movieCount), params: C.params(lean: true))
        #expect(report.choice?.chosen == .itemKNN, "\(report.choice?.reason ?? "")")
        // The nightly needs no ALS lists on the test split when item-knn is served.
        #expect(report.result("implicit-als") == nil && report.result("item-knn") != nil && report.result("popular") != nil)
    }

    @Test func lowRankTasteScoresItemKNNButServesTheModel() throws {
        let ratings = plantedRatings(users: 600, movies: 150, perUser: 25, seed: 5)
        let report = try Evaluation.run(ratings: ratings, movies: makeMovies(150), params: C.params())
        let choice = try #require(report.choice)
        #expect(choice.chosen == .model, "served \(choice.chosenLabel): \(choice.reason)")
        let knn = try #require(choice.candidates.first { $0.label == "item-knn" })
        let best = try #require(choice.candidates.first { $0.label == choice.best })
        #expect(knn.ndcg < best.ndcg)
        // Not served, yet on the (non-lean) report's test split for comparison.
        #expect(report.result("item-knn") != nil)
    }

    @Test func plantedTrendDoesNotServeItemKNN() throws {
        let report = try Evaluation.run(ratings: C.trendRatings(), movies: makeMovies(300), params: C.params(lean: true))
        let choice = try #require(report.choice)
        #expect(choice.chosen.family == .trending, "served \(choice.chosenLabel): \(choice.reason)")
        #expect(choice.candidates.contains { $0.label == "item-knn" })
        #expect(report.result("item-knn") == nil, "lean: item-knn is not trained on test when it is not served")
    }

    @Test func switchedOffPinnedAndRoundTrips() throws {
        let ratings = Self.clusterRatings(users: 700, seed: 8)
        var params = C.params(lean: true)
        params.itemKNN = false
        let off = try Evaluation.run(ratings: ratings, movies: makeMovies(ratings.movieCount), params: params)
        #expect(!(off.choice?.candidates.contains { $0.name == "item-knn" } ?? true))
        #expect(off.choice?.chosen != .itemKNN)
        // A pin scores it even when switched off, and serves it.
        params.pin = "item-knn"
        let pinned = try Evaluation.run(ratings: ratings, movies: makeMovies(ratings.movieCount), params: params)
        #expect(pinned.choice?.chosen == .itemKNN && pinned.choice?.pinned == true && pinned.defaultMode == "item-knn")
        #expect(ServingCandidate.pinned("item-knn", configured: ServingBlend(weights: HybridWeights(), window: .week)) == .itemKNN)
        #expect(ServingCandidate.pinNames.contains("item-knn"))
        #expect(try JSONText.decode(ServingCandidate.self, from: JSONText.encode(ServingCandidate.itemKNN)) == .itemKNN)
        #expect(ServingCandidate.itemKNN.family == .itemBased && !ServingCandidate.itemKNN.usesModel && !ServingCandidate.itemKNN.family.isBaseline)
        // Reports written before the switch existed did not score item-knn.
        params.itemKNN = true
        var object = try #require(try JSONSerialization.jsonObject(with: Data(JSONText.encode(params).utf8)) as? [String: Any])
        #expect(object["itemKNN"] as? Bool == true)
        object["itemKNN"] = nil
        let old = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        #expect(try JSONText.decode(EvaluationParams.self, from: old).itemKNN == false)
        #expect(EvaluationParams().itemKNN)
    }

    @Test func listsExcludeRatedMoviesAndAreFilledFromPopularity() throws {
        // Two users with one rating each on a movie below minSupport: no similarity to sum.
        var triples: [(user: Int, movie: Int, rating: Float, time: Int64)] = []
        for u in 0..<30 { for m in 0..<12 where (u + m) % 3 != 0 { triples.append((u, m, 4, C.start + Int64(u * 100 + m))) } }
        triples.append((30, 14, 4, C.start)); triples.append((31, 0, 4, C.start))
        let ratings = makeRatings(users: 32, movies: 15, triples)
        let context = CandidateContext(
            ratings: ratings, users: (0..<32).map(Int32.init),
            popularity: Evaluation.popularity(of: ratings, at: C.start + 10_000),
            genres: [UInt32](repeating: 1, count: 15), model: nil, threads: 2)
        let k = 5
        let lists = ServingCandidate.itemKNN.recommender.lists(context, k: k)
        for u in 0..<32 {
            let list = lists.movies[u * k..<(u + 1) * k]
            let rated = Set(ratings.userMovies[Int(ratings.userOffsets[u])..<Int(ratings.userOffsets[u + 1])])
            #expect(list.allSatisfy { $0 >= 0 && !rated.contains($0) }, "user \(u): \(Array(list))")
            #expect(Set(list).count == k)
            #expect(lists.scores[u * k..<(u + 1) * k].allSatisfy { $0.isFinite })
        }
        // User 30 rated only movie 14 (one rating: below minSupport): all-time popularity, score 0.
        let popular = GlobalRankingRecommender(window: nil).lists(context, k: k)
        #expect(lists.movies[30 * k..<31 * k] == popular.movies[30 * k..<31 * k])
        #expect(lists.scores[30 * k..<31 * k].allSatisfy { $0 == 0 })
        // The same lists with one thread.
        let one = CandidateContext(
            ratings: ratings, users: context.users, popularity: context.popularity, genres: context.genres, model: nil, threads: 1)
        #expect(ServingCandidate.itemKNN.recommender.lists(one, k: k).movies == lists.movies)
    }
}
