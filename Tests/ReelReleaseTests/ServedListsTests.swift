import Foundation
import ReelCore
import ReelSilver
import ReelModel
@testable import ReelRelease
import Testing
@testable import ReelServing
import ReelTestSupport

/// A release that serves a baseline: every user's list from the served
/// candidate, rated movies excluded, in the candidate's own order.
@Suite struct ServedListsTests {
    let world = TinyWorld.make(seed: 33, users: 40, movies: 30)

    func written(_ contents: ReleaseContents) throws -> Release {
        let path = Path.join(makeTempDir(), "r.reel")
        try contents.write(to: path)
        return try Release(path: path)
    }

    @Test(arguments: [ServingCandidate.trending(.month), .popular])
    func baselineListsExcludeRatedMoviesAndFollowTheRanking(candidate: ServingCandidate) throws {
        let r = try written(world.contents(k: 8, served: candidate))
        #expect(r.servedName == candidate.name && r.blend == nil)
        let ratings = world.silver.ratings
        // The candidate's global order: score, then all-time count, then row.
        func key(_ m: Int) -> (Float, Int64) {
            let count = ratings.movieOffsets[m + 1] - ratings.movieOffsets[m]
            if case .trending(let w) = candidate { return (r.popularity(movieRow: m, window: w), count) }
            return (Float(count), count)
        }
        var checked = 0
        for u in 0..<r.userCount {
            let list = try #require(r.servedRecommendations(userRow: u))
            let rated = Set(ratings.userMovies[Int(ratings.userOffsets[u])..<Int(ratings.userOffsets[u + 1])])
            let movies = Array(list.movies)
            #expect(movies.allSatisfy { !rated.contains($0) }, "user row \(u) is served a movie they rated")
            #expect(Set(movies).count == movies.count)
            for (a, b) in zip(movies, movies.dropFirst()) {
                let x = key(Int(a)), y = key(Int(b))
                #expect(x.0 > y.0 || (x.0 == y.0 && (x.1 > y.1 || (x.1 == y.1 && a < b))), "user row \(u): \(a) before \(b)")
            }
            // Unrated movies ranked above the list's last entry are all in it.
            if let last = movies.last, movies.count == r.storedK {
                let better = (0..<ratings.movieCount).filter { m in
                    ratings.movieOffsets[m + 1] > ratings.movieOffsets[m] && !rated.contains(Int32(m)) && key(m) > key(Int(last))
                }
                #expect(better.allSatisfy { movies.contains(Int32($0)) })
            }
            checked += movies.isEmpty ? 0 : 1
        }
        #expect(checked > 30)
        let meta = String(decoding: r.metadataJSON, as: UTF8.self)
        #expect(meta.contains(#""serving":{"baseline":true,"candidate":"\#(candidate.label)","defaultMode":"\#(candidate.name)"}"#), "\(meta)")
    }

    @Test func theModelsOrderStoresNoServedLists() throws {
        let r = try written(world.contents(served: .model))
        #expect(r.servedName == nil && r.servedRecommendations(userRow: 0) == nil)
        #expect(!r.sections.contains { $0.name == ReleaseFormat.Section.served })
    }

    @Test func partialOrBadServedSectionsAreRefused() throws {
        typealias S = ReleaseFormat.Section
        let contents = try world.contents(served: .trending(.week))
        let dropped = contents.encodedSections().filter { $0.name != S.userServedScores }
        let path = Path.join(makeTempDir(), "partial.reel")
        try ReleaseContents.write(sections: dropped, header: contents.header(), to: path)
        #expect(throws: ReelError.self) { try Release(path: path) }
        let renamed = contents.encodedSections().map {
            $0.name == S.served ? ReleaseContents.EncodedSection(S.served, Array("Trending 7d".utf8)) : $0
        }
        let bad = Path.join(makeTempDir(), "bad.reel")
        try ReleaseContents.write(sections: renamed, header: contents.header(), to: bad)
        #expect(throws: ReelError.self) { try Release(path: bad) }
    }
}
