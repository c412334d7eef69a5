import ReelCore

/// Which caching headers a response carries (docs/serving.md, "Caching").
///
/// Everything a lookup answers is a pure function of the release and the
/// request target, so one entity tag per release validates every lookup
/// response: a client that holds a copy tagged for the served release holds
/// the current answer. Responses that change with time or with the daemon's
/// state (errors, `/v1/release` with its age, probes, metrics) are `no-store`.
/// Web pages and assets carry their own `Cache-Control` (`WebAsset.Kind`).
enum Caching: Equatable {
    /// `Cache-Control: no-store`.
    case noStore
    /// An `ETag` and a `Cache-Control` rendered once (per release, or per binary).
    case validated(CacheHeaders)

    /// Bytes `ResponseHead` writes for this.
    var byteCount: Int {
        switch self {
        case .noStore: return CacheHeaders.noStoreLine.utf8CodeUnitCount
        case .validated(let headers): return headers.lines.count
        }
    }
}

/// An entity tag and the header lines that carry it, rendered when a release
/// is loaded so the request path only copies bytes.
struct CacheHeaders: Sendable, Equatable {
    /// Seconds a client or proxy may reuse a lookup answer without asking: a
    /// new release reaches every client within this, and revalidation after
    /// it is a 304 with no body while the release stays.
    static let lookupMaxAge = 60
    static let noStoreLine: StaticString = "\r\nCache-Control: no-store"

    /// The quoted tag, `"0123456789abcdef"` (16 hex digits of an xxh3).
    let tag: [UInt8]
    /// `\r\nETag: "…"\r\nCache-Control: …`.
    let lines: [UInt8]

    init(hash: UInt64, cacheControl: String) {
        tag = Array("\"\(XXH3.hex(hash))\"".utf8)
        lines = Array("\r\nETag: ".utf8) + tag + Array("\r\nCache-Control: \(cacheControl)".utf8)
    }

    /// The headers of a release's lookup answers. The tag hashes the release's
    /// id, creation time and metadata (fingerprints of its data and model)
    /// with the API document, so it changes with the release and with the
    /// daemon's response format, and is the same on every daemon serving it.
    static func release(id: String, createdAt: Int64, metadata: UnsafeRawBufferPointer) -> CacheHeaders {
        let stream = XXH3Stream()
        var id = id
        id.withUTF8 { stream.update(UnsafeRawBufferPointer($0)) }
        withUnsafeBytes(of: createdAt.littleEndian) { stream.update($0) }
        stream.update(metadata)
        withUnsafeBytes(of: openAPIHash.littleEndian) { stream.update($0) }
        return CacheHeaders(hash: stream.digest, cacheControl: "public, max-age=\(lookupMaxAge)")
    }

    private static let openAPIHash = OpenAPISpec.jsonBytes.withUnsafeBytes { XXH3.hash($0) }

    /// `/openapi.json`: fixed per binary; revalidated on every use (`no-cache`)
    /// so an upgraded daemon's document is seen at once.
    static let openAPI = CacheHeaders(hash: openAPIHash, cacheControl: "no-cache")

    /// Whether an `If-None-Match` value names this tag: a comma-separated list
    /// of tags, weak (`W/"…"`) or strong, compared weakly (RFC 9110 §13.1.2).
    /// `*` is not honoured (the answer is simply sent). No allocation.
    func isMatched(by value: UnsafeRawBufferPointer) -> Bool {
        guard !value.isEmpty else { return false }
        return tag.withUnsafeBytes { tag in
            var rest: UnsafeRawBufferPointer? = value
            while let remaining = rest {
                let (entry, next) = remaining.splitOnce(at: UInt8(ascii: ","))
                rest = next
                var candidate = entry.trimmingSpaces()
                if let strong = candidate.dropPrefix("W/") { candidate = strong }
                if candidate.count == tag.count && candidate.elementsEqual(tag) {
                    return true
                }
            }
            return false
        }
    }
}

extension UnsafeRawBufferPointer {
    /// Without leading and trailing spaces and tabs.
    fileprivate func trimmingSpaces() -> UnsafeRawBufferPointer {
        var start = 0, end = count
        while start < end, self[start] == 0x20 || self[start] == 0x09 { start += 1 }
        while end > start, self[end - 1] == 0x20 || self[end - 1] == 0x09 { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: self[start..<end])
    }
}

extension WebRequest {
    /// Title search and recent ratings answer from the release like the
    /// lookups (release-tagged); pages and the report have their own headers.
    var isLookup: Bool {
        switch self {
        case .movieSearch, .userRatings: return true
        case .page, .report: return false
        }
    }
}
