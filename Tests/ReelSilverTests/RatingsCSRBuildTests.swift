import Testing
import ReelCore
@testable import ReelSilver

/// `SilverRatings.build` against a slow, obviously correct reference: sort
/// all rows by (user, movie, time, position), keep the last of each pair.
@Suite struct RatingsCSRBuildTests {
    struct Row: Equatable { var user: Int32, movie: Int32, rating: Float, time: Int64 }

    static func reference(_ rows: [Row], allMovieIDs: [Int32]) -> SilverRatings {
        let movies = Array(Set(allMovieIDs)).sorted()
        let order = rows.indices.filter { movies.contains(rows[$0].movie) }.sorted { a, b in
            let x = rows[a], y = rows[b]
            return (x.user, x.movie, x.time, a) < (y.user, y.movie, y.time, b)
        }
        var kept: [Row] = []
        for i in order {
            if let last = kept.last, last.user == rows[i].user, last.movie == rows[i].movie { kept.removeLast() }
            kept.append(rows[i])
        }
        let users = Array(Set(kept.map(\.user))).sorted()
        var userOffsets: [Int64] = [0]
        for u in users { userOffsets.append(userOffsets.last! + Int64(kept.filter { $0.user == u }.count)) }
        let movieRow = { (m: Int32) in Int32(movies.firstIndex(of: m)!) }
        var movieOffsets: [Int64] = [0], movieUsers: [Int32] = [], movieRatings: [Float] = [], movieTimes: [Int64] = []
        for m in movies {
            let theirs = kept.filter { $0.movie == m }  // already by user ascending
            movieUsers += theirs.map { Int32(users.firstIndex(of: $0.user)!) }
            movieRatings += theirs.map(\.rating)
            movieTimes += theirs.map(\.time)
            movieOffsets.append(Int64(movieUsers.count))
        }
        return SilverRatings(
            userIDs: users, movieIDs: movies, userOffsets: userOffsets,
            userMovies: kept.map { movieRow($0.movie) }, userRatings: kept.map(\.rating), userTimes: kept.map(\.time),
            movieOffsets: movieOffsets, movieUsers: movieUsers, movieRatings: movieRatings, movieTimes: movieTimes)
    }

    static func randomRows(seed: UInt64, count: Int, userIDs: [Int32], movieIDs: [Int32]) -> [Row] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            Row(
                user: userIDs[Int(rng.next() % UInt64(userIDs.count))], movie: movieIDs[Int(rng.next() % UInt64(movieIDs.count))],
                rating: Float(1 + rng.next() % 10) / 2, time: Int64(rng.next() % 5))  // few times: many ties
        }
    }

    func expectEqual(_ a: SilverRatings, _ b: SilverRatings, _ note: String) {
        #expect(a.userIDs == b.userIDs, "\(note) users")
        #expect(a.movieIDs == b.movieIDs, "\(note) movies")
        #expect(a.userOffsets == b.userOffsets && a.userMovies == b.userMovies, "\(note) user CSR")
        #expect(a.userRatings == b.userRatings && a.userTimes == b.userTimes, "\(note) user values")
        #expect(a.movieOffsets == b.movieOffsets && a.movieUsers == b.movieUsers, "\(note) movie CSR")
        #expect(a.movieRatings == b.movieRatings && a.movieTimes == b.movieTimes, "\(note) movie values")
    }

    func build(_ rows: [Row], allMovieIDs: [Int32], threads: Int) -> SilverRatings {
        SilverRatings.build(
            userIDs: rows.map(\.user), movieIDs: rows.map(\.movie), ratings: rows.map(\.rating),
            times: rows.map(\.time), allMovieIDs: allMovieIDs, threads: threads)
    }

    @Test func matchesTheReferenceWithDuplicatesTiesAndUnknownMovies() {
        let users: [Int32] = [5, 1, 9, 2, 40]
        let movies: [Int32] = [10, 20, 30, 40, 50, 60, 7]
        let all: [Int32] = [7, 10, 20, 30, 40, 50, 99, 10]  // 60 unknown (dropped), 99 never rated, 10 repeated
        for seed in 1...6 as ClosedRange<UInt64> {
            let rows = Self.randomRows(seed: seed, count: 300, userIDs: users, movieIDs: movies)
            let expected = Self.reference(rows, allMovieIDs: all)
            for threads in [1, 2, 3] { expectEqual(build(rows, allMovieIDs: all, threads: threads), expected, "seed \(seed) threads \(threads)") }
        }
    }

    /// Rows already grouped by user (ratings.csv's order), split into chunks
    /// inside a user: concatenated, not scattered, with the same result.
    @Test func rowsSortedByUserSkipTheScatterAndGiveTheSameLayout() {
        let movies: [Int32] = [3, 10, 20, 30, 40]
        let index = DenseIDIndex(sortedUniqueIDs: movies)
        let rows = Self.randomRows(seed: 7, count: 400, userIDs: [9, 2, 40, 5], movieIDs: movies)
        func chunks(_ rows: [Row], cuts: [Int]) -> [RatingColumns] {
            zip([0] + cuts, cuts + [rows.count]).map { range in
                var c = RatingColumns()
                for r in rows[range.0..<range.1] {
                    c.append(user: r.user, movieRow: index.row(of: Int64(r.movie)), rating: r.rating, time: r.time)
                }
                return c
            }
        }
        let sorted = rows.enumerated().sorted { ($0.element.user, $0.offset) < ($1.element.user, $1.offset) }.map(\.element)
        var grouped = chunks(sorted, cuts: [130, 131, 131])
        let byUser = RatingsCSRBuilder.userMajor(&grouped, threads: 2)
        let expected = Self.reference(sorted, allMovieIDs: movies)
        #expect(byUser.userIDs == expected.userIDs && byUser.offsets == expected.userOffsets)
        #expect(byUser.movies == expected.userMovies && byUser.ratings == expected.userRatings && byUser.times == expected.userTimes)
        #expect(byUser.deduplicated == sorted.count - expected.ratingCount)
        // Not grouped: nothing is consumed and the scatter takes over.
        var scattered = chunks(rows, cuts: [200])
        #expect(RatingsCSRBuilder.groupedByUser(&scattered) == nil)
        #expect(scattered.map(\.count) == [200, 200])
    }

    @Test func hugeSparseIDsUseTheFallbackAndGiveTheSameResult() {
        let users: [Int32] = [2_147_483_647, 3, 1_999_999_999]
        let movies: [Int32] = [2_000_000_000, 1, 123_456_789]
        let rows = Self.randomRows(seed: 9, count: 100, userIDs: users, movieIDs: movies)
        #expect(!DenseIDIndex.useDirect(maxID: 2_147_483_647, count: 3))
        expectEqual(build(rows, allMovieIDs: movies, threads: 2), Self.reference(rows, allMovieIDs: movies), "sparse")
    }

    @Test func newestWinsAndOnATieTheLaterRow() {
        let rows = [
            Row(user: 1, movie: 1, rating: 1, time: 10), Row(user: 1, movie: 1, rating: 2, time: 30),
            Row(user: 1, movie: 1, rating: 3, time: 20), Row(user: 2, movie: 1, rating: 4, time: 5),
            Row(user: 2, movie: 1, rating: 5, time: 5),
        ]
        let r = build(rows, allMovieIDs: [1], threads: 2)
        #expect(r.userRatings == [2, 5])
        #expect(r.movieRatings == [2, 5])
    }

    @Test func emptyInputGivesEmptyCSRWithEveryMovie() {
        let r = build([], allMovieIDs: [3, 1], threads: 2)
        #expect(r.userIDs.isEmpty && r.userOffsets == [0] && r.ratingCount == 0)
        #expect(r.movieIDs == [1, 3] && r.movieOffsets == [0, 0, 0])
    }

    @Test func denseIndexRankBitmapMatchesBinarySearchAcrossWords() {
        var rng = SplitMix64(seed: 21)
        for density in [2, 3, 64, 200] as [UInt64] {
            let ids = (0..<Int32(1000)).filter { _ in rng.next() % density == 0 }
            let index = DenseIDIndex(sortedUniqueIDs: ids)
            for id in -3..<Int64(1100) {
                let expected = ids.firstIndex(of: Int32(truncatingIfNeeded: id)).map { Int32($0) } ?? -1
                #expect(index.row(of: id) == (id >= 0 && id < 1000 ? expected : -1), "density \(density) id \(id)")
            }
        }
    }

    @Test func denseIndexFindsRowsAndMisses() {
        for ids in [[1, 5, 9] as [Int32], [0, 2_000_000_000, 2_147_483_647]] {
            let index = DenseIDIndex(sortedUniqueIDs: ids)
            for (row, id) in ids.enumerated() { #expect(index.row(of: Int64(id)) == Int32(row)) }
            for missing: Int64 in [-1, 4, 10, 2_147_483_646, 1 << 40] { #expect(index.row(of: missing) == -1) }
        }
    }
}
