import Foundation
import ReelCore
import ReelSilver
import ReelModel
@testable import ReelRelease
import Testing
@testable import ReelServing
import ReelTestSupport

/// The served blend: precomputed at publish, equal to the request-time re-rank.
@Suite struct BlendedReleaseTests {
    let world = TinyWorld.make(seed: 21, users: 40, movies: 30)
    let blend = ServingBlend(weights: HybridWeights(model: 0.7, trending: 0.3, diversity: 0.1), window: .month)

    func written(_ contents: ReleaseContents) throws -> Release {
        let path = Path.join(makeTempDir(), "r.reel")
        try contents.write(to: path)
        return try Release(path: path)
    }

    /// HybridRanker over the stored list with the release's own popularity: what the daemon computes per request.
    func rerank(_ r: Release, user: Int, k: Int, weights: HybridWeights, window: TrendingWindow) -> [(movie: Int32, score: Float)] {
        var out: [(movie: Int32, score: Float)] = []
        let list = r.recommendations(userRow: user)
        HybridRanker.rerank(
            candidates: list.movies, scores: list.scores, k: k, weights: weights,
            popularity: { r.popularity(movieRow: Int($0), window: window) },
            genres: { r.movie(row: Int($0)).genres }, output: &out)
        return out
    }

    @Test func blendedListsAreTheRequestTimeRerankForEveryK() throws {
        let r = try written(world.contents(blend: blend))
        #expect(r.blend == blend)
        var differs = false
        for u in 0..<r.userCount {
            let stored = try #require(r.blendedRecommendations(userRow: u))
            #expect(stored.count == r.recommendations(userRow: u).count)
            let full = rerank(r, user: u, k: r.storedK, weights: blend.weights, window: blend.window)
            #expect(Array(stored.movies) == full.map(\.movie) && Array(stored.scores) == full.map(\.score), "user row \(u)")
            // Greedy picks do not depend on k: every prefix is that k's re-rank.
            let three = rerank(r, user: u, k: 3, weights: blend.weights, window: blend.window)
            #expect(Array(stored.movies.prefix(3)) == three.map(\.movie), "user row \(u)")
            if Array(stored.movies) != Array(r.recommendations(userRow: u).movies) { differs = true }
        }
        #expect(differs, "the blend must change some order, or this test proves nothing")
        let meta = String(decoding: r.metadataJSON, as: UTF8.self)
        #expect(
            meta.contains(
                #""serving":{"blend":{"diversity":0.1,"model":0.7,"trending":0.3,"window":"30d"},"candidate":"hybrid 30d t=0.3 d=0.1","defaultMode":"hybrid"}"#
            ), "\(meta)")
    }

    @Test func noBlendOrTheModelsOwnOrderStoresNothing() throws {
        for option in [nil, ServingBlend(weights: HybridWeights(model: 1, trending: 0, diversity: 0), window: .week)] {
            let contents = try world.contents(blend: option)
            #expect(contents.blend.isEmpty && contents.userBlendMovies.isEmpty)
            let r = try written(contents)
            #expect(r.blend == nil && r.blendedRecommendations(userRow: 0) == nil)
            #expect(!r.sections.contains { $0.name == ReleaseFormat.Section.userBlendMovies })
            #expect(String(decoding: r.metadataJSON, as: UTF8.self).contains(#""serving":{"defaultMode":"implicit-als"}"#))
        }
    }

    @Test func partialOrBadBlendSectionsAreRefused() throws {
        typealias S = ReleaseFormat.Section
        let contents = try world.contents(blend: blend)
        let dir = makeTempDir()
        func refusal(_ sections: [ReleaseContents.EncodedSection]) -> String {
            let path = Path.join(dir, "bad-\(UInt32.random(in: 0...UInt32.max)).reel")
            return errorMessage {
                try ReleaseContents.write(sections: sections, header: contents.header(), to: path)
                _ = try Release(path: path)
            }
        }
        let partial = contents.encodedSections().filter { $0.name != S.userBlendScores }
        #expect(refusal(partial).contains("come together"))
        for bad: [Float] in [[0.7, 0.3, 0.1, 5], [0.7, 0.3, 0.1, 1.5], [-1, 0.3, 0.1, 1], [0, 0, 0.1, 1], [.nan, 0.3, 0.1, 1]] {
            let sections = contents.encodedSections().map { $0.name == S.blend ? ReleaseContents.EncodedSection(S.blend, bad) : $0 }
            #expect(refusal(sections).contains("section 'blend'"), "\(bad)")
        }
        var outOfRange = contents
        outOfRange.userBlendMovies[0] = Int32(outOfRange.movieCount)
        #expect(refusal(outOfRange.encodedSections()).contains(S.userBlendMovies))
    }
}
