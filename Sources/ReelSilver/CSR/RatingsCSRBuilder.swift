import ReelCore

extension SilverRatings {
    /// Builds both CSR layouts from plain rating rows, so that tests and tools
    /// can make silver in memory exactly as `reel etl` does.
    ///
    /// Keeps every user with a rating (rows in ascending userId order), every
    /// movie in `allMovieIDs` (ascending, repeats ignored), and for a repeated
    /// (user, movie) the newest timestamp — on a tie the later row. Rows whose
    /// movie is not in `allMovieIDs` are dropped (the ETL rejects those as
    /// orphans before they get here).
    public static func build(
        userIDs: [Int32], movieIDs: [Int32], ratings: [Float], times: [Int64],
        allMovieIDs: [Int32], threads: Int = 2
    ) -> SilverRatings {
        precondition(
            userIDs.count == movieIDs.count && userIDs.count == ratings.count && userIDs.count == times.count,
            "rating columns of different lengths")
        var movieList = allMovieIDs.sorted()
        movieList.removeDuplicatesInSortedOrder()
        let index = DenseIDIndex(sortedUniqueIDs: movieList)
        var columns = RatingColumns()
        columns.reserve(userIDs.count)
        for i in userIDs.indices {
            let row = index.row(of: Int64(movieIDs[i]))
            if row >= 0 { columns.append(user: userIDs[i], movieRow: row, rating: ratings[i], time: times[i]) }
        }
        var chunks = [columns]
        return RatingsCSRBuilder.build(&chunks, movieIDs: movieList, threads: threads).ratings
    }
}

extension Array where Element: Equatable {
    /// Removes repeats from a sorted array, in place.
    mutating func removeDuplicatesInSortedOrder() {
        guard count > 1 else { return }
        var write = 1
        for read in 1..<count where self[read] != self[write - 1] {
            self[write] = self[read]
            write += 1
        }
        removeLast(count - write)
    }
}

/// Builds user-major and movie-major CSR from rating columns in file order,
/// without a hash map and without sorting 25M keys: counting sorts by user
/// and by movie (direct-address by id when ids are dense), a per-user sort by
/// movie only when a user's ratings are out of order, and dedupe of repeated
/// (user, movie) pairs in the same pass. Both cores share the per-user work
/// and the movie-major scatter.
package enum RatingsCSRBuilder {
    /// Both layouts. Consumes `chunks` (emptied as they are scattered, to free memory early).
    package static func build(_ chunks: inout [RatingColumns], movieIDs: [Int32], threads: Int)
        -> (ratings: SilverRatings, deduplicated: Int)
    {
        let byUser = userMajor(&chunks, threads: threads)
        let byMovie = movieMajor(byUser, movieCount: movieIDs.count, threads: threads)
        let ratings = SilverRatings(
            userIDs: byUser.userIDs, movieIDs: movieIDs,
            userOffsets: byUser.offsets, userMovies: byUser.movies, userRatings: byUser.ratings, userTimes: byUser.times,
            movieOffsets: byMovie.offsets, movieUsers: byMovie.users, movieRatings: byMovie.ratings, movieTimes: byMovie.times)
        return (ratings, byUser.deduplicated)
    }

    /// The user-major layout alone (the ETL writes it before building the
    /// movie-major one, so the two are never in memory with a copy of either).
    package static func userMajor(_ chunks: inout [RatingColumns], threads: Int) -> UserMajor {
        var byUser = groupedByUser(&chunks) ?? scatterByUser(&chunks, users: userIndex(chunks))
        byUser.deduplicated = sortAndDedupe(&byUser, threads: threads)
        return byUser
    }

    /// The common case, ratings.csv sorted by user: when user ids never
    /// decrease across the chunks, the counting sort would leave every row
    /// where it is, so the columns are only concatenated (into the first
    /// chunk's room, reserved for the whole file) and the offsets read off
    /// the runs of equal users. nil (nothing consumed) when a user id
    /// decreases somewhere.
    static func groupedByUser(_ chunks: inout [RatingColumns]) -> UserMajor? {
        guard !chunks.isEmpty else { return nil }
        var userIDs: [Int32] = []
        var offsets: [Int64] = [0]
        var base = 0
        for c in chunks {
            for k in c.runUsers.indices {
                let u = c.runUsers[k]
                // The same user again: a run continuing into the next chunk.
                if let last = userIDs.last {
                    if u == last { continue }
                    if u < last { return nil }
                    offsets.append(Int64(base + c.runStarts[k]))
                }
                userIDs.append(u)
            }
            base += c.count
        }
        if !userIDs.isEmpty { offsets.append(Int64(base)) }
        var all = chunks[0]
        chunks[0] = RatingColumns()
        all.dropRuns()
        // The times (half the bytes) are appended on a second thread. The box
        // holds the only reference to that array, so it grows in place.
        let times = ColumnBox(all.times)
        all.times = []
        let rest = chunks.dropFirst().map(\.times)
        let timesDone = JoinableThread { for t in rest { times.value.append(contentsOf: t) } }
        for k in 1..<chunks.count {
            let c = chunks[k]
            chunks[k] = RatingColumns()
            all.movieRows.append(contentsOf: c.movieRows)
            all.ratings.append(contentsOf: c.ratings)
        }
        timesDone.join()
        return UserMajor(
            userIDs: userIDs, offsets: offsets, movies: all.movieRows, ratings: all.ratings,
            times: times.take())
    }

    /// An array handed to one other thread, which mutates it in place.
    final class ColumnBox<T>: @unchecked Sendable {
        var value: [T]
        init(_ value: [T]) { self.value = value }

        /// The array, leaving the box empty (so it is not shared).
        func take() -> [T] {
            defer { value = [] }
            return value
        }
    }

    package struct UserMajor {
        /// Row → external userId, ascending.
        package var userIDs: [Int32]
        package var offsets: [Int64]
        package var movies: [Int32]
        package var ratings: [Float]
        package var times: [Int64]
        /// Ratings dropped as repeats of a (user, movie) pair.
        package var deduplicated = 0

        package var userCount: Int { userIDs.count }

        /// No ratings (what is left where a layout was handed on).
        package static var empty: UserMajor { UserMajor(userIDs: [], offsets: [0], movies: [], ratings: [], times: []) }
    }

    package struct MovieMajor {
        package var offsets: [Int64]
        package var users: [Int32]
        package var ratings: [Float]
        package var times: [Int64]
    }

    /// The distinct user ids, ascending, as an index.
    static func userIndex(_ chunks: [RatingColumns]) -> DenseIDIndex {
        var maxID: Int32 = 0, minID: Int32 = .max, total = 0
        for c in chunks {
            total += c.count
            for u in c.runUsers {
                maxID = max(maxID, u)
                minID = min(minID, u)
            }
        }
        var ids: [Int32] = []
        if total > 0, minID >= 0, DenseIDIndex.useDirect(maxID: Int64(maxID), count: total) {
            var seen = [Bool](repeating: false, count: Int(maxID) + 1)
            for c in chunks { for u in c.runUsers { seen[Int(u)] = true } }
            for (id, s) in seen.enumerated() where s { ids.append(Int32(id)) }
        } else {
            for c in chunks { ids.append(contentsOf: c.runUsers) }
            ids.sort()
            ids.removeDuplicatesInSortedOrder()
        }
        return DenseIDIndex(sortedUniqueIDs: ids)
    }

    /// Stable counting sort by user row: each user's ratings in file order.
    static func scatterByUser(_ chunks: inout [RatingColumns], users: DenseIDIndex) -> UserMajor {
        var offsets = [Int64](repeating: 0, count: users.count + 1)
        for c in chunks {
            for k in c.runUsers.indices { offsets[Int(users.row(of: Int64(c.runUsers[k]))) + 1] += Int64(c.run(k).count) }
        }
        for r in 0..<users.count { offsets[r + 1] += offsets[r] }
        let n = Int(offsets[users.count])
        var cursor = offsets
        var movies = [Int32](repeating: 0, count: n)
        var ratings = [Float](repeating: 0, count: n)
        var times = [Int64](repeating: 0, count: n)
        movies.withUnsafeMutableBufferPointer { m in
            ratings.withUnsafeMutableBufferPointer { r in
                times.withUnsafeMutableBufferPointer { t in
                    for k in chunks.indices {
                        let c = chunks[k]
                        chunks[k] = RatingColumns()
                        for run in c.runUsers.indices {
                            let row = Int(users.row(of: Int64(c.runUsers[run])))
                            for i in c.run(run) {
                                let at = Int(cursor[row])
                                cursor[row] = Int64(at + 1)
                                m[at] = c.movieRows[i]
                                r[at] = c.ratings[i]
                                t[at] = c.times[i]
                            }
                        }
                    }
                }
            }
        }
        return UserMajor(userIDs: users.ids, offsets: offsets, movies: movies, ratings: ratings, times: times)
    }

    /// Splits rows 0..<rowCount into `parts` ranges holding about equal numbers of ratings.
    static func balancedRanges(offsets: [Int64], parts: Int) -> [Range<Int>] {
        let rows = offsets.count - 1
        let total = offsets[rows]
        guard parts > 1, rows > 1, total > 0 else { return [0..<rows] }
        var cuts = [0]
        var row = 0
        for p in 1..<parts {
            let target = total * Int64(p) / Int64(parts)
            while row < rows && offsets[row] < target { row += 1 }
            if row > cuts.last! && row < rows { cuts.append(row) }
        }
        cuts.append(rows)
        return (0..<cuts.count - 1).map { cuts[$0]..<cuts[$0 + 1] }
    }

    /// Shared write access to the columns for threads that touch disjoint ranges.
    struct Columns: @unchecked Sendable {
        let movies: UnsafeMutableBufferPointer<Int32>
        let ratings: UnsafeMutableBufferPointer<Float>
        let times: UnsafeMutableBufferPointer<Int64>
    }

    /// Sorts each user's ratings by movie (stable) and keeps, per movie, the
    /// newest (on a tie the later line). Returns how many were dropped.
    static func sortAndDedupe(_ u: inout UserMajor, threads: Int) -> Int {
        let ranges = balancedRanges(offsets: u.offsets, parts: threads)
        let offsets = u.offsets
        let kept = ParallelSlots<[Int64]>(count: ranges.count)
        u.movies.withUnsafeMutableBufferPointer { m in
            u.ratings.withUnsafeMutableBufferPointer { r in
                u.times.withUnsafeMutableBufferPointer { t in
                    let columns = Columns(movies: m, ratings: r, times: t)
                    Parallel.onWorkers(ranges.count) { part in
                        kept[part] = sortAndDedupe(rows: ranges[part], offsets: offsets, columns)
                    }
                }
            }
        }
        // Close the gaps that dedupe left (rare: only when something was dropped).
        let keptCounts = kept.take().flatMap { $0 }
        let rows = offsets.count - 1
        var newOffsets = [Int64](repeating: 0, count: rows + 1)
        for row in 0..<rows { newOffsets[row + 1] = newOffsets[row] + keptCounts[row] }
        let dropped = Int(offsets[rows] - newOffsets[rows])
        guard dropped > 0 else { return 0 }
        for row in 0..<rows where newOffsets[row] != offsets[row] {
            let from = Int(offsets[row]), to = Int(newOffsets[row]), n = Int(keptCounts[row])
            for j in 0..<n {
                u.movies[to + j] = u.movies[from + j]
                u.ratings[to + j] = u.ratings[from + j]
                u.times[to + j] = u.times[from + j]
            }
        }
        let n = Int(newOffsets[rows])
        u.movies.removeLast(u.movies.count - n)
        u.ratings.removeLast(u.ratings.count - n)
        u.times.removeLast(u.times.count - n)
        u.offsets = newOffsets
        return dropped
    }

    /// One thread's users. Returns the kept count of each row, in order.
    static func sortAndDedupe(rows: Range<Int>, offsets: [Int64], _ c: Columns) -> [Int64] {
        var kept = [Int64](repeating: 0, count: rows.count)
        var keys: [UInt64] = []
        var movies: [Int32] = [], ratings: [Float] = [], times: [Int64] = []
        for row in rows {
            let s = Int(offsets[row]), e = Int(offsets[row + 1])
            var ascending = true
            var j = s + 1
            while j < e {
                if c.movies[j] <= c.movies[j - 1] { ascending = false; break }
                j += 1
            }
            if ascending { kept[row - rows.lowerBound] = Int64(e - s); continue }
            // Stable sort by movie: (movie, position) keys are unique.
            keys.removeAll(keepingCapacity: true)
            for j in s..<e { keys.append(UInt64(UInt32(bitPattern: c.movies[j])) << 32 | UInt64(j - s)) }
            keys.sort()
            movies.removeAll(keepingCapacity: true)
            ratings.removeAll(keepingCapacity: true)
            times.removeAll(keepingCapacity: true)
            for key in keys {
                let at = s + Int(key & 0xFFFF_FFFF)
                movies.append(c.movies[at])
                ratings.append(c.ratings[at])
                times.append(c.times[at])
            }
            // Keep the newest of each run of equal movies; `>=` lets the later line win a tie.
            var write = s
            var k = 0
            while k < movies.count {
                var best = k
                var next = k + 1
                while next < movies.count && movies[next] == movies[k] {
                    if times[next] >= times[best] { best = next }
                    next += 1
                }
                c.movies[write] = movies[best]
                c.ratings[write] = ratings[best]
                c.times[write] = times[best]
                write += 1
                k = next
            }
            kept[row - rows.lowerBound] = Int64(write - s)
        }
        return kept
    }

    /// Movie-major CSR by a counting sort over the user-major layout: walking
    /// users in ascending order keeps each movie's users ascending. Each
    /// thread scatters its own users into its own slice of every movie.
    package static func movieMajor(_ u: UserMajor, movieCount: Int, threads: Int) -> MovieMajor {
        let ranges = balancedRanges(offsets: u.offsets, parts: threads)
        let n = u.movies.count
        // Per-thread counts per movie.
        let counts = ParallelSlots<[Int64]>(count: ranges.count)
        let userOffsets = u.offsets
        let userMovies = u.movies
        Parallel.onWorkers(ranges.count) { part in
            var c = [Int64](repeating: 0, count: movieCount)
            let range = ranges[part]
            for j in Int(userOffsets[range.lowerBound])..<Int(userOffsets[range.upperBound]) { c[Int(userMovies[j])] += 1 }
            counts[part] = c
        }
        let perThread = counts.take()
        var offsets = [Int64](repeating: 0, count: movieCount + 1)
        var starts = [[Int64]](repeating: [], count: ranges.count)
        for part in starts.indices { starts[part].reserveCapacity(movieCount) }
        for m in 0..<movieCount {
            var at = offsets[m]
            for part in 0..<ranges.count {
                starts[part].append(at)
                at += perThread[part][m]
            }
            offsets[m + 1] = at
        }
        let userRatings = u.ratings, userTimes = u.times
        // Every slot is written exactly once by the scatter, so the outputs
        // start uninitialised (no zero-filling pass), in huge pages (the
        // scatter's writes land all over them).
        var users: [Int32] = [], ratings: [Float] = [], times: [Int64] = []
        users = .hugeUninitialized(count: n) { uu in
            ratings = .hugeUninitialized(count: n) { rr in
                times = .hugeUninitialized(count: n) { tt in
                    let out = MovieColumns(users: uu, ratings: rr, times: tt)
                    let startsByPart = starts
                    Parallel.onWorkers(ranges.count) { part in
                        var cursor = startsByPart[part]
                        for row in ranges[part] {
                            for j in Int(userOffsets[row])..<Int(userOffsets[row + 1]) {
                                let m = Int(userMovies[j])
                                let at = Int(cursor[m])
                                cursor[m] = Int64(at + 1)
                                out.users[at] = Int32(row)
                                out.ratings[at] = userRatings[j]
                                out.times[at] = userTimes[j]
                            }
                        }
                    }
                }
            }
        }
        return MovieMajor(offsets: offsets, users: users, ratings: ratings, times: times)
    }

    struct MovieColumns: @unchecked Sendable {
        let users: UnsafeMutableBufferPointer<Int32>
        let ratings: UnsafeMutableBufferPointer<Float>
        let times: UnsafeMutableBufferPointer<Int64>
    }
}
