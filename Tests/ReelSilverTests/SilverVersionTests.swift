import Testing
import ReelCore
import ReelTestSupport
@testable import ReelSilver

/// The silver contract without the ETL: a dataset built in memory, written
/// as a version and read back, equals what went in; the plain matrices
/// share the CSR arrays and the user-major one transposes to the movie-major one.
@Suite struct SilverVersionTests {
    static func dataset() -> SilverDataset {
        var rng = SplitMix64(seed: 11)
        let movieIDs: [Int32] = [4, 9, 15, 22, 31, 40]
        var users: [Int32] = [], movies: [Int32] = [], stars: [Float] = [], times: [Int64] = []
        for _ in 0..<120 {
            users.append(Int32(1 + rng.next() % 25))
            movies.append(movieIDs[Int(rng.next() % UInt64(movieIDs.count))])
            stars.append(Float(1 + rng.next() % 10) / 2)
            times.append(1_600_000_000 + Int64(rng.next() % 1_000_000))
        }
        let ratings = SilverRatings.build(userIDs: users, movieIDs: movies, ratings: stars, times: times, allMovieIDs: movieIDs)
        var titleOffsets: [UInt32] = [0], titleBytes: [UInt8] = []
        for id in movieIDs { titleBytes += Array("Movie \(id)".utf8); titleOffsets.append(UInt32(titleBytes.count)) }
        let n = movieIDs.count
        let movieSilver = SilverMovies(
            ids: movieIDs, titleOffsets: titleOffsets, titleBytes: titleBytes,
            years: [Int16](repeating: 1999, count: n), genres: [UInt32](repeating: 1, count: n),
            ratingCounts: [Int32](repeating: 0, count: n), ratingMeans: [Float](repeating: 0, count: n))
        var popularity = PopularityAccumulator(movieCount: n, endTime: times.max()!)
        for m in 0..<ratings.movieCount {
            for j in Int(ratings.movieOffsets[m])..<Int(ratings.movieOffsets[m + 1]) {
                popularity.add(movie: m, time: ratings.movieTimes[j], weight: 1)
            }
        }
        return SilverDataset(
            ratings: ratings, movies: movieSilver, links: .none(movieCount: n), tags: .empty(movieCount: n),
            popularity: popularity.result)
    }

    @Test func aWrittenVersionReadsBackAsWritten() throws {
        let d = Self.dataset()
        let dir = makeTempDir()
        let version = Path.join(dir, "v1")
        let manifest = try SilverWriter.write(d, to: version)
        let read = try SilverSnapshot.open(versionDirectory: version)
        #expect(read.versionID == "v1")
        #expect(read.ratings.byUser == d.ratings.byUser && read.ratings.byMovie == d.ratings.byMovie)
        #expect(read.ratings.userIDs == d.ratings.userIDs && read.ratings.userTimes == d.ratings.userTimes)
        #expect(read.movies.ids == d.movies.ids && read.movies.title(2) == "Movie 15")
        #expect(read.popularity.scores == d.popularity.scores && read.popularity.endTime == d.popularity.endTime)
        #expect(manifest.counts.ratings == d.ratings.ratingCount)
        // The fingerprint is the manifest's xxh3: same data, same fingerprint.
        let again = Path.join(dir, "v2")
        try SilverWriter.write(d, to: again)
        #expect(try SilverSnapshot.open(versionDirectory: again).fingerprint == read.fingerprint)
    }

    @Test func aChangedByteIsCaughtAgainstTheManifest() throws {
        let dir = makeTempDir()
        try SilverWriter.write(Self.dataset(), to: dir)
        let path = Path.join(dir, SilverFormat.ratingsByUserFile)
        var bytes = try FileSystem.readBytes(path)
        bytes[bytes.count / 2] ^= 1
        try FileSystem.writeAtomically(path, bytes: bytes)
        #expect { _ = try SilverSnapshot.open(versionDirectory: dir) } throws: { ($0 as? ReelError)?.kind == .corrupt }
    }

    @Test func theUserMajorMatrixTransposesToTheMovieMajorOne() {
        let r = Self.dataset().ratings
        #expect(r.byUser.problem() == nil && r.byMovie.problem() == nil)
        #expect(r.byUser.rowCount == r.userCount && r.byUser.columnCount == r.movieCount)
        #expect(r.byUser.transposed() == r.byMovie)
        #expect(r.byMovie.transposed() == r.byUser)
    }

    @Test func problemsNameWhatIsWrong() {
        let ok = CSRMatrix(offsets: [0, 2, 3], indices: [0, 2, 1], values: [1, 2, 3], columnCount: 3)
        #expect(ok.problem() == nil)
        var bad = ok
        bad.indices[1] = 3
        #expect(bad.problem()?.contains("column 3") == true)
        bad = ok
        bad.offsets = [0, 3, 2]
        #expect(bad.problem() != nil)
        bad = ok
        bad.values.removeLast()
        #expect(bad.problem()?.contains("values") == true)
    }
}
