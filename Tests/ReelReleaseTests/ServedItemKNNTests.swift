import Foundation
import ReelCore
import ReelSilver
import ReelModel
@testable import ReelRelease
import Testing
@testable import ReelServing
import ReelTestSupport

/// A release whose served candidate is `item-knn`: every user's list is the
/// candidate's own (trained on silver by the same code the evaluation
/// scored), stored in the served-list sections, rated movies excluded.
@Suite struct ServedItemKNNTests {
    @Test func itemKNNListsAreStoredAsTheServedLists() throws {
        let world = TinyWorld.make(seed: 5, users: 200, movies: 30, sparseIDs: true)
        let k = 8
        let path = Path.join(makeTempDir(), "r.reel")
        try world.contents(k: k, served: .itemKNN).write(to: path)
        let r = try Release(path: path)
        #expect(r.servedName == "item-knn" && r.blend == nil)
        let ratings = world.silver.ratings
        let context = CandidateContext(
            ratings: ratings, users: (0..<ratings.userCount).map(Int32.init),
            popularity: world.silver.popularity, genres: world.silver.movies.genres,
            model: nil, threads: 1)
        let expected = ServingCandidate.itemKNN.recommender.lists(context, k: k)
        var similarityScored = 0
        for u in 0..<r.userCount {
            let list = try #require(r.servedRecommendations(userRow: u))
            let movies = Array(list.movies)
            let want = expected.movies[u * k..<(u + 1) * k].filter { $0 >= 0 }
            #expect(movies == Array(want), "user row \(u)")
            let rated = Set(ratings.userMovies[Int(ratings.userOffsets[u])..<Int(ratings.userOffsets[u + 1])])
            #expect(movies.allSatisfy { !rated.contains($0) })
            if expected.scores[u * k] > 0 { similarityScored += 1 }
        }
        #expect(similarityScored > 150, "most users' lists come from similarities, not the popularity fill")
        let meta = String(decoding: r.metadataJSON, as: UTF8.self)
        #expect(meta.contains(#""serving":{"baseline":false,"candidate":"item-knn","defaultMode":"item-knn"}"#), "\(meta)")
    }
}
