/// Accepted tags grouped by movie (tags.csv). Tag i of movie row m is
/// `movieOffsets[m] ≤ i < movieOffsets[m+1]`, in file order within a movie.
public struct SilverTags: Sendable, Equatable {
    public var movieOffsets: [Int64]
    /// External userId of the tagger (taggers need not have rated anything).
    public var userIDs: [Int32]
    public var times: [Int64]
    /// UTF-8 text of tag i: `textBytes[textOffsets[i] ..< textOffsets[i+1]]`.
    public var textOffsets: [UInt32]
    public var textBytes: [UInt8]

    public init(movieOffsets: [Int64], userIDs: [Int32], times: [Int64], textOffsets: [UInt32], textBytes: [UInt8]) {
        self.movieOffsets = movieOffsets
        self.userIDs = userIDs
        self.times = times
        self.textOffsets = textOffsets
        self.textBytes = textBytes
    }

    /// No tags for `movieCount` movies.
    public static func empty(movieCount: Int) -> SilverTags {
        SilverTags(
            movieOffsets: [Int64](repeating: 0, count: movieCount + 1), userIDs: [], times: [],
            textOffsets: [0], textBytes: [])
    }

    public var count: Int { userIDs.count }

    public func text(_ i: Int) -> String {
        String(decoding: textBytes[Int(textOffsets[i])..<Int(textOffsets[i + 1])], as: UTF8.self)
    }

    /// Tag indices of movie row `m`.
    public func tags(ofMovie m: Int) -> Range<Int> { Int(movieOffsets[m])..<Int(movieOffsets[m + 1]) }
}
