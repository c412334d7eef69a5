import ReelCore

/// The release file format, `REELRLSE` version 1.1 (docs/release-format.md).
///
/// 1.1 adds optional sections that 1.0 readers never see: the served lists
/// (`served`, `userServedMovies`, `userServedScores`), the fold-in sections
/// (`foldInParams`, `foldInGram`, `foldInUsers`; 0x40–0x4F) and the web
/// sections of `ReleaseWebContents` (title index, recent ratings, report; 0x50–0x5F).
///
/// A release is a `SectionFile`, so the container (header, 64-byte aligned
/// sections, table of contents, footer, xxh3-64 per section and over the
/// whole file) is ReelCore's. This type names what a release adds on top:
/// the header words, the section names and the layout rules both the builder
/// and the reader follow, so the two can never disagree about an index.
///
/// Versioning: a reader accepts its own major version and any minor version
/// up to its own. A minor bump may only *add* sections or header meaning that
/// older readers can ignore; anything else is a new major.
public enum ReleaseFormat {
    public static let kind = SectionFileKind(magic: "REELRLSE", major: 1, minor: 1, name: "release")

    /// "REELRLSE 1.0": how metadata and manifests name the format.
    public static var versionString: String { "REELRLSE \(kind.major).\(kind.minor)" }

    /// File name suffix of a release in `output/releases/`.
    public static let fileExtension = ".reel"
    /// File name suffix of a compressed bundle in `output/bundles/`.
    public static let bundleExtension = ".reel.zst"

    /// Header user words (`SectionFileHeader.userWords`), all little-endian UInt64.
    public enum Word {
        public static let userCount = 0
        public static let movieCount = 1
        /// Stored recommendations per user (fixed stride of the top-K sections).
        public static let k = 2
        public static let similarK = 3
        public static let trendingK = 4
        /// Fingerprint of the silver version the release was built from.
        public static let silverFingerprint = 5
        /// xxh3-64 of the model factors file.
        public static let modelFingerprint = 6
        /// Rank of the stored movie factors.
        public static let rank = 7
    }

    /// Section names (at most 16 ASCII bytes each).
    public enum Section {
        /// The release id, ASCII (`[A-Za-z0-9._-]`, 1–64 bytes).
        public static let releaseID = "releaseID"
        /// Int32 [movies]: movie row → external movieId, strictly ascending.
        public static let movieIDs = "movieIDs"
        /// Int32 [maxMovieId + 1]: direct-address movieId → row, -1 = absent.
        /// Present only when the ids are dense (see `useDirectIndex`).
        public static let movieIndex = "movieIndex"
        /// UInt32 [movies + 1]: title of row m is `titles[titleOffsets[m] ..< titleOffsets[m+1]]`.
        public static let titleOffsets = "titleOffsets"
        /// UInt8: UTF-8 title heap.
        public static let titles = "titles"
        /// Int16 [movies]: release year, 0 when unknown.
        public static let years = "years"
        /// UInt32 [movies]: genre bitmask over `Genres.all`.
        public static let genres = "genres"
        /// Int32 [movies]: accepted ratings per movie.
        public static let ratingCounts = "ratingCounts"
        /// Float32 [movies]: mean rating, 0 when unrated.
        public static let ratingMeans = "ratingMeans"
        /// Int32 [users]: user row → external userId, strictly ascending.
        public static let userIDs = "userIDs"
        /// Int32 [maxUserId + 1]: direct-address userId → row, -1 = absent (dense ids only).
        public static let userIndex = "userIndex"
        /// Int32 [users × k]: movie rows, best first, padded with -1.
        public static let userTopMovies = "userTopMovies"
        /// Float32 [users × k]: scores of `userTopMovies`, 0 in the padding.
        public static let userTopScores = "userTopScores"
        /// Float32 [4], optional: the served UC3 blend — model, trending and
        /// diversity weights, then the trending window (0 = 24h, 1 = 7d, 2 = 30d).
        /// Present exactly when `userBlendMovies`/`userBlendScores` are.
        public static let blend = "blend"
        /// Int32 [users × k], optional: `userTopMovies` re-ranked by the `blend`
        /// (HybridRanker), what UC1 serves by default; padded with -1.
        public static let userBlendMovies = "userBlendMovies"
        /// Float32 [users × k], optional: blended scores of `userBlendMovies`.
        public static let userBlendScores = "userBlendScores"
        /// ASCII, optional (1.1): the name of the candidate UC1 serves by default
        /// when it is neither the model's order nor one blend — a baseline
        /// (`popular`, `trending-7d`, …) or a per-user blend (`hybrid`) — 1–32
        /// bytes of `[a-z0-9-]`. Present exactly when `userServedMovies`/`userServedScores` are.
        public static let served = "served"
        /// Int32 [users × k], optional (1.1): every user's list from the `served`
        /// candidate (rated movies excluded), best first, padded with -1.
        public static let userServedMovies = "userServedMovies"
        /// Float32 [users × k], optional (1.1): the candidate's scores of `userServedMovies`.
        public static let userServedScores = "userServedScores"
        /// ASCII, optional (1.1): the candidate name of the model whose order
        /// `userTopMovies` holds (`implicit-als`, `explicit-als`), 1–32 bytes of
        /// `[a-z0-9-]`; UC1 answers from that order name it as their `source`.
        /// Releases without it name the order `als`.
        public static let modelName = "modelName"
        /// Int32 [movies × similarK]: most similar movie rows by cosine, padded with -1.
        public static let similarMovies = "similarMovies"
        /// Float32 [movies × similarK]: cosine similarities.
        public static let similarScores = "similarScores"
        /// Int32 [lists × trendingK]: trending movie rows per list (see `trendingList`), padded with -1.
        public static let trendMovies = "trendMovies"
        /// Float32 [lists × trendingK]: decayed, weighted event counts.
        public static let trendScores = "trendScores"
        /// Float32 [3 × movies]: popularity per window normalised to [0, 1] (1 = the top movie).
        public static let popularity = "popularity"
        /// Float32 [movies × rank]: movie factors, zero rows for movies without factors.
        public static let movieFactors = "movieFactors"
        /// UInt8 [movies]: 1 when the movie has factors (can be recommended), else 0.
        public static let factorMask = "factorMask"
        /// UTF-8 JSON object: release id, created, counts, params, metrics, fingerprints, …
        public static let meta = "meta"

        // Fold-in (format 1.1, section ids 0x40–0x4F; optional, older readers ignore
        // them). Present together or not at all; see `FoldInModel`.
        /// 0x40 — Float32 [4]: `FoldInParams` — rule (0 implicit c = 1 + α·r, 1 explicit), λ, α, 0.
        public static let foldInParams = "foldInParams"
        /// 0x41 — Float32 [rank × rank]: YᵀY of `movieFactors` (symmetric).
        public static let foldInGram = "foldInGram"
        /// 0x42 — Float32 [users × rank], optional even with the two above: the
        /// users' factors, so `POST /v1/users/{id}/recommendations` can fold new
        /// ratings in on top of a known user (zero rows: user without factors).
        public static let foldInUsers = "foldInUsers"
    }

    /// Number of trending windows (24h, 7d, 30d), in `TrendingWindow` order.
    public static let windowCount = 3

    /// The row of trending list (window, genre) among `windowCount × (1 + genreCount)`
    /// lists: for each window the global list first, then one list per genre bit.
    @inlinable
    public static func trendingList(window: Int, genre: Int?, genreCount: Int) -> Int {
        window * (1 + genreCount) + (genre.map { 1 + $0 } ?? 0)
    }

    /// Dense ids get a direct-address table (O(1) lookups, one page touched);
    /// sparse ids fall back to binary search over the sorted id column.
    /// Dense means: the table (max id + 1 entries) is at most 4 × count + 1M.
    public static func useDirectIndex(maxID: Int32, count: Int) -> Bool {
        count > 0 && maxID >= 0 && Int(maxID) + 1 <= 4 * count + 1_000_000
    }

    /// A release id is a file name component: 1–64 bytes of `[A-Za-z0-9._-]`,
    /// not starting with a dot.
    public static func isValidReleaseID(_ id: some Collection<UInt8>) -> Bool {
        guard (1...64).contains(id.count), id.first != UInt8(ascii: ".") else { return false }
        return id.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
        }
    }

    /// A served candidate name: 1–32 bytes of `[a-z0-9-]` (safe in JSON and file names as is).
    public static func isValidServedName(_ name: some Collection<UInt8>) -> Bool {
        (1...32).contains(name.count)
            && name.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7A) || c == UInt8(ascii: "-")
            }
    }

    /// The 16-byte header file id: the release id's first 16 bytes, zero-padded.
    public static func fileID(for releaseID: String) -> [UInt8] {
        let bytes = Array(releaseID.utf8.prefix(16))
        return bytes + [UInt8](repeating: 0, count: 16 - bytes.count)
    }
}
