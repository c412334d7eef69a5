import NIOCore
import ReelCore
import ReelServing

/// A store as served: the store plus what responses repeat about it,
/// rendered once when it is loaded (its id as a JSON string, and for the
/// daemon every movie's list-item JSON), not per request.
///
/// Requests hold this object for their duration; when a hot swap replaces it
/// and the last request using it finishes, ARC frees it and with it the store
/// (for a `Release`, that unmaps the file).
public final class ServedRelease<Store: RecommendationStore>: Sendable {
    public let store: Store
    /// When the daemon (or CLI) loaded it, seconds since the epoch.
    public let loadedAt: Int64
    /// The release id, JSON-escaped and quoted.
    let idJSON: [UInt8]
    /// Every movie's list-item JSON, when rendered at load (the daemon does; a one-shot CLI call does not).
    let movieSummaries: MovieSummaryTable?
    /// The fold-in solver (`POST /v1/recommendations`), built at load when
    /// pre-rendering (the daemon) and the release has the sections; else nil.
    public let foldIn: FoldInModel?
    /// The `ETag` and `Cache-Control` of its lookup answers (`CacheHeaders.release`).
    let cacheHeaders: CacheHeaders

    /// - Parameter preRender: render every movie's list-item JSON now (`MovieSummaryTable`):
    ///   worth it for a daemon answering many requests, not for one CLI lookup.
    public init(_ store: Store, loadedAt: Int64 = Clock.now(), preRender: Bool = false) {
        self.store = store
        self.loadedAt = loadedAt
        self.movieSummaries = preRender ? MovieSummaryTable(store) : nil
        self.foldIn = preRender ? store.makeFoldInModel() : nil
        var buffer = ByteBufferAllocator().buffer(capacity: 64)
        buffer.writeJSONString(store.releaseID)
        self.idJSON = Array(buffer.readableBytesView)
        self.cacheHeaders = .release(id: store.releaseID, createdAt: store.createdAt, metadata: store.metadataJSON)
    }

    public var releaseID: String { store.releaseID }
}
