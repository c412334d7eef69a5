import ReelCore
import ReelSilver
import Testing
@testable import ReelModel

@Suite("item-knn")
struct ItemKNNTests {
    /// Four users × four movies, every rating counts:
    ///   u0: m0 m1      u1: m0 m1 m2      u2: m1 m2      u3: m3
    /// n = (2, 3, 2, 1); co(0,1) = 2, co(0,2) = 1, co(1,2) = 2, m3 shares no user.
    let ratings = makeRatings(
        users: 4, movies: 4,
        [
            (0, 0, 4, 10), (0, 1, 5, 11), (1, 0, 3, 12), (1, 1, 4, 13), (1, 2, 5, 14), (2, 1, 2, 15), (2, 2, 4, 16), (3, 3, 5, 17),
        ])
    let params = ItemKNNParams(neighbours: 3, shrinkage: 1, minSupport: 1, maxUserItems: 10, threads: 2)

    @Test func similaritiesAreShrunkCosines() throws {
        let model = try ItemKNN.train(ratings, params: params)
        func sim(_ co: Float, _ a: Float, _ b: Float) -> Float { co / ((a * b).squareRoot() + 1) }
        let m0 = model.neighbours(of: 0)
        #expect(Array(m0.movies) == [1, 2, -1])
        #expect(abs(m0.scores[m0.scores.startIndex] - sim(2, 2, 3)) < 1e-6)
        #expect(abs(m0.scores[m0.scores.startIndex + 1] - sim(1, 2, 2)) < 1e-6)
        let m1 = model.neighbours(of: 1)
        // sim(1,2) = 2/(√6+1) > sim(1,0) = 2/(√6+1): equal, so the lower row (0) first.
        #expect(Array(m1.movies) == [0, 2, -1])
        #expect(Array(model.neighbours(of: 3).movies) == [-1, -1, -1])
    }

    @Test func recommendationsSumSimilaritiesAndSkipRatedMovies() throws {
        let model = try ItemKNN.train(ratings, params: params)
        let (movies, scores) = model.recommend(users: [0, 2, 3], ratings: ratings, k: 2)
        // u0 rated m0, m1: m2 scores sim(0,2) + sim(1,2); m3 is nobody's neighbour.
        let a: Double = 1.0 / 3.0
        let b: Double = 2.0 / (6.0.squareRoot() + 1.0)
        let expected = Float(a + b)
        #expect(Array(movies[0..<2]) == [2, -1])
        #expect(abs(scores[0] - expected) < 1e-5)
        // u2 rated m1, m2: only m0 is left.
        #expect(Array(movies[2..<4]) == [0, -1])
        // u3's only movie has no neighbours: nothing to recommend.
        #expect(Array(movies[4..<6]) == [-1, -1])
    }

    @Test func minSupportDropsRareMovies() throws {
        let model = try ItemKNN.train(ratings, params: ItemKNNParams(neighbours: 3, shrinkage: 1, minSupport: 3, threads: 1))
        #expect(model.eligibleMovies == 1)
        #expect(Array(model.neighbours(of: 1).movies) == [-1, -1, -1])
    }

    @Test func sameResultForAnyThreadCount() throws {
        let data = plantedRatings(users: 200, movies: 60, perUser: 15, seed: 3)
        var p = ItemKNNParams(neighbours: 20, minSupport: 2, maxUserItems: 8, threads: 1)
        let one = try ItemKNN.train(data, params: p)
        p.threads = 2
        let two = try ItemKNN.train(data, params: p)
        #expect(one.neighbourMovies == two.neighbourMovies && one.neighbourScores == two.neighbourScores)
        let users = (0..<Int32(200)).map { $0 }
        let a = one.recommend(users: users, ratings: data, k: 10), b = two.recommend(users: users, ratings: data, k: 10)
        #expect(a.movies == b.movies && a.scores == b.scores)
        // Every list excludes the user's rated movies.
        for u in 0..<200 {
            let seen = Set(data.userMovies[Int(data.userOffsets[u])..<Int(data.userOffsets[u + 1])])
            #expect(a.movies[u * 10..<(u + 1) * 10].allSatisfy { $0 < 0 || !seen.contains($0) })
        }
    }

    @Test func userHistoryIsCappedToTheNewest() {
        let h = ItemKNN.history(ratings, params: ItemKNNParams(minSupport: 1, maxUserItems: 2))
        // u1 rated m0 (t 12), m1 (13), m2 (14): the newest two are m1, m2.
        #expect(Array(h.movies[Int(h.offsets[1])..<Int(h.offsets[2])]) == [1, 2])
    }

    /// The pair budget lowers the per-user cap only when Σ min(n, cap)² would exceed it, to the
    /// largest cap that fits; small data keep maxUserItems.
    @Test func pairBudgetLowersTheCapJustEnough() {
        let counts = [1000, 500, 50, 3]
        #expect(ItemKNN.userCap(counts, maxUserItems: 300, pairBudget: .max) == 300)
        // cap 100: 100² + 100² + 50² + 3² = 22,509; cap 101 costs 20,402 + 2,509 > 22,600.
        #expect(ItemKNN.userCap(counts, maxUserItems: 300, pairBudget: 22_600) == 100)
        #expect(ItemKNN.userCap(counts, maxUserItems: 300, pairBudget: 22_509) == 100)
        #expect(ItemKNN.userCap(counts, maxUserItems: 300, pairBudget: 22_508) == 99)
        #expect(ItemKNN.userCap(counts, maxUserItems: 300, pairBudget: 1) == 1)
        // Through history: a budget of 4 pairs keeps one (the newest) movie of a 3-movie user.
        let h = ItemKNN.history(ratings, params: ItemKNNParams(minSupport: 1, maxUserItems: 10, pairBudget: 4))
        #expect(h.offsets[2] - h.offsets[1] <= 2)
    }

    @Test func badParamsAreUsageErrors() {
        #expect(throws: ReelError.self) { try ItemKNNParams(neighbours: 0).validate() }
        #expect(throws: ReelError.self) { try ItemKNNParams(shrinkage: -1).validate() }
        #expect(throws: ReelError.self) { try ItemKNNParams(pairBudget: 0).validate() }
    }
}
