import ReelCore
import ReelSilver
import ReelModel
@testable import ReelRelease
import ReelTestSupport
#if canImport(Glibc)
import Glibc
@testable import ReelServing
#endif

/// A tiny, seeded world to build releases from: silver ratings, movies and
/// popularity plus model factors that deliberately disagree with silver at
/// the edges (users and movies without factors, factor rows silver does not
/// know, factor rows in a different order).
struct TinyWorld {
    var silver: SilverSnapshot
    var factors: ModelFactors
    /// Silver rows that have no factors.
    var usersWithoutFactors: Set<Int>
    var moviesWithoutFactors: Set<Int>

    static func make(seed: UInt64 = 7, users: Int = 24, movies: Int = 30, rank: Int = 4, sparseIDs: Bool = false) -> TinyWorld {
        var rng = SplitMix64(seed: seed)
        let movieIDs: [Int32] = (0..<movies).map { (i: Int) -> Int32 in Int32(sparseIDs ? 2_000_000 + i * 100_003 : 1 + 2 * i) }
        let userIDs: [Int32] = (0..<users).map { (i: Int) -> Int32 in Int32(sparseIDs ? 5_000_000 + i * 77_777 : 10 + i) }

        // Movies: titles (one non-ASCII), years, genre masks (some empty).
        var titleOffsets: [UInt32] = [0]
        var titleBytes: [UInt8] = []
        for (row, id) in movieIDs.enumerated() {
            let title = row == 3 ? "Amélie \(id)" : "Movie \(id)"
            titleBytes += Array(title.utf8)
            titleOffsets.append(UInt32(titleBytes.count))
        }
        let years = (0..<movies).map { $0 % 5 == 0 ? Int16(0) : Int16(1950 + Int($0) * 2) }
        let genres = (0..<movies).map { row -> UInt32 in
            row % 7 == 0 ? 0 : UInt32(truncatingIfNeeded: rng.next()) & ((1 << 19) - 1) & UInt32(truncatingIfNeeded: rng.next())
        }

        // Ratings: each user rates 3–10 movies over 40 days; the last movie is never rated.
        let end: Int64 = 1_700_000_000
        var ru: [Int32] = [], rm: [Int32] = [], rr: [Float] = [], rt: [Int64] = []
        for id in userIDs {
            let n = 3 + Int(rng.next() % 8)
            for _ in 0..<n {
                ru.append(id)
                rm.append(movieIDs[Int(rng.next() % UInt64(movies - 1))])
                rr.append(Float(1 + rng.next() % 10) / 2)
                rt.append(end - Int64(rng.next() % (40 * 86_400)))
            }
        }
        rt[0] = end
        let ratings = SilverRatings.build(userIDs: ru, movieIDs: rm, ratings: rr, times: rt, allMovieIDs: movieIDs)
        var counts = [Int32](repeating: 0, count: movies), sums = [Float](repeating: 0, count: movies)
        var acc = PopularityAccumulator(movieCount: movies, endTime: end)
        for m in 0..<movies {
            for j in Int(ratings.movieOffsets[m])..<Int(ratings.movieOffsets[m + 1]) {
                counts[m] += 1
                sums[m] += ratings.movieRatings[j]
                acc.add(movie: m, time: ratings.movieTimes[j], weight: 1)
            }
        }
        let means = (0..<movies).map { counts[$0] > 0 ? sums[$0] / Float(counts[$0]) : 0 }
        let silverMovies = SilverMovies(
            ids: movieIDs, titleOffsets: titleOffsets, titleBytes: titleBytes, years: years,
            genres: genres, ratingCounts: counts, ratingMeans: means)
        let silver = SilverSnapshot(
            versionID: "silver-\(seed)", fingerprint: 0xABCD_0000 + seed, ratings: ratings,
            movies: silverMovies, popularity: acc.result)

        // Factors: two users and three movies missing, one unknown of each, reversed order.
        let usersWithout: Set<Int> = [1, users - 2]
        let moviesWithout: Set<Int> = [2, 5, movies - 3]
        var fu: [Int32] = [], fm: [Int32] = [], uf: [Float] = [], mf: [Float] = []
        for row in (0..<ratings.userCount).reversed() where !usersWithout.contains(row) {
            fu.append(ratings.userIDs[row])
            for _ in 0..<rank { uf.append(Float(rng.nextGaussian())) }
        }
        fu.append(99)
        for _ in 0..<rank { uf.append(1) }
        for row in (0..<movies).reversed() where !moviesWithout.contains(row) {
            fm.append(movieIDs[row])
            for _ in 0..<rank { mf.append(Float(rng.nextGaussian())) }
        }
        fm.append(4)
        for _ in 0..<rank { mf.append(100) }
        let factors = ModelFactors(
            rank: rank, userIDs: fu, movieIDs: fm, userFactors: uf, movieFactors: mf,
            metadataJSON: #"{"params":{"mode":"implicit","rank":\#(rank)},"metrics":{"ndcg@10":0.25,"precision@10":0.125}}"#)
        return TinyWorld(silver: silver, factors: factors, usersWithoutFactors: usersWithout, moviesWithoutFactors: moviesWithout)
    }

    func contents(
        id: String = "r1", createdAt: Int64 = 1_700_000_100, k: Int = 8, similarK: Int = 5, trendingK: Int = 6,
        blend: ServingBlend? = nil, served: ServingCandidate? = nil
    ) throws -> ReleaseContents {
        var options = ReleaseOptions(k: k, similarK: similarK, trendingK: trendingK, threads: 2, queryBlock: 7)
        options.blend = blend
        options.served = served
        return try ReleaseBuilder.build(
            silver: silver, factors: factors, options: options,
            metadata: ReleaseMetadata(
                releaseID: id, createdAt: createdAt, modelRun: "run-1",
                modelFingerprint: 0x1234))
    }
}

/// The message of the error `body` throws, or "" when it does not throw.
func errorMessage(_ body: () throws -> Void) -> String {
    do { try body(); return "" } catch let e as ReelError { return e.message } catch { return "\(error)" }
}

/// Writes a scratch file without fsync (hundreds of damaged copies per test).
func writeWithoutSync(_ path: String, _ bytes: [UInt8]) {
    let f = fopen(path, "wb")!
    _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
    fclose(f)
}
