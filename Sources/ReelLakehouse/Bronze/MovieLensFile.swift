/// The four MovieLens tables of the bronze layer, with the header and the
/// quality rules of the data contract (docs/01_data_contracts.md). `reel bronze
/// validate` checks the headers; `reel synth --dirty` injects rows breaking
/// each rule; the ETL rejects rows with the first rule they break, in this order.
public enum MovieLensFile: String, CaseIterable, Sendable {
    case ratings, movies, tags, links

    /// The file's name in the ml-25m folder.
    public var fileName: String { rawValue + ".csv" }

    /// The exact header line the contract requires.
    public var header: String {
        switch self {
        case .ratings: return "userId,movieId,rating,timestamp"
        case .movies: return "movieId,title,genres"
        case .tags: return "userId,movieId,tag,timestamp"
        case .links: return "movieId,imdbId,tmdbId"
        }
    }

    /// The quality rules checked on each row, in the order they are checked.
    public var qualityRules: [BronzeQualityRule] {
        switch self {
        case .ratings:
            return [
                .fieldCount, .userIdInvalid, .movieIdInvalid, .ratingInvalid, .timestampInvalid,
                .timestampTooOld, .timestampInFuture, .movieIdOrphan,
            ]
        case .movies:
            return [.fieldCount, .movieIdInvalid, .movieIdDuplicate, .titleInvalidUTF8, .titleEmpty, .genreUnknown]
        case .tags:
            return [
                .fieldCount, .userIdInvalid, .movieIdInvalid, .tagInvalidUTF8, .tagEmpty, .timestampInvalid,
                .timestampTooOld, .timestampInFuture, .movieIdOrphan,
            ]
        case .links:
            return [.fieldCount, .movieIdInvalid, .imdbIdInvalid, .tmdbIdInvalid, .movieIdOrphan]
        }
    }

    /// Optional files of the real ml-25m folder, carried along when present.
    public static let optionalFiles = ["genome-scores.csv", "genome-tags.csv", "README.txt"]
}

/// A data-quality rule by its contract name (the name the ETL's rejects, its
/// run report and the synth manifest's `dirty` counts use).
public enum BronzeQualityRule: String, CaseIterable, Sendable {
    case fieldCount = "field_count"
    case userIdInvalid = "userId_invalid"
    case movieIdInvalid = "movieId_invalid"
    case ratingInvalid = "rating_invalid"
    case timestampInvalid = "timestamp_invalid"
    case timestampTooOld = "timestamp_too_old"
    case timestampInFuture = "timestamp_in_future"
    case movieIdOrphan = "movieId_orphan"
    case movieIdDuplicate = "movieId_duplicate"
    case titleInvalidUTF8 = "title_invalid_utf8"
    case titleEmpty = "title_empty"
    case genreUnknown = "genre_unknown"
    case tagInvalidUTF8 = "tag_invalid_utf8"
    case tagEmpty = "tag_empty"
    case imdbIdInvalid = "imdbId_invalid"
    case tmdbIdInvalid = "tmdbId_invalid"

    /// 1995-01-01T00:00:00Z: timestamps before it are `timestamp_too_old`.
    public static let oldestTimestamp: Int64 = 788_918_400
}
