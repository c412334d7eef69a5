import ReelSilver
import ReelRelease
import ReelServing
import ReelCore

/// A release with an id, a creation time and counts but no lists: all the
/// daemon's /metrics reads from the store it serves. Lookups are never made.
final class EmptyStore: RecommendationStore, @unchecked Sendable {
    // @unchecked: immutable; the metadata pointer is empty.
    let releaseID: String
    let createdAt: Int64
    let storedK = 100
    let similarK = 20
    let trendingK = 100
    let userCount = 162_541
    let movieCount = 59_047
    let metadataJSON = UnsafeRawBufferPointer(start: nil, count: 0)

    init(releaseID: String, createdAt: Int64) {
        self.releaseID = releaseID
        self.createdAt = createdAt
    }

    func movieRow(forID id: Int32) -> Int? { nil }
    func movie(row: Int) -> MovieView {
        MovieView(row: row, id: 0, title: UnsafeRawBufferPointer(start: nil, count: 0), year: 0, genres: 0,
                  ratingCount: 0, ratingMean: 0)
    }
    func userRow(forID id: Int32) -> Int? { nil }
    func recommendations(userRow: Int) -> RankedList { .empty }
    func similar(movieRow: Int) -> RankedList { .empty }
    func trending(window: TrendingWindow, genre: Int?) -> RankedList { .empty }
    func popularity(movieRow: Int, window: TrendingWindow) -> Float { 0 }
}
