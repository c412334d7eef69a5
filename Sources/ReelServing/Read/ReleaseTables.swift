import ReelCore

/// The sections of an opened release, viewed in place and validated.
///
/// `init` checks every cross-section invariant a lookup relies on (counts
/// agree with the header, ids strictly ascending, index tables consistent
/// with the ids, every stored movie row in range or -1 padding at the end of
/// its list, title offsets monotonic and inside the heap, popularity in
/// [0, 1], no NaN scores). After that no lookup can read outside a section,
/// even on a hostile file whose checksums are valid, so lookups need no
/// checks of their own beyond the caller's row range.
///
/// Depends on ReelCore only (no Foundation, no silver types), so the libFuzzer
/// target compiles it on its own. `Release` wraps it for the daemon and CLI.
public struct ReleaseTables: @unchecked Sendable {
    /// Keeps the mapping alive as long as any view into it exists.
    public let file: SectionFileReader
    public let releaseID: String
    public let userCount: Int
    public let movieCount: Int
    public let k: Int
    public let similarK: Int
    public let trendingK: Int
    public let rank: Int
    /// Genre lists per window (derived from the trending section).
    public let genreCount: Int
    public let silverFingerprint: UInt64
    public let modelFingerprint: UInt64

    public let movieIDs: UnsafeBufferPointer<Int32>
    /// Direct-address movieId → row table, nil when ids are sparse (binary search instead).
    public let movieIndex: UnsafeBufferPointer<Int32>?
    public let titleOffsets: UnsafeBufferPointer<UInt32>
    public let titles: UnsafeRawBufferPointer
    public let years: UnsafeBufferPointer<Int16>
    public let genres: UnsafeBufferPointer<UInt32>
    public let ratingCounts: UnsafeBufferPointer<Int32>
    public let ratingMeans: UnsafeBufferPointer<Float>
    public let userIDs: UnsafeBufferPointer<Int32>
    /// Direct-address userId → row table, nil when ids are sparse.
    public let userIndex: UnsafeBufferPointer<Int32>?
    public let userTopMovies: UnsafeBufferPointer<Int32>
    public let userTopScores: UnsafeBufferPointer<Float>
    /// The served blend (`ReleaseFormat.Section.blend`), nil when the release has none.
    public let blend: (model: Float, trending: Float, diversity: Float, window: Int)?
    /// The stored lists re-ranked by `blend`; empty without one.
    public let userBlendMovies: UnsafeBufferPointer<Int32>
    public let userBlendScores: UnsafeBufferPointer<Float>
    /// The model's candidate name (`ReleaseFormat.Section.modelName`), nil in releases without it.
    public let modelName: String?
    /// The served candidate's name (`ReleaseFormat.Section.served`), nil when the release has none.
    public let servedName: String?
    /// Every user's list from the served candidate; empty without one.
    public let userServedMovies: UnsafeBufferPointer<Int32>
    public let userServedScores: UnsafeBufferPointer<Float>
    public let similarMovies: UnsafeBufferPointer<Int32>
    public let similarScores: UnsafeBufferPointer<Float>
    public let trendMovies: UnsafeBufferPointer<Int32>
    public let trendScores: UnsafeBufferPointer<Float>
    public let popularity: UnsafeBufferPointer<Float>
    public let movieFactors: UnsafeBufferPointer<Float>
    public let factorMask: UnsafeBufferPointer<UInt8>
    public let meta: UnsafeRawBufferPointer
    /// Fold-in sections (format 1.1), nil when the release has none (`ReleaseTables+FoldIn`).
    public let foldIn: FoldInTables?
    /// The optional web sections (format 1.1): title index, recent ratings, report page.
    public let web: ReleaseWebTables

    /// Opens `path` through mmap, verifies the container (`.full`: every
    /// checksum) and validates the release.
    public init(path: String, verify: Verification = .full) throws {
        let file = try MappedFile(path: path, populate: verify == .full)
        try self.init(file: SectionFileReader(file: file, kind: ReleaseFormat.kind, verify: verify))
    }

    /// Opens a file whose `VerificationStamp` matches: container structure and
    /// every O(1) size check, without re-hashing or scanning section contents.
    init(stampedPath path: String) throws {
        let file = try MappedFile(path: path)
        try self.init(file: SectionFileReader(file: file, kind: ReleaseFormat.kind, verify: .structure), deepChecks: false)
    }

    public init(file: SectionFileReader, deepChecks: Bool = true) throws {
        typealias S = ReleaseFormat.Section
        typealias W = ReleaseFormat.Word
        var check = ReleaseCheck(path: file.path)
        check.deep = deepChecks
        self.file = file
        // The container leaves the footer's last 8 bytes outside every checksum;
        // the release format reserves them as zero so a flip there is caught too.
        let raw = file.file.bytes
        guard raw[(raw.count - 8)...].allSatisfy({ $0 == 0 }) else {
            throw ReelError(.corrupt, "\(file.path): damaged footer (reserved bytes are not zero)")
        }
        // Header counts: bounded so every product below fits and every row fits an Int32.
        userCount = try check.count(file.userWords[W.userCount], "user count", max: Int(Int32.max))
        movieCount = try check.count(file.userWords[W.movieCount], "movie count", max: Int(Int32.max))
        k = try check.count(file.userWords[W.k], "K", min: 1, max: 1 << 20)
        similarK = try check.count(file.userWords[W.similarK], "similar K", min: 1, max: 1 << 20)
        trendingK = try check.count(file.userWords[W.trendingK], "trending K", min: 1, max: 1 << 20)
        rank = try check.count(file.userWords[W.rank], "rank", max: 1 << 16)
        silverFingerprint = file.userWords[W.silverFingerprint]
        modelFingerprint = file.userWords[W.modelFingerprint]

        let idBytes = try file.bytes(S.releaseID)
        guard ReleaseFormat.isValidReleaseID(idBytes) else {
            throw check.fail("release id is not 1–64 characters of [A-Za-z0-9._-]")
        }
        releaseID = String(decoding: idBytes, as: UTF8.self)
        guard file.fileID == ReleaseFormat.fileID(for: releaseID) else {
            throw check.fail("header file id disagrees with release id '\(releaseID)'")
        }
        meta = try file.bytes(S.meta)
        try check.jsonObject(meta, S.meta)

        // Movies.
        movieIDs = try check.array(file, S.movieIDs, count: movieCount)
        try check.strictlyAscending(movieIDs, S.movieIDs)
        movieIndex = try check.index(file, S.movieIndex, ids: movieIDs)
        titleOffsets = try check.array(file, S.titleOffsets, count: movieCount + 1)
        titles = try file.bytes(S.titles)
        try check.offsets(titleOffsets, heapSize: titles.count, S.titleOffsets)
        try check.utf8(titles, S.titles)
        years = try check.array(file, S.years, count: movieCount)
        genres = try check.array(file, S.genres, count: movieCount)
        ratingCounts = try check.array(file, S.ratingCounts, count: movieCount)
        ratingMeans = try check.array(file, S.ratingMeans, count: movieCount)
        if deepChecks, let bad = ratingCounts.firstIndex(where: { $0 < 0 }) {
            throw check.fail("section 'ratingCounts' has a negative count at row \(bad)")
        }
        try check.finite(ratingMeans, S.ratingMeans)

        // Users and their lists.
        userIDs = try check.array(file, S.userIDs, count: userCount)
        try check.strictlyAscending(userIDs, S.userIDs)
        userIndex = try check.index(file, S.userIndex, ids: userIDs)
        userTopMovies = try check.array(file, S.userTopMovies, count: userCount * k)
        userTopScores = try check.array(file, S.userTopScores, count: userCount * k)
        try check.lists(userTopMovies, stride: k, movieCount: movieCount, S.userTopMovies)
        try check.finite(userTopScores, S.userTopScores)
        let blended = [S.blend, S.userBlendMovies, S.userBlendScores].map(file.has)
        if blended.allSatisfy({ $0 }) {
            let w: UnsafeBufferPointer<Float> = try check.array(file, S.blend, count: 4)
            guard w[0...2].allSatisfy({ $0.isFinite && $0 >= 0 }), w[0] + w[1] > 0,
                let window = [0, 1, 2].first(where: { Float($0) == w[3] })
            else {
                throw check.fail(
                    "section 'blend' holds [\(w.map { "\($0)" }.joined(separator: ", "))], not 3 non-negative weights and a window 0, 1 or 2")
            }
            blend = (w[0], w[1], w[2], window)
            userBlendMovies = try check.array(file, S.userBlendMovies, count: userCount * k)
            userBlendScores = try check.array(file, S.userBlendScores, count: userCount * k)
            try check.lists(userBlendMovies, stride: k, movieCount: movieCount, S.userBlendMovies)
            try check.finite(userBlendScores, S.userBlendScores)
        } else if blended.contains(true) {
            throw check.fail("sections 'blend', 'userBlendMovies' and 'userBlendScores' come together; this release has only some of them")
        } else {
            blend = nil
            userBlendMovies = UnsafeBufferPointer(start: nil, count: 0)
            userBlendScores = UnsafeBufferPointer(start: nil, count: 0)
        }
        if file.has(S.modelName) {
            let name = try file.bytes(S.modelName)
            guard ReleaseFormat.isValidServedName(name) else {
                throw check.fail("section 'modelName' is not 1–32 bytes of [a-z0-9-]")
            }
            modelName = String(decoding: name, as: UTF8.self)
        } else {
            modelName = nil
        }
        let served = [S.served, S.userServedMovies, S.userServedScores].map(file.has)
        if served.allSatisfy({ $0 }) {
            let name = try file.bytes(S.served)
            guard ReleaseFormat.isValidServedName(name) else {
                throw check.fail("section 'served' is not 1–32 bytes of [a-z0-9-]")
            }
            servedName = String(decoding: name, as: UTF8.self)
            userServedMovies = try check.array(file, S.userServedMovies, count: userCount * k)
            userServedScores = try check.array(file, S.userServedScores, count: userCount * k)
            try check.lists(userServedMovies, stride: k, movieCount: movieCount, S.userServedMovies)
            try check.finite(userServedScores, S.userServedScores)
        } else if served.contains(true) {
            throw check.fail("sections 'served', 'userServedMovies' and 'userServedScores' come together; this release has only some of them")
        } else {
            servedName = nil
            userServedMovies = UnsafeBufferPointer(start: nil, count: 0)
            userServedScores = UnsafeBufferPointer(start: nil, count: 0)
        }

        // Similar movies.
        similarMovies = try check.array(file, S.similarMovies, count: movieCount * similarK)
        similarScores = try check.array(file, S.similarScores, count: movieCount * similarK)
        try check.lists(similarMovies, stride: similarK, movieCount: movieCount, S.similarMovies)
        try check.finite(similarScores, S.similarScores)

        // Trending: windowCount × (1 + genres) lists of trendingK.
        let trendInfo = try file.info(S.trendMovies)
        let lists = trendInfo.count / trendingK
        let windows = ReleaseFormat.windowCount
        guard trendInfo.count % trendingK == 0, lists % windows == 0, lists >= windows, lists / windows - 1 <= 32 else {
            throw check.fail(
                "section 'trendMovies' holds \(trendInfo.count) entries, not \(windows) windows × (1 + genres ≤ 32) lists of \(trendingK)")
        }
        let genreCount = lists / windows - 1
        self.genreCount = genreCount
        trendMovies = try check.array(file, S.trendMovies, count: lists * trendingK)
        trendScores = try check.array(file, S.trendScores, count: lists * trendingK)
        try check.lists(trendMovies, stride: trendingK, movieCount: movieCount, S.trendMovies)
        try check.finite(trendScores, S.trendScores)
        if deepChecks, genreCount < 32, let bad = genres.firstIndex(where: { $0 >> UInt32(genreCount) != 0 }) {
            throw check.fail("section 'genres' row \(bad) has a genre bit beyond the \(genreCount) genres")
        }
        let popularity: UnsafeBufferPointer<Float> = try check.array(file, S.popularity, count: windows * movieCount)
        if deepChecks, let bad = popularity.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw check.fail("section 'popularity' entry \(bad) is \(popularity[bad]), outside [0, 1]")
        }
        self.popularity = popularity

        // Factors.
        factorMask = try check.array(file, S.factorMask, count: movieCount)
        if deepChecks, let bad = factorMask.firstIndex(where: { $0 > 1 }) {
            throw check.fail("section 'factorMask' row \(bad) is \(factorMask[bad]), not 0 or 1")
        }
        movieFactors = try check.array(file, S.movieFactors, count: movieCount * rank)
        try check.finite(movieFactors, S.movieFactors)
        foldIn = try FoldInTables(file, check: check, rank: rank, userCount: userCount)
        web = try ReleaseWebTables(file: file, check: check, ratingCounts: ratingCounts, userCount: userCount)
    }

    // MARK: Lookups (O(1) or O(log n), no allocation)

    /// Movie row of an external movieId.
    @inlinable
    public func movieRow(forID id: Int32) -> Int? {
        Self.row(of: id, ids: movieIDs, index: movieIndex)
    }

    /// User row of an external userId.
    @inlinable
    public func userRow(forID id: Int32) -> Int? {
        Self.row(of: id, ids: userIDs, index: userIndex)
    }

    /// UTF-8 title of a movie row.
    public func title(row: Int) -> UnsafeRawBufferPointer {
        precondition(row >= 0 && row < movieCount, "movie row out of range")
        return UnsafeRawBufferPointer(rebasing: titles[Int(titleOffsets[row])..<Int(titleOffsets[row + 1])])
    }

    /// Where a user's stored list lives in `userTopMovies`/`userTopScores` (padding trimmed).
    public func recommendationRange(userRow: Int) -> Range<Int> {
        precondition(userRow >= 0 && userRow < userCount, "user row out of range")
        return Self.trimmed(userTopMovies, start: userRow * k, stride: k)
    }

    /// Where a user's blended list lives in `userBlendMovies`/`userBlendScores`
    /// (padding trimmed); only for a release with a `blend`.
    public func blendRange(userRow: Int) -> Range<Int> {
        precondition(blend != nil && userRow >= 0 && userRow < userCount, "no blend, or user row out of range")
        return Self.trimmed(userBlendMovies, start: userRow * k, stride: k)
    }

    /// Where a user's served list lives in `userServedMovies`/`userServedScores`
    /// (padding trimmed); only for a release with a `served` candidate.
    public func servedRange(userRow: Int) -> Range<Int> {
        precondition(servedName != nil && userRow >= 0 && userRow < userCount, "no served lists, or user row out of range")
        return Self.trimmed(userServedMovies, start: userRow * k, stride: k)
    }

    /// Where a movie's similar list lives in `similarMovies`/`similarScores`.
    public func similarRange(movieRow: Int) -> Range<Int> {
        precondition(movieRow >= 0 && movieRow < movieCount, "movie row out of range")
        return Self.trimmed(similarMovies, start: movieRow * similarK, stride: similarK)
    }

    /// Where a trending list lives in `trendMovies`/`trendScores`; empty for an unknown window or genre.
    public func trendingRange(window: Int, genre: Int?) -> Range<Int> {
        guard window >= 0, window < ReleaseFormat.windowCount else { return 0..<0 }
        if let genre, genre < 0 || genre >= genreCount { return 0..<0 }
        let list = ReleaseFormat.trendingList(window: window, genre: genre, genreCount: genreCount)
        return Self.trimmed(trendMovies, start: list * trendingK, stride: trendingK)
    }

    /// Normalised popularity of a movie in a window, in [0, 1].
    public func popularity(movieRow: Int, window: Int) -> Float {
        precondition(movieRow >= 0 && movieRow < movieCount && window >= 0 && window < ReleaseFormat.windowCount)
        return popularity[window * movieCount + movieRow]
    }

    /// A movie's factors (`rank` floats; zeros when `factorMask` is 0).
    public func factors(movieRow: Int) -> UnsafeBufferPointer<Float> {
        precondition(movieRow >= 0 && movieRow < movieCount, "movie row out of range")
        return UnsafeBufferPointer(rebasing: movieFactors[movieRow * rank..<(movieRow + 1) * rank])
    }

    @usableFromInline
    static func row(of id: Int32, ids: UnsafeBufferPointer<Int32>, index: UnsafeBufferPointer<Int32>?) -> Int? {
        if let index {
            guard id >= 0, Int(id) < index.count else { return nil }
            let row = index[Int(id)]
            return row >= 0 ? Int(row) : nil
        }
        var lo = 0, hi = ids.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if ids[mid] < id { lo = mid + 1 } else { hi = mid }
        }
        return lo < ids.count && ids[lo] == id ? lo : nil
    }

    /// `start ..< start + n` where n is the number of entries before the -1 padding
    /// (validated to be a suffix, so a binary search finds it). A full list, the
    /// common case, is recognised by its last entry alone: one memory access
    /// instead of a chain of dependent probes across the row's cache lines.
    static func trimmed(_ movies: UnsafeBufferPointer<Int32>, start: Int, stride: Int) -> Range<Int> {
        var lo = start, hi = start + stride
        if stride > 0 && movies[hi - 1] >= 0 { return start..<hi }
        while lo < hi {
            let mid = (lo + hi) >> 1
            if movies[mid] >= 0 { lo = mid + 1 } else { hi = mid }
        }
        return start..<lo
    }
}
