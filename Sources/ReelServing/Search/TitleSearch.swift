/// How a title matched a search.
public enum TitleMatchKind: UInt8, Sendable, Equatable {
    /// The whole folded title equals the folded query.
    case exact = 0
    /// The folded title starts with the folded query.
    case prefix = 1
    /// Every query word is a word of the title (the last one may be a word's start).
    case word = 2

    public var label: StaticString {
        switch self {
        case .exact: return "exact"
        case .prefix: return "prefix"
        case .word: return "word"
        }
    }
}

/// One search result: a movie row and how it matched.
public struct TitleMatch: Sendable, Equatable {
    public var row: Int32
    public var kind: TitleMatchKind
}

/// Searches a release's title index (`TitleIndexView`) as a person types.
///
/// The query is folded like the titles (`TitleFolding`). Every word but the
/// last must be a whole word of the title; the last may be the start of one
/// (`star wa` finds *Star Wars*). The word with the fewest movies drives: its
/// movies are one contiguous run of the posting section (a prefix's too), and
/// each is checked for the other words in its folded title. Results: exact
/// titles first, then titles starting with the query, then the rest; within
/// each, the most rated first.
///
/// One searcher per connection: its scratch buffers are reused, so after the
/// first queries a search allocates nothing.
public struct TitleSearch {
    /// Folded queries longer than this are cut (bounds the work per request).
    public static let maxQueryBytes = 256
    /// The results of the last `search`, best first.
    public private(set) var results: [TitleMatch] = []
    private var query: [UInt8] = []
    private var words: [Range<Int>] = []
    private var keys: [UInt64] = []
    private var stamps: [UInt32] = []
    private var epoch: UInt32 = 0

    public init() {
        query.reserveCapacity(512)
        words.reserveCapacity(16)
        keys.reserveCapacity(128)
        results.reserveCapacity(128)
    }

    /// Finds at most `k` movies for the UTF-8 `text`; the answer is in `results`.
    ///
    /// 1. Exact and prefix matches: the titles starting with the query are one
    ///    run of `sorted` (two binary searches); the exact ones lead it. The run's
    ///    most rated are found by scanning it when it is short, else by walking all
    ///    movies most rated first until `k` of them fall inside it.
    /// 2. Word matches, only if fewer than `k` so far: the movies of the query word
    ///    with the fewest postings (one contiguous run, most rated first within a
    ///    token), each checked for the other words; a long run is replaced by the
    ///    walk in popularity order, which can stop at the `k`-th match.
    /// Either way a search looks at about √(k·movies) movies at most on typical
    /// data instead of every posting of a common prefix.
    public mutating func search(_ text: UnsafeRawBufferPointer, k: Int, index: TitleIndexView) {
        let ratingCounts = index.ratingCounts
        let movieCount = ratingCounts.count
        guard prepare(text, k: k), movieCount > 0 else { return }
        // Local references (no copy): the closure below mutates `self`.
        let folded = query, words = self.words
        let budget = Self.scanBudget(k: k, movieCount: movieCount)
        folded.withUnsafeBytes { q in
            // 1. Titles starting with the query: sorted[lo ..< hi]; the exact ones first.
            let (lo, hi) = Self.prefixRun(q, index)
            var exactEnd = lo
            while exactEnd < hi && index.normalised(row: Int(index.sorted[exactEnd])).count == q.count {
                let row = index.sorted[exactEnd]
                insert(Self.key(0, ratingCounts[Int(row)], row), k: k)
                exactEnd += 1
            }
            if hi - exactEnd <= budget {
                for i in exactEnd..<hi {
                    let row = index.sorted[i]
                    insert(Self.key(1, ratingCounts[Int(row)], row), k: k)
                }
            } else {
                var found = 0
                for row in index.byPopularity where found < k {
                    let r = Int(index.sortRank[Int(row)])
                    if r >= exactEnd && r < hi { insert(Self.key(1, ratingCounts[Int(row)], row), k: k); found += 1 }
                }
            }
            guard keys.count < k else { return }
            // 2. Word matches outside that run. The driver: the word whose postings are fewest.
            var driver = -1
            var driverRun = 0..<0
            var driverTokens = 0
            for (w, range) in words.enumerated() {
                let word = UnsafeRawBufferPointer(rebasing: q[range])
                let tokens = Self.tokenRange(word, prefix: w == words.count - 1, index)
                let run = Int(index.postingOffsets[tokens.lowerBound])..<Int(index.postingOffsets[tokens.upperBound])
                if run.isEmpty { return }
                if driver < 0 || run.count < driverRun.count { driver = w; driverRun = run; driverTokens = tokens.count }
            }
            let wanted = k - keys.count
            var found = 0
            if driverTokens == 1 || driverRun.count <= budget {
                // One token's postings are most rated first: the first `wanted` matches are the best.
                let ordered = driverTokens == 1
                if !ordered { nextEpoch(movieCount: movieCount) }
                for p in driverRun {
                    if ordered && found == wanted { break }
                    let row = index.postings[p]
                    if !ordered {
                        if stamps[Int(row)] == epoch { continue }
                        stamps[Int(row)] = epoch
                    }
                    let r = Int(index.sortRank[Int(row)])
                    if r >= lo && r < hi { continue }
                    if Self.match(index.normalised(row: Int(row)), q, words, skipping: driver) != nil {
                        insert(Self.key(2, ratingCounts[Int(row)], row), k: k)
                        found += 1
                    }
                }
            } else {
                for row in index.byPopularity where found < wanted {
                    let r = Int(index.sortRank[Int(row)])
                    if r >= lo && r < hi { continue }
                    if Self.match(index.normalised(row: Int(row)), q, words, skipping: -1) != nil {
                        insert(Self.key(2, ratingCounts[Int(row)], row), k: k)
                        found += 1
                    }
                }
            }
        }
        finish()
    }

    /// Candidates worth scanning in place before walking the popularity order instead: √(k·movies).
    static func scanBudget(k: Int, movieCount: Int) -> Int {
        var b = 1
        while b * b < k * movieCount { b += b }
        return max(64, b)
    }

    /// `lo ..< hi` in `index.sorted`: the titles starting with the folded query `q`.
    static func prefixRun(_ q: UnsafeRawBufferPointer, _ index: TitleIndexView) -> (Int, Int) {
        var lo = 0, hi = index.sorted.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if ReleaseWebTables.lessThan(index.normalised(row: Int(index.sorted[mid])), q) { lo = mid + 1 } else { hi = mid }
        }
        let first = lo
        hi = index.sorted.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if hasPrefix(index.normalised(row: Int(index.sorted[mid])), q) { lo = mid + 1 } else { hi = mid }
        }
        return (first, lo)
    }

    /// The same search without an index (a release from before format 1.1, or a
    /// small test store): folds every title, O(movies) per query.
    public mutating func scan(
        _ text: UnsafeRawBufferPointer, k: Int, movieCount: Int,
        title: (Int) -> UnsafeRawBufferPointer, ratingCount: (Int) -> Int32
    ) {
        guard prepare(text, k: k) else { return }
        let folded = query, words = self.words
        var scratch: [UInt8] = []
        folded.withUnsafeBytes { q in
            for row in 0..<movieCount {
                scratch.removeAll(keepingCapacity: true)
                TitleFolding.fold(title(row), into: &scratch)
                if let tier = scratch.withUnsafeBytes({ Self.match($0, q, words, skipping: -1) }) {
                    insert(Self.key(tier, ratingCount(row), Int32(row)), k: k)
                }
            }
        }
        finish()
    }

    /// Clears the last answer and folds `text` into `query` and `words`; false when there is nothing to search.
    private mutating func prepare(_ text: UnsafeRawBufferPointer, k: Int) -> Bool {
        results.removeAll(keepingCapacity: true)
        keys.removeAll(keepingCapacity: true)
        query.removeAll(keepingCapacity: true)
        words.removeAll(keepingCapacity: true)
        guard k > 0 else { return false }
        TitleFolding.fold(text, into: &query)
        if query.count > Self.maxQueryBytes {
            query.removeLast(query.count - Self.maxQueryBytes)
            while query.last == UInt8(ascii: " ") { query.removeLast() }
        }
        var start = 0
        for i in 0...query.count where i == query.count || query[i] == UInt8(ascii: " ") {
            if i > start { words.append(start..<i) }
            start = i + 1
        }
        return !words.isEmpty
    }

    private mutating func finish() {
        for key in keys {
            results.append(
                TitleMatch(
                    row: Int32(truncatingIfNeeded: key & 0x7FFF_FFFF),
                    kind: TitleMatchKind(rawValue: UInt8(key >> 62)) ?? .word))
        }
    }

    /// The match tier (0 exact, 1 prefix, 2 words) of a folded title holding every
    /// query word but `skipping` (already known to be there); nil when one is missing.
    @inline(__always)
    static func match(
        _ title: UnsafeRawBufferPointer, _ q: UnsafeRawBufferPointer, _ words: [Range<Int>],
        skipping: Int
    ) -> UInt64? {
        for (w, range) in words.enumerated() where w != skipping {
            if !contains(title, word: UnsafeRawBufferPointer(rebasing: q[range]), prefix: w == words.count - 1) {
                return nil
            }
        }
        return hasPrefix(title, q) ? (title.count == q.count ? 0 : 1) : 2
    }

    /// Sort key: tier, then most rated, then row (smaller is better).
    @inline(__always)
    static func key(_ tier: UInt64, _ ratingCount: Int32, _ row: Int32) -> UInt64 {
        tier << 62 | UInt64(0x7FFF_FFFF - max(0, ratingCount)) << 31 | UInt64(UInt32(bitPattern: row) & 0x7FFF_FFFF)
    }

    /// Keeps the `k` smallest keys, sorted.
    @inline(__always)
    private mutating func insert(_ key: UInt64, k: Int) {
        if keys.count == k {
            guard key < keys[k - 1] else { return }
            keys.removeLast()
        }
        var i = keys.count
        keys.append(key)
        while i > 0 && keys[i - 1] > key {
            keys[i] = keys[i - 1]
            i -= 1
        }
        keys[i] = key
    }

    private mutating func nextEpoch(movieCount: Int) {
        if stamps.count != movieCount { stamps = [UInt32](repeating: 0, count: movieCount); epoch = 0 }
        if epoch == UInt32.max {
            for i in stamps.indices { stamps[i] = 0 }
            epoch = 0
        }
        epoch += 1
    }

    /// The tokens equal to `word`, or (prefix) starting with it: a contiguous run.
    static func tokenRange(_ word: UnsafeRawBufferPointer, prefix: Bool, _ index: TitleIndexView) -> Range<Int> {
        // First token >= word.
        var lo = 0, hi = index.tokenCount
        while lo < hi {
            let mid = (lo + hi) >> 1
            if ReleaseWebTables.lessThan(index.token(mid), word) { lo = mid + 1 } else { hi = mid }
        }
        let first = lo
        if !prefix {
            return first < index.tokenCount && equal(index.token(first), word) ? first..<first + 1 : first..<first
        }
        // First token after `first` that does not start with word.
        hi = index.tokenCount
        while lo < hi {
            let mid = (lo + hi) >> 1
            if hasPrefix(index.token(mid), word) { lo = mid + 1 } else { hi = mid }
        }
        return first..<lo
    }

    /// Whether the space-separated folded `title` has `word` as a word (or, with `prefix`, a word's start).
    @inline(__always)
    static func contains(_ title: UnsafeRawBufferPointer, word: UnsafeRawBufferPointer, prefix: Bool) -> Bool {
        var start = 0
        let n = title.count, m = word.count
        while start < n {
            var end = start
            while end < n && title[end] != UInt8(ascii: " ") { end += 1 }
            if end - start == m || (prefix && end - start > m) {
                var same = true
                for j in 0..<m where title[start + j] != word[j] { same = false; break }
                if same { return true }
            }
            start = end + 1
        }
        return false
    }

    @inline(__always)
    static func hasPrefix(_ bytes: UnsafeRawBufferPointer, _ prefix: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= prefix.count else { return false }
        for i in 0..<prefix.count where bytes[i] != prefix[i] { return false }
        return true
    }

    @inline(__always)
    static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        a.count == b.count && hasPrefix(a, b)
    }
}
