import ReelCore

/// Everything a release file holds, in memory, before it is written.
///
/// `ReleaseBuilder` produces it from silver and model factors; `write(to:)`
/// lays it out as a `REELRLSE` file. Kept as plain arrays (one per section)
/// so tests can build, inspect and deliberately damage a release without
/// going through the builder.
public struct ReleaseContents: Sendable {
    public var releaseID: String
    public var createdAt: Int64
    /// Stored recommendations per user, similar movies per movie, entries per trending list.
    public var k: Int
    public var similarK: Int
    public var trendingK: Int
    /// Rank of `movieFactors`.
    public var rank: Int
    public var silverFingerprint: UInt64
    public var modelFingerprint: UInt64

    // Movies (rows as in silver).
    public var movieIDs: [Int32]
    public var titleOffsets: [UInt32]
    public var titles: [UInt8]
    public var years: [Int16]
    public var genres: [UInt32]
    public var ratingCounts: [Int32]
    public var ratingMeans: [Float]

    // Users (rows as in silver).
    public var userIDs: [Int32]
    /// `userCount × k` movie rows (-1 padding) and scores (0 padding).
    public var userTopMovies: [Int32]
    public var userTopScores: [Float]

    /// The served blend, when there is one: `[model, trending, diversity, window]`
    /// (empty: none), and `userTopMovies` re-ranked by it (`userCount × k` each).
    public var blend: [Float] = []
    public var userBlendMovies: [Int32] = []
    public var userBlendScores: [Float] = []

    /// The model's candidate name (`implicit-als`; ASCII, empty: not known).
    public var modelName: [UInt8] = []
    /// The served candidate's name (ASCII, empty: none) and its lists (`userCount × k` each).
    public var served: [UInt8] = []
    public var userServedMovies: [Int32] = []
    public var userServedScores: [Float] = []

    /// `movieCount × similarK` movie rows (-1 padding) and cosine similarities.
    public var similarMovies: [Int32]
    public var similarScores: [Float]

    /// `windowCount × (1 + genreCount) × trendingK`, lists ordered by `ReleaseFormat.trendingList`.
    public var trendMovies: [Int32]
    public var trendScores: [Float]
    /// `windowCount × movieCount`, normalised to [0, 1].
    public var popularity: [Float]

    /// `movieCount × rank`; `factorMask[m] == 1` when movie row m has factors.
    public var movieFactors: [Float]
    public var factorMask: [UInt8]

    /// The `meta` JSON object.
    public var metaJSON: String

    /// Fold-in sections (format 1.1): `FoldInParams.section` and YᵀY (`rank × rank`);
    /// both empty: none. `foldInUsers` (`userCount × rank`) is optional on top.
    public var foldInParams: [Float] = []
    public var foldInGram: [Float] = []
    public var foldInUsers: [Float] = []
    /// The optional web sections (title index, recent ratings, report page).
    public var web = ReleaseWebContents()

    public init(
        releaseID: String, createdAt: Int64, k: Int, similarK: Int, trendingK: Int, rank: Int,
        silverFingerprint: UInt64, modelFingerprint: UInt64,
        movieIDs: [Int32], titleOffsets: [UInt32], titles: [UInt8], years: [Int16], genres: [UInt32],
        ratingCounts: [Int32], ratingMeans: [Float],
        userIDs: [Int32], userTopMovies: [Int32], userTopScores: [Float],
        similarMovies: [Int32], similarScores: [Float],
        trendMovies: [Int32], trendScores: [Float], popularity: [Float],
        movieFactors: [Float], factorMask: [UInt8], metaJSON: String
    ) {
        self.releaseID = releaseID
        self.createdAt = createdAt
        self.k = k
        self.similarK = similarK
        self.trendingK = trendingK
        self.rank = rank
        self.silverFingerprint = silverFingerprint
        self.modelFingerprint = modelFingerprint
        self.movieIDs = movieIDs
        self.titleOffsets = titleOffsets
        self.titles = titles
        self.years = years
        self.genres = genres
        self.ratingCounts = ratingCounts
        self.ratingMeans = ratingMeans
        self.userIDs = userIDs
        self.userTopMovies = userTopMovies
        self.userTopScores = userTopScores
        self.similarMovies = similarMovies
        self.similarScores = similarScores
        self.trendMovies = trendMovies
        self.trendScores = trendScores
        self.popularity = popularity
        self.movieFactors = movieFactors
        self.factorMask = factorMask
        self.metaJSON = metaJSON
    }

    public var userCount: Int { userIDs.count }
    public var movieCount: Int { movieIDs.count }

    /// One section as it will be written.
    public struct EncodedSection: Sendable {
        public var name: String
        public var bytes: [UInt8]
        public var count: Int
        public var elementSize: Int

        public init(name: String, bytes: [UInt8], count: Int, elementSize: Int) {
            self.name = name
            self.bytes = bytes
            self.count = count
            self.elementSize = elementSize
        }

        init<T: BitwiseCopyable>(_ name: String, _ array: [T]) {
            self.init(
                name: name, bytes: array.withUnsafeBytes { Array($0) },
                count: array.count, elementSize: MemoryLayout<T>.stride)
        }
    }

    /// The header this release is written with.
    public func header() -> SectionFileHeader {
        typealias W = ReleaseFormat.Word
        var h = SectionFileHeader()
        h.major = ReleaseFormat.kind.major
        h.minor = ReleaseFormat.kind.minor
        h.createdAt = createdAt
        h.fileID = ReleaseFormat.fileID(for: releaseID)
        h.userWords[W.userCount] = UInt64(userCount)
        h.userWords[W.movieCount] = UInt64(movieCount)
        h.userWords[W.k] = UInt64(k)
        h.userWords[W.similarK] = UInt64(similarK)
        h.userWords[W.trendingK] = UInt64(trendingK)
        h.userWords[W.silverFingerprint] = silverFingerprint
        h.userWords[W.modelFingerprint] = modelFingerprint
        h.userWords[W.rank] = UInt64(rank)
        return h
    }

    /// The sections in file order, direct-address indexes included when the ids are dense.
    public func encodedSections() -> [EncodedSection] {
        typealias S = ReleaseFormat.Section
        var out: [EncodedSection] = [
            EncodedSection(S.releaseID, Array(releaseID.utf8)),
            EncodedSection(S.meta, Array(metaJSON.utf8)),
            EncodedSection(S.movieIDs, movieIDs),
        ]
        if let index = Self.directIndex(movieIDs) { out.append(EncodedSection(S.movieIndex, index)) }
        out += [
            EncodedSection(S.titleOffsets, titleOffsets),
            EncodedSection(S.titles, titles),
            EncodedSection(S.years, years),
            EncodedSection(S.genres, genres),
            EncodedSection(S.ratingCounts, ratingCounts),
            EncodedSection(S.ratingMeans, ratingMeans),
            EncodedSection(S.userIDs, userIDs),
        ]
        if let index = Self.directIndex(userIDs) { out.append(EncodedSection(S.userIndex, index)) }
        out += [
            EncodedSection(S.userTopMovies, userTopMovies),
            EncodedSection(S.userTopScores, userTopScores),
        ]
        if !modelName.isEmpty { out.append(EncodedSection(S.modelName, modelName)) }
        if !blend.isEmpty {
            out += [
                EncodedSection(S.blend, blend), EncodedSection(S.userBlendMovies, userBlendMovies),
                EncodedSection(S.userBlendScores, userBlendScores),
            ]
        }
        if !served.isEmpty {
            out += [
                EncodedSection(S.served, served), EncodedSection(S.userServedMovies, userServedMovies),
                EncodedSection(S.userServedScores, userServedScores),
            ]
        }
        out += [
            EncodedSection(S.similarMovies, similarMovies),
            EncodedSection(S.similarScores, similarScores),
            EncodedSection(S.trendMovies, trendMovies),
            EncodedSection(S.trendScores, trendScores),
            EncodedSection(S.popularity, popularity),
            EncodedSection(S.factorMask, factorMask),
            EncodedSection(S.movieFactors, movieFactors),
        ]
        if !foldInParams.isEmpty {
            out += [EncodedSection(S.foldInParams, foldInParams), EncodedSection(S.foldInGram, foldInGram)]
            if !foldInUsers.isEmpty { out.append(EncodedSection(S.foldInUsers, foldInUsers)) }
        }
        out += web.encodedSections()
        return out
    }

    /// Writes `sections` under `header` as a `REELRLSE` file through `AtomicFile`
    /// (checksums verified before the rename). Tests use it to write damaged releases.
    @discardableResult
    public static func write(sections: [EncodedSection], header: SectionFileHeader, to path: String) throws -> [SectionInfo] {
        var writer = SectionFileWriter(kind: ReleaseFormat.kind)
        writer.header = header
        for s in sections { writer.addRaw(s.name, bytes: s.bytes, count: s.count, elementSize: s.elementSize) }
        return try writer.write(to: path)
    }

    /// Writes this release to `path` (atomically, checksums verified before the rename).
    /// Cross-section consistency is checked by opening the result with `Release`,
    /// which `ReleasePublisher` does before anything can serve it.
    @discardableResult
    public func write(to path: String) throws -> [SectionInfo] {
        try Self.write(sections: encodedSections(), header: header(), to: path)
    }

    /// The id → row table for strictly ascending `ids`, or nil when they are too sparse.
    static func directIndex(_ ids: [Int32]) -> [Int32]? {
        guard let maxID = ids.last, ids.first.map({ $0 >= 0 }) == true,
            ReleaseFormat.useDirectIndex(maxID: maxID, count: ids.count)
        else { return nil }
        var table = [Int32](repeating: -1, count: Int(maxID) + 1)
        for (row, id) in ids.enumerated() { table[Int(id)] = Int32(row) }
        return table
    }
}
