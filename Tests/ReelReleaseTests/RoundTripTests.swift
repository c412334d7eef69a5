import Foundation
import Testing
import ReelCore
import ReelSilver
import ReelModel
@testable import ReelRelease
@testable import ReelServing
import ReelTestSupport

/// Build a small release, read every lookup back through the mmap reader and
/// compare it with brute force computed here, independently of the builder.
@Suite struct RoundTripTests {
    @Test(arguments: [false, true])
    func everyLookupMatchesBruteForce(sparseIDs: Bool) throws {
        let world = TinyWorld.make(seed: sparseIDs ? 11 : 7, sparseIDs: sparseIDs)
        let dir = makeTempDir()
        let path = dir + "/r1.reel"
        try world.contents().write(to: path)
        let release = try Release(path: path)
        let expect = BruteForce(world: world, k: 8, similarK: 5, trendingK: 6)
        let ratings = world.silver.ratings

        #expect(release.releaseID == "r1")
        #expect(release.createdAt == 1_700_000_100)
        #expect(release.userCount == ratings.userCount && release.movieCount == ratings.movieCount)
        #expect(release.storedK == 8 && release.similarK == 5 && release.trendingK == 6 && release.rank == 4)
        #expect(release.silverFingerprint == world.silver.fingerprint && release.modelFingerprint == 0x1234)
        #expect((release.tables.movieIndex != nil) == !sparseIDs, "dense ids get a direct-address table")
        #expect((release.tables.userIndex != nil) == !sparseIDs)
        #expect(release.tables.genreCount == Genres.all.count)

        // Id → row, including ids that are absent, negative or extreme.
        for (row, id) in ratings.movieIDs.enumerated() { #expect(release.movieRow(forID: id) == row) }
        for (row, id) in ratings.userIDs.enumerated() { #expect(release.userRow(forID: id) == row) }
        for id: Int32 in [0, -1, 2, 4, 99, Int32.min, Int32.max, ratings.movieIDs.last! + 1, ratings.movieIDs.first! - 1] {
            #expect(release.movieRow(forID: id) == nil, "movie \(id)")
        }
        for id: Int32 in [0, -1, 9, 99, Int32.min, Int32.max, ratings.userIDs.last! + 1] {
            #expect(release.userRow(forID: id) == nil, "user \(id)")
        }

        // Movie metadata.
        let movies = world.silver.movies
        for row in 0..<movies.count {
            let m = release.movie(row: row)
            #expect(m.id == movies.ids[row] && m.titleString == movies.title(row) && m.year == movies.years[row])
            #expect(m.genres == movies.genres[row] && m.ratingCount == movies.ratingCounts[row] && m.ratingMean == movies.ratingMeans[row])
            #expect(release.hasFactors(movieRow: row) == !world.moviesWithoutFactors.contains(row))
        }
        #expect(release.movie(row: 3).titleString.hasPrefix("Amélie"))

        // UC1: top-K per user, seen movies excluded, users without factors empty.
        var nonEmpty = 0
        for u in 0..<ratings.userCount {
            let list = release.recommendations(userRow: u)
            let want = expect.recommendations(user: u)
            #expect(Array(list.movies) == want.map(\.movie), "user row \(u)")
            for (got, w) in zip(list.scores, want) { #expect(abs(got - w.score) <= 1e-4) }
            if world.usersWithoutFactors.contains(u) { #expect(list.count == 0) } else { nonEmpty += 1 }
        }
        #expect(nonEmpty > 0)

        // Similar movies by cosine, self excluded.
        for m in 0..<ratings.movieCount {
            let list = release.similar(movieRow: m)
            let want = expect.similar(movie: m)
            #expect(Array(list.movies) == want.map(\.movie), "movie row \(m)")
            for (got, w) in zip(list.scores, want) { #expect(abs(got - w.score) <= 1e-4) }
            #expect(!list.movies.contains(Int32(m)))
        }

        // UC2: trending per window, globally and per genre; normalised popularity.
        for window in TrendingWindow.allCases {
            for genre in [nil] + Array(0..<Genres.all.count) {
                let list = release.trending(window: window, genre: genre)
                let want = expect.trending(window: window.rawValue, genre: genre)
                #expect(Array(list.movies) == want.map(\.movie), "window \(window.label) genre \(String(describing: genre))")
                #expect(Array(list.scores) == want.map(\.score))
            }
            #expect(release.trending(window: window, genre: Genres.all.count).count == 0)
            #expect(release.trending(window: window, genre: -1).count == 0)
            for m in 0..<ratings.movieCount {
                #expect(abs(release.popularity(movieRow: m, window: window) - expect.popularity(movie: m, window: window.rawValue)) <= 1e-6)
            }
        }
        #expect(release.trending(window: .month, genre: nil).count == 6, "30 days of ratings fill the 30d list")

        // Factors round trip; meta is a JSON object with the documented keys.
        let f = world.factors
        for (fr, id) in f.movieIDs.enumerated() {
            guard let row = release.movieRow(forID: id) else { continue }
            #expect(Array(release.factors(movieRow: row)) == Array(f.movieFactors[fr * 4..<(fr + 1) * 4]))
        }
        let meta = try #require(try JSONSerialization.jsonObject(with: Data(release.metadataJSON)) as? [String: Any])
        #expect(meta["releaseID"] as? String == "r1")
        #expect(meta["silverVersion"] as? String == world.silver.versionID)
        #expect(meta["modelRun"] as? String == "run-1")
        #expect((meta["metrics"] as? [String: Any])?["ndcg@10"] as? Double == 0.25)
        let counts = try #require(meta["counts"] as? [String: Any])
        #expect(counts["usersWithRecommendations"] as? Int == nonEmpty)
        #expect(counts["moviesWithFactors"] as? Int == ratings.movieCount - world.moviesWithoutFactors.count)
        #expect(counts["factorUsersNotInSilver"] as? Int == 1)
    }

    @Test func sameInputsGiveTheSameBytes() throws {
        let world = TinyWorld.make()
        let dir = makeTempDir()
        try world.contents().write(to: dir + "/a.reel")
        try world.contents().write(to: dir + "/b.reel")
        #expect(try FileSystem.readBytes(dir + "/a.reel") == FileSystem.readBytes(dir + "/b.reel"))
    }

    @Test func builderRefusesBadInputWithClearErrors() throws {
        var world = TinyWorld.make()
        #expect(errorMessage { _ = try world.contents(id: "../escape") }.contains("release id"))
        #expect(errorMessage { _ = try world.contents(k: 0) }.contains("--k"))
        world.factors.movieFactors[0] = .nan
        #expect(errorMessage { _ = try world.contents() }.contains("non-finite"))
        world = TinyWorld.make()
        world.factors.movieIDs[1] = world.factors.movieIDs[0]
        #expect(errorMessage { _ = try world.contents() }.contains("appears twice"))
        world = TinyWorld.make()
        var pop = world.silver.popularity
        pop.scores.removeLast()
        world.silver = SilverSnapshot(
            versionID: "v", fingerprint: 1, ratings: world.silver.ratings,
            movies: world.silver.movies, popularity: pop)
        #expect(errorMessage { _ = try world.contents() }.contains("popularity"))
    }
}

/// The expected lists, straight from the definitions.
struct BruteForce {
    let world: TinyWorld
    let k: Int, similarK: Int, trendingK: Int

    typealias Entry = (movie: Int32, score: Float)

    func factorRow(movieID: Int32) -> Int? { world.factors.movieIDs.firstIndex(of: movieID) }

    func movieVector(_ m: Int) -> [Float]? {
        let rank = world.factors.rank
        return factorRow(movieID: world.silver.ratings.movieIDs[m]).map { Array(world.factors.movieFactors[$0 * rank..<($0 + 1) * rank]) }
    }

    func best(_ all: [Entry], _ n: Int) -> [Entry] {
        Array(all.sorted { $0.score != $1.score ? $0.score > $1.score : $0.movie < $1.movie }.prefix(n))
    }

    func recommendations(user u: Int) -> [Entry] {
        let r = world.silver.ratings, rank = world.factors.rank
        guard let fu = world.factors.userIDs.firstIndex(of: r.userIDs[u]) else { return [] }
        let q = Array(world.factors.userFactors[fu * rank..<(fu + 1) * rank])
        let seen = Set(r.userMovies[Int(r.userOffsets[u])..<Int(r.userOffsets[u + 1])])
        var all: [Entry] = []
        for m in 0..<r.movieCount where !seen.contains(Int32(m)) {
            guard let v = movieVector(m) else { continue }
            var s: Float = 0
            for d in 0..<rank { s += q[d] * v[d] }
            all.append((Int32(m), s))
        }
        return best(all, k)
    }

    func unit(_ v: [Float]) -> [Float] {
        let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return n > 0 ? v.map { $0 / n } : v
    }

    func similar(movie m: Int) -> [Entry] {
        guard let a = movieVector(m).map(unit) else { return [] }
        var all: [Entry] = []
        for o in 0..<world.silver.ratings.movieCount where o != m {
            guard let b = movieVector(o).map(unit) else { continue }
            var s: Float = 0
            for d in 0..<a.count { s += a[d] * b[d] }
            all.append((Int32(o), s))
        }
        return best(all, similarK)
    }

    func trending(window w: Int, genre: Int?) -> [Entry] {
        let n = world.silver.ratings.movieCount
        var all: [Entry] = []
        for m in 0..<n {
            let s = world.silver.popularity.scores[w * n + m]
            if s > 0, genre.map({ world.silver.movies.genres[m] & (1 << UInt32($0)) != 0 }) ?? true { all.append((Int32(m), s)) }
        }
        return best(all, trendingK)
    }

    func popularity(movie m: Int, window w: Int) -> Float {
        let n = world.silver.ratings.movieCount
        let scores = world.silver.popularity.scores[w * n..<(w + 1) * n]
        let top = scores.max() ?? 0
        return top > 0 ? world.silver.popularity.scores[w * n + m] / top : 0
    }
}
