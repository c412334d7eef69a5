/// The optional sections behind Reel's web face (format 1.1, section range
/// 0x50–0x5F in docs/release-format.md): a title index for search, each
/// user's most recent ratings, and the evaluation report page.
///
/// All of them are optional: a 1.0 release has none, and a reader that
/// predates them ignores them (a minor version bump). Each group comes whole
/// or not at all; `ReleaseWebTables` refuses a release with half a group.
extension ReleaseFormat.Section {
    /// 0x50 UInt8: every title folded by `TitleFolding` (article first), rows as `titles`.
    public static let titleNorm = "titleNorm"
    /// 0x51 UInt32 [movies + 1]: offsets of `titleNorm`.
    public static let titleNormOffsets = "titleNormOffsets"
    /// 0x52 UInt8: the distinct folded words of all titles, byte-sorted, concatenated.
    public static let titleTokens = "titleTokens"
    /// 0x53 UInt32 [tokens + 1]: offsets of `titleTokens`.
    public static let titleTokenOffs = "titleTokenOffs"
    /// 0x54 Int32: for each token in order, the movie rows whose title holds it,
    /// most rated first; a prefix's movies are one contiguous run.
    public static let titlePostings = "titlePostings"
    /// 0x55 UInt32 [tokens + 1]: offsets of `titlePostings`.
    public static let titlePostingOffs = "titlePostingOffs"
    /// 0x56 Int32 [users × N]: each user's last N rated movie rows, newest first, -1 padding.
    public static let recentMovies = "recentMovies"
    /// 0x57 UInt8 [users × N]: those ratings in half stars (rating × 2), 0 in the padding.
    public static let recentRatings = "recentRatings"
    /// 0x58 UInt32 [users × N]: when they were rated, seconds since the epoch, 0 in the padding.
    public static let recentTimes = "recentTimes"
    /// 0x5A Int32 [movies]: movie rows sorted by folded title (bytes), ties by row: the
    /// titles starting with a query are one contiguous run (exact and prefix matches).
    public static let titleSorted = "titleSorted"
    /// 0x5B UInt32 [movies]: each movie row's position in `titleSorted`.
    public static let titleSortRank = "titleSortRank"
    /// 0x5C Int32 [movies]: movie rows most rated first (ties by row): the order results are ranked in.
    public static let titleByPop = "titleByPop"
    /// 0x59 UInt8: the evaluation report (`reel report`), one self-contained HTML page.
    public static let reportHTML = "reportHTML"
}

/// What a release holds for the web face, before it is written (empty arrays: absent).
public struct ReleaseWebContents: Sendable, Equatable {
    public var titleNorm: [UInt8] = []
    public var titleNormOffsets: [UInt32] = []
    public var titleTokens: [UInt8] = []
    public var titleTokenOffsets: [UInt32] = []
    public var titlePostings: [Int32] = []
    public var titlePostingOffsets: [UInt32] = []
    public var titleSorted: [Int32] = []
    public var titleSortRank: [UInt32] = []
    public var titleByPopularity: [Int32] = []
    /// Recent ratings kept per user (0: no recent-ratings sections).
    public var recentN = 0
    public var recentMovies: [Int32] = []
    public var recentRatings: [UInt8] = []
    public var recentTimes: [UInt32] = []
    public var reportHTML: [UInt8] = []

    public init() {}

    public var hasTitleIndex: Bool { !titleNormOffsets.isEmpty }

    /// The sections in file order (after the 1.0 sections).
    public func encodedSections() -> [ReleaseContents.EncodedSection] {
        typealias S = ReleaseFormat.Section
        typealias E = ReleaseContents.EncodedSection
        var out: [E] = []
        if hasTitleIndex {
            out += [
                E(S.titleNorm, titleNorm), E(S.titleNormOffsets, titleNormOffsets),
                E(S.titleTokens, titleTokens), E(S.titleTokenOffs, titleTokenOffsets),
                E(S.titlePostings, titlePostings), E(S.titlePostingOffs, titlePostingOffsets),
                E(S.titleSorted, titleSorted), E(S.titleSortRank, titleSortRank), E(S.titleByPop, titleByPopularity),
            ]
        }
        if recentN > 0 {
            out += [E(S.recentMovies, recentMovies), E(S.recentRatings, recentRatings), E(S.recentTimes, recentTimes)]
        }
        if !reportHTML.isEmpty { out.append(E(S.reportHTML, reportHTML)) }
        return out
    }
}
