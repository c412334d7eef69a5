import NIOCore
import ReelCore
import ReelServing

/// The body of `GET /v1/release`: the release's id, times and counts, plus the
/// metadata object the publisher stored (params, metrics, fingerprints), its keys
/// camelCased and its numbers rounded (`JSONStyle`).
enum ReleaseJSON {
    static func write<Store>(_ release: ServedRelease<Store>, now: Int64, into buffer: inout ByteBuffer) {
        let store = release.store
        buffer.writeStaticString("{\"id\":")
        buffer.writeBytes(release.idJSON)
        buffer.writeStaticString(",\"created\":")
        buffer.writeJSONString(Clock.iso8601(store.createdAt))
        buffer.writeStaticString(",\"createdAt\":")
        buffer.writeJSONInteger(store.createdAt)
        buffer.writeStaticString(",\"ageSeconds\":")
        buffer.writeJSONInteger(max(Clock.elapsed(from: store.createdAt, to: now), 0))
        buffer.writeStaticString(",\"loaded\":")
        buffer.writeJSONString(Clock.iso8601(release.loadedAt))
        buffer.writeStaticString(",\"counts\":{\"users\":")
        buffer.writeJSONInteger(store.userCount)
        buffer.writeStaticString(",\"movies\":")
        buffer.writeJSONInteger(store.movieCount)
        buffer.writeStaticString(",\"recommendationsPerUser\":")
        buffer.writeJSONInteger(store.storedK)
        buffer.writeStaticString(",\"similarPerMovie\":")
        buffer.writeJSONInteger(store.similarK)
        buffer.writeStaticString(",\"trendingPerList\":")
        buffer.writeJSONInteger(store.trendingK)
        buffer.writeStaticString("},\"metadata\":")
        let metadata = store.metadataJSON
        if looksLikeObject(metadata) {
            // Stored with the publisher's snake_case names; served in the API's one style (camelCase
            // keys, rounded numbers). Not a hot route: converted per request.
            buffer.writeBytes(JSONStyle.camelCased(metadata))
        } else {
            buffer.writeStaticString("null")
        }
        buffer.writeInteger(UInt8(ascii: "}"))
    }

    /// The publisher writes the metadata as one JSON object; anything else
    /// (empty, truncated) is served as `null` rather than breaking the body.
    private static func looksLikeObject(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }),
            let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return false }
        return bytes[first] == UInt8(ascii: "{") && bytes[last] == UInt8(ascii: "}")
    }
}
