import ReelCore
import ReelServing

/// Builds the title index sections (0x50–0x55) from the movie titles.
///
/// Each title is folded (`TitleFolding`, leading article moved back in front);
/// its distinct words become tokens. Tokens are sorted byte-wise, so every
/// token starting with a prefix is one contiguous run, and their posting
/// lists are laid out in token order, so the movies of a prefix are one
/// contiguous run of `titlePostings` too: a search never merges lists.
/// Within a token, movies are most rated first. Two orders of all movies
/// complete it: by folded title (exact and prefix matches are one run) and
/// by popularity (the order results are ranked in, so a search can stop early).
public enum TitleIndexBuilder {
    public static func build(
        titleOffsets: [UInt32], titles: [UInt8], ratingCounts: [Int32],
        into web: inout ReleaseWebContents
    ) {
        let movieCount = titleOffsets.count - 1
        var norm: [UInt8] = []
        norm.reserveCapacity(titles.count + movieCount * 4)
        var normOffsets: [UInt32] = [0]
        normOffsets.reserveCapacity(movieCount + 1)
        var tokenRows: [[UInt8]: [Int32]] = [:]
        for m in 0..<movieCount {
            let raw = String(decoding: titles[Int(titleOffsets[m])..<Int(titleOffsets[m + 1])], as: UTF8.self)
            let folded = TitleFolding.fold(TitleFolding.articleFirst(raw))
            norm += folded
            normOffsets.append(UInt32(norm.count))
            var seen = Set<ArraySlice<UInt8>>()
            for word in folded.split(separator: UInt8(ascii: " ")) where seen.insert(word).inserted {
                tokenRows[Array(word), default: []].append(Int32(m))
            }
        }
        let tokens = tokenRows.keys.sorted { a, b in a.lexicographicallyPrecedes(b) }
        var tokenHeap: [UInt8] = []
        var tokenOffsets: [UInt32] = [0]
        var postings: [Int32] = []
        var postingOffsets: [UInt32] = [0]
        tokenOffsets.reserveCapacity(tokens.count + 1)
        postingOffsets.reserveCapacity(tokens.count + 1)
        for token in tokens {
            tokenHeap += token
            tokenOffsets.append(UInt32(tokenHeap.count))
            let rows = tokenRows[token]!.sorted { a, b in
                let ca = ratingCounts[Int(a)], cb = ratingCounts[Int(b)]
                return ca != cb ? ca > cb : a < b
            }
            postings += rows
            postingOffsets.append(UInt32(postings.count))
        }
        web.titleNorm = norm
        web.titleNormOffsets = normOffsets
        web.titleTokens = tokenHeap
        web.titleTokenOffsets = tokenOffsets
        web.titlePostings = postings
        web.titlePostingOffsets = postingOffsets
        let sorted = (0..<movieCount).sorted { a, b in
            let ta = norm[Int(normOffsets[a])..<Int(normOffsets[a + 1])], tb = norm[Int(normOffsets[b])..<Int(normOffsets[b + 1])]
            return ta.elementsEqual(tb) ? a < b : ta.lexicographicallyPrecedes(tb)
        }
        var rank = [UInt32](repeating: 0, count: movieCount)
        for (i, row) in sorted.enumerated() { rank[row] = UInt32(i) }
        web.titleSorted = sorted.map { Int32($0) }
        web.titleSortRank = rank
        web.titleByPopularity = (0..<movieCount).sorted { a, b in
            ratingCounts[a] != ratingCounts[b] ? ratingCounts[a] > ratingCounts[b] : a < b
        }.map { Int32($0) }
    }
}

/// Builds the recent-ratings sections (0x56–0x58): each user's last `n`
/// ratings by time (newest first; ties by movie row), from silver's user-major CSR.
public enum RecentRatingsBuilder {
    public static func build(
        userOffsets: [Int64], userMovies: [Int32], userRatings: [Float], userTimes: [Int64],
        n: Int, into web: inout ReleaseWebContents
    ) {
        let userCount = userOffsets.count - 1
        guard n > 0, userCount > 0 else { return }
        var movies = [Int32](repeating: -1, count: userCount * n)
        var halfStars = [UInt8](repeating: 0, count: userCount * n)
        var times = [UInt32](repeating: 0, count: userCount * n)
        var order: [Int] = []
        for u in 0..<userCount {
            let lo = Int(userOffsets[u]), hi = Int(userOffsets[u + 1])
            order.removeAll(keepingCapacity: true)
            order.append(contentsOf: lo..<hi)
            order.sort { a, b in userTimes[a] != userTimes[b] ? userTimes[a] > userTimes[b] : userMovies[a] < userMovies[b] }
            for (j, i) in order.prefix(n).enumerated() {
                movies[u * n + j] = userMovies[i]
                halfStars[u * n + j] = UInt8(max(0, min(10, (userRatings[i] * 2).rounded())))
                times[u * n + j] = UInt32(clamping: max(0, userTimes[i]))
            }
        }
        web.recentN = n
        web.recentMovies = movies
        web.recentRatings = halfStars
        web.recentTimes = times
    }
}
