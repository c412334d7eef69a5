import NIOCore
import ReelCore
import ReelRelease

/// A store as served: the store plus what every response repeats about it,
/// rendered once when it is loaded (its id as a JSON string), not per request.
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

    public init(_ store: Store, loadedAt: Int64 = Clock.now()) {
        self.store = store
        self.loadedAt = loadedAt
        var buffer = ByteBufferAllocator().buffer(capacity: 64)
        buffer.writeJSONString(store.releaseID)
        self.idJSON = Array(buffer.readableBytesView)
    }

    public var releaseID: String { store.releaseID }
}
