import ReelCore
import ReelLakehouse

/// TEMPORARY stand-in for the release reader (issue 5), so the daemon and the
/// lookup commands compile before it lands. The lead deletes this file at
/// merge; the real `Release` maps and verifies the file in `init(path:)`.
public final class Release: RecommendationStore {
    public init(path: String) throws {
        throw ReelError(.notFound, "release reader not built yet (cannot open \(path))")
    }

    public var releaseID: String { "" }
    public var createdAt: Int64 { 0 }
    public var storedK: Int { 0 }
    public var similarK: Int { 0 }
    public var trendingK: Int { 0 }
    public var userCount: Int { 0 }
    public var movieCount: Int { 0 }
    public var metadataJSON: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: nil, count: 0) }
    public func movieRow(forID id: Int32) -> Int? { nil }
    public func movie(row: Int) -> MovieView {
        MovieView(row: row, id: 0, title: UnsafeRawBufferPointer(start: nil, count: 0), year: 0, genres: 0,
                  ratingCount: 0, ratingMean: 0)
    }
    public func userRow(forID id: Int32) -> Int? { nil }
    public func recommendations(userRow: Int) -> RankedList { .empty }
    public func similar(movieRow: Int) -> RankedList { .empty }
    public func trending(window: TrendingWindow, genre: Int?) -> RankedList { .empty }
    public func popularity(movieRow: Int, window: TrendingWindow) -> Float { 0 }
}
