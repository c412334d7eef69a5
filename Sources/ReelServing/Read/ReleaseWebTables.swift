import ReelCore

/// The title index of a release, viewed in place (sections 0x50–0x55).
public struct TitleIndexView: @unchecked Sendable {
    public let norm: UnsafeRawBufferPointer
    public let normOffsets: UnsafeBufferPointer<UInt32>
    public let tokens: UnsafeRawBufferPointer
    public let tokenOffsets: UnsafeBufferPointer<UInt32>
    public let postings: UnsafeBufferPointer<Int32>
    public let postingOffsets: UnsafeBufferPointer<UInt32>
    /// Movie rows by folded title, each row's position there, and rows most rated first.
    public let sorted: UnsafeBufferPointer<Int32>
    public let sortRank: UnsafeBufferPointer<UInt32>
    public let byPopularity: UnsafeBufferPointer<Int32>
    /// The release's `ratingCounts` (search ranks by them).
    public let ratingCounts: UnsafeBufferPointer<Int32>

    public var tokenCount: Int { tokenOffsets.count - 1 }

    /// The folded title of a movie row.
    @inline(__always)
    public func normalised(row: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: norm[Int(normOffsets[row])..<Int(normOffsets[row + 1])])
    }

    /// Token `t`'s bytes.
    @inline(__always)
    public func token(_ t: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: tokens[Int(tokenOffsets[t])..<Int(tokenOffsets[t + 1])])
    }
}

/// Each user's last N ratings, viewed in place (sections 0x56–0x58).
public struct UserRecentView: @unchecked Sendable {
    /// Ratings kept per user.
    public let n: Int
    public let movies: UnsafeBufferPointer<Int32>
    /// Half stars: rating × 2.
    public let halfStars: UnsafeBufferPointer<UInt8>
    public let times: UnsafeBufferPointer<UInt32>

    /// Where a user's recent ratings live (padding trimmed), newest first.
    public func range(userRow: Int) -> Range<Int> {
        let start = userRow * n
        var end = start
        while end < start + n && movies[end] >= 0 { end += 1 }
        return start..<end
    }
}

/// The optional web sections of an opened release, validated like the rest
/// (`ReleaseTables` builds it last): every offset in its heap, every movie
/// row in range, tokens strictly sorted, each group whole or absent.
public struct ReleaseWebTables: @unchecked Sendable {
    public let titleIndex: TitleIndexView?
    public let recent: UserRecentView?
    /// The evaluation report page; nil when the release carries none.
    public let reportHTML: UnsafeRawBufferPointer?

    static let none = ReleaseWebTables(titleIndex: nil, recent: nil, reportHTML: nil)

    private init(titleIndex: TitleIndexView?, recent: UserRecentView?, reportHTML: UnsafeRawBufferPointer?) {
        self.titleIndex = titleIndex
        self.recent = recent
        self.reportHTML = reportHTML
    }

    init(file: SectionFileReader, check: ReleaseCheck, ratingCounts: UnsafeBufferPointer<Int32>, userCount: Int) throws {
        typealias S = ReleaseFormat.Section
        let movieCount = ratingCounts.count
        titleIndex = try Self.titleIndex(file, check, ratingCounts: ratingCounts)
        recent = try Self.recent(file, check, movieCount: movieCount, userCount: userCount)
        reportHTML = file.has(S.reportHTML) ? try file.bytes(S.reportHTML) : nil
        if let reportHTML { try check.utf8(reportHTML, S.reportHTML) }
    }

    private static func group(_ file: SectionFileReader, _ check: ReleaseCheck, _ names: [String]) throws -> Bool {
        let present = names.map(file.has)
        if present.allSatisfy({ $0 }) { return true }
        if present.contains(true) {
            throw check.fail("sections \(names.map { "'\($0)'" }.joined(separator: ", ")) come together; this release has only some of them")
        }
        return false
    }

    private static func titleIndex(
        _ file: SectionFileReader, _ check: ReleaseCheck,
        ratingCounts: UnsafeBufferPointer<Int32>
    ) throws -> TitleIndexView? {
        typealias S = ReleaseFormat.Section
        let movieCount = ratingCounts.count
        guard
            try group(
                file, check,
                [
                    S.titleNorm, S.titleNormOffsets, S.titleTokens, S.titleTokenOffs,
                    S.titlePostings, S.titlePostingOffs, S.titleSorted, S.titleSortRank,
                    S.titleByPop,
                ])
        else { return nil }
        let norm = try file.bytes(S.titleNorm)
        let normOffsets: UnsafeBufferPointer<UInt32> = try check.array(file, S.titleNormOffsets, count: movieCount + 1)
        try bounded(normOffsets, heapSize: norm.count, S.titleNormOffsets, check)
        let tokens = try file.bytes(S.titleTokens)
        let tokenOffsets: UnsafeBufferPointer<UInt32> = try file.array(S.titleTokenOffs)
        guard tokenOffsets.count >= 1 else { throw check.fail("section '\(S.titleTokenOffs)' is empty") }
        try bounded(tokenOffsets, heapSize: tokens.count, S.titleTokenOffs, check)
        let postings: UnsafeBufferPointer<Int32> = try file.array(S.titlePostings)
        let postingOffsets: UnsafeBufferPointer<UInt32> = try check.array(file, S.titlePostingOffs, count: tokenOffsets.count)
        try bounded(postingOffsets, heapSize: postings.count, S.titlePostingOffs, check)
        let sorted: UnsafeBufferPointer<Int32> = try check.array(file, S.titleSorted, count: movieCount)
        let sortRank: UnsafeBufferPointer<UInt32> = try check.array(file, S.titleSortRank, count: movieCount)
        let byPopularity: UnsafeBufferPointer<Int32> = try check.array(file, S.titleByPop, count: movieCount)
        let view = TitleIndexView(
            norm: norm, normOffsets: normOffsets, tokens: tokens, tokenOffsets: tokenOffsets,
            postings: postings, postingOffsets: postingOffsets, sorted: sorted, sortRank: sortRank,
            byPopularity: byPopularity, ratingCounts: ratingCounts)
        if check.deep {
            // `sorted` and `sortRank` are inverse permutations of the rows; `byPopularity` is a permutation.
            for (i, row) in sorted.enumerated() {
                guard row >= 0, Int(row) < movieCount, sortRank[Int(row)] == UInt32(i) else {
                    throw check.fail("sections '\(S.titleSorted)' and '\(S.titleSortRank)' disagree at position \(i)")
                }
            }
            var seen = [Bool](repeating: false, count: movieCount)
            for (i, row) in byPopularity.enumerated() {
                guard row >= 0, Int(row) < movieCount, !seen[Int(row)] else {
                    throw check.fail("section '\(S.titleByPop)' is not a permutation of the movie rows (entry \(i))")
                }
                seen[Int(row)] = true
            }
        }
        if check.deep {
            let limit = Int32(truncatingIfNeeded: movieCount)
            if let bad = postings.firstIndex(where: { $0 < 0 || $0 >= limit }) {
                throw check.fail("section '\(S.titlePostings)' entry \(bad) holds movie row \(postings[bad]); the release has \(movieCount) movies")
            }
            for t in 1..<max(1, view.tokenCount) where !lessThan(view.token(t - 1), view.token(t)) {
                throw check.fail("section '\(S.titleTokens)' is not strictly sorted at token \(t)")
            }
        }
        return view
    }

    private static func recent(_ file: SectionFileReader, _ check: ReleaseCheck, movieCount: Int, userCount: Int) throws -> UserRecentView? {
        typealias S = ReleaseFormat.Section
        guard try group(file, check, [S.recentMovies, S.recentRatings, S.recentTimes]) else { return nil }
        let info = try file.info(S.recentMovies)
        guard userCount > 0, info.count % userCount == 0, info.count / userCount >= 1, info.count / userCount <= 10_000 else {
            throw check.fail("section '\(S.recentMovies)' holds \(info.count) entries, not 1 to 10000 per user for \(userCount) users")
        }
        let n = info.count / userCount
        let movies: UnsafeBufferPointer<Int32> = try check.array(file, S.recentMovies, count: userCount * n)
        try check.lists(movies, stride: n, movieCount: movieCount, S.recentMovies)
        let halfStars: UnsafeBufferPointer<UInt8> = try check.array(file, S.recentRatings, count: userCount * n)
        if check.deep, let bad = halfStars.firstIndex(where: { $0 > 10 }) {
            throw check.fail("section '\(S.recentRatings)' entry \(bad) is \(halfStars[bad]) half stars, above 10")
        }
        let times: UnsafeBufferPointer<UInt32> = try check.array(file, S.recentTimes, count: userCount * n)
        return UserRecentView(n: n, movies: movies, halfStars: halfStars, times: times)
    }

    /// Offsets that start at 0, never decrease and end at the heap size. Checked
    /// even on a stamped file: it is O(1) at the ends, and the scan is deep-only.
    private static func bounded(_ offsets: UnsafeBufferPointer<UInt32>, heapSize: Int, _ name: String, _ check: ReleaseCheck) throws {
        guard offsets.first == 0, Int(offsets.last ?? 0) == heapSize else {
            throw check.fail("section '\(name)' does not span its heap (0 ..< \(heapSize))")
        }
        try check.offsets(offsets, heapSize: heapSize, name)
    }

    /// Byte-wise lexicographic order.
    @inline(__always)
    static func lessThan(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let n = min(a.count, b.count)
        for i in 0..<n where a[i] != b[i] { return a[i] < b[i] }
        return a.count < b.count
    }
}
