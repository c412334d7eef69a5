import ReelCore
import ReelServing

/// A release with an id, a creation time and counts but empty lists: all the
/// daemon's /metrics reads from the store it serves. Movie and user rows map
/// to ids row + 1, so it keeps the `RecommendationStore` contract like every
/// other store (`RecommendationStoreConformanceTests`).
package final class EmptyStore: RecommendationStore, @unchecked Sendable {
    // @unchecked: immutable; the metadata bytes are freed in deinit.
    package let releaseID: String
    package let createdAt: Int64
    package let storedK = 100
    package let similarK = 20
    package let trendingK = 100
    package let userCount = 162_541
    package let movieCount = 59_047
    /// `{}`: the meta section is a JSON object even when it says nothing.
    package let metadataJSON: UnsafeRawBufferPointer
    private let metadata: UnsafeMutableRawBufferPointer

    package init(releaseID: String, createdAt: Int64) {
        self.releaseID = releaseID
        self.createdAt = createdAt
        metadata = .allocate(byteCount: 2, alignment: 1)
        metadata.copyBytes(from: Array("{}".utf8))
        metadataJSON = UnsafeRawBufferPointer(metadata)
    }

    deinit { metadata.deallocate() }

    package func movieRow(forID id: Int32) -> Int? { id >= 1 && Int(id) <= movieCount ? Int(id) - 1 : nil }
    package func movie(row: Int) -> MovieView {
        MovieView(
            row: row, id: Int32(row + 1), title: UnsafeRawBufferPointer(start: nil, count: 0), year: 0, genres: 0,
            ratingCount: 0, ratingMean: 0)
    }
    package func userRow(forID id: Int32) -> Int? { id >= 1 && Int(id) <= userCount ? Int(id) - 1 : nil }
    package func recommendations(userRow: Int) -> RankedList { .empty }
    package func similar(movieRow: Int) -> RankedList { .empty }
    package func trending(window: TrendingWindow, genre: Int?) -> RankedList { .empty }
    package func popularity(movieRow: Int, window: TrendingWindow) -> Float { 0 }
}
