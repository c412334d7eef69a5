import NIOCore
import ReelServing

/// The body of a fold-in answer: the shape of `GET /v1/users/{id}/recommendations`
/// with `"source": "fold-in"`, the order served (`mode`) and the request's
/// movie ids the release does not know (`ignored`).
///
///     {"userId":null,"source":"fold-in","mode":"hybrid","weights":{…},"release":"…",
///      "count":10,"items":[…],"ignored":[999999]}
enum FoldInJSON {
    static func write<Store>(
        _ answer: FoldInAnswer, items: [(movie: Int32, score: Float)], ignored: [Int32],
        release: ServedRelease<Store>, into buffer: inout ByteBuffer
    ) {
        buffer.writeJSON(maxBytes: 256 + 4 * RawJSONWriter.maxNumberBytes + release.idJSON.count) { w in
            w.literal("{\"userId\":")
            if let id = answer.userID { w.integer(Int64(id)) } else { w.literal("null") }
            w.literal(",\"source\":\"fold-in\",\"mode\":")
            w.byte(UInt8(ascii: "\""))
            for byte in (answer.mode == .hybrid ? "hybrid" : RecommendationSource.als.name(in: release.store)).utf8 {
                w.byte(byte)
            }
            w.byte(UInt8(ascii: "\""))
            if let weights = answer.weights {
                w.literal(",\"weights\":{\"model\":")
                w.number(Double(weights.model))
                w.literal(",\"trending\":")
                w.number(Double(weights.trending))
                w.literal(",\"diversity\":")
                w.number(Double(weights.diversity))
                w.byte(UInt8(ascii: "}"))
            }
            w.literal(",\"release\":")
            release.idJSON.withUnsafeBytes { w.bytes($0) }
            w.literal(",\"count\":")
            w.integer(Int64(items.count))
            w.literal(",\"items\":[")
        }
        if let summaries = release.movieSummaries {
            summaries.withRows { LookupJSON.writeItems(items, summaries: $0, into: &buffer) }
        } else {
            for (i, item) in items.enumerated() {
                LookupJSON.writeItem(
                    rank: i + 1, movie: release.store.movie(row: Int(item.movie)), score: item.score,
                    into: &buffer)
            }
        }
        buffer.writeStaticString("],\"ignored\":[")
        buffer.writeJSON(maxBytes: 2 + ignored.count * 12) { w in
            for (i, id) in ignored.enumerated() {
                if i > 0 { w.byte(UInt8(ascii: ",")) }
                w.integer(Int64(id))
            }
            w.byte(UInt8(ascii: "]"))
            w.byte(UInt8(ascii: "}"))
        }
    }
}
