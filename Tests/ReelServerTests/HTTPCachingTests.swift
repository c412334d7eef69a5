import Logging
import NIOCore
import NIOEmbedded
@testable import ReelServer
import Testing

/// `ETag`/`Cache-Control` per release, `If-None-Match` → 304, and CORS
/// (preflight and `Access-Control-Allow-Origin`), at the responder and on an
/// in-memory connection.
@Suite("HTTP caching and CORS")
struct HTTPCachingTests {
    private func release(_ store: FakeStore = FakeStore()) -> ServedRelease<FakeStore> { ServedRelease(store) }

    @Test("the tag is fixed per release and differs between releases")
    func tagPerRelease() {
        let a = release().cacheHeaders
        #expect(a == release().cacheHeaders, "two loads of one release: one tag")
        #expect(a != release(FakeStore(releaseID: "20261126T020000Z-next")).cacheHeaders)
        let tag = String(decoding: a.tag, as: UTF8.self)
        #expect(tag.count == 18 && tag.hasPrefix("\"") && tag.hasSuffix("\""))
        #expect(String(decoding: a.lines, as: UTF8.self) == "\r\nETag: \(tag)\r\nCache-Control: public, max-age=60")
    }

    @Test("If-None-Match: the tag, a weak tag or a list containing it match; others and * do not")
    func matching() {
        let headers = release().cacheHeaders
        let tag = String(decoding: headers.tag, as: UTF8.self)
        func matches(_ value: String) -> Bool {
            var value = value
            return value.withUTF8 { headers.isMatched(by: UnsafeRawBufferPointer($0)) }
        }
        #expect(matches(tag))
        #expect(matches("W/\(tag)"))
        #expect(matches("\"0000000000000000\", \(tag)"))
        #expect(!matches("\"0000000000000000\""))
        #expect(!matches("*"))
        #expect(!matches(""))
        #expect(!matches(String(tag.dropLast())))
    }

    @Test("lookups carry the release's headers; a matching If-None-Match is a 304 with no body")
    func notModified() {
        var (responder, metrics) = makeResponder()
        let headers = release().cacheHeaders
        for target in [
            "/v1/users/1/recommendations?k=3", "/v1/trending", "/v1/movies/1", "/v1/movies/1/similar",
            "/v1/movies?q=toy", "/v1/users/1/ratings",
        ] {
            let (summary, body) = responder.call(target)
            #expect(summary.status == .ok && summary.caching == .validated(headers), "\(target)")
            #expect(!body.isEmpty)
            var tag = headers.tag
            var out = ByteBuffer()
            let again = tag.withUnsafeMutableBytes { tagBytes in
                var t = target
                return t.withUTF8 {
                    responder.respond(
                        .get, target: UnsafeRawBufferPointer($0),
                        ifNoneMatch: UnsafeRawBufferPointer(tagBytes), into: &out)
                }
            }
            #expect(again.status == .notModified && again.caching == .validated(headers), "\(target)")
            #expect(out.readableBytes == 0, "\(target): a 304 has no body")
        }
        _ = metrics
    }

    @Test("errors, probes, metrics and /v1/release are no-store; /openapi.json revalidates by its own tag")
    func noStore() {
        var (responder, _) = makeResponder()
        for target in [
            "/healthz", "/readyz", "/metrics", "/v1/release", "/v1/movies/999999", "/nope",
            "/v1/trending?window=1y",
        ] {
            #expect(responder.call(target).0.caching == .noStore, "\(target)")
        }
        #expect(responder.call("/openapi.json").0.caching == .validated(.openAPI))
        #expect(String(decoding: CacheHeaders.openAPI.lines, as: UTF8.self).hasSuffix("Cache-Control: no-cache"))
    }

    @Test("OPTIONS on a known path is a 204 for that route; on an unknown one a 404")
    func options() {
        var (responder, _) = makeResponder()
        #expect(responder.call("/v1/recommendations", method: .options).0 == ResponseSummary(status: .noContent, route: .foldIn))
        #expect(responder.call("/v1/users/3/recommendations", method: .options).0.route == .recommendations)
        #expect(responder.call("/v1/trending?k=2", method: .options).0.status == .noContent)
        #expect(responder.call("/nowhere", method: .options).0.status == .notFound)
    }

    @Test("the parser reads OPTIONS and the If-None-Match value in place")
    func parser() throws {
        let parser = HTTPRequestParser(maxTargetBytes: 1024, maxHeadBytes: 4096)
        let text = "GET /v1/trending HTTP/1.1\r\nHost: x\r\nif-none-match:  \"abc\" \r\n\r\n"
        var bytes = Array(text.utf8)
        let parsed = bytes.withUnsafeMutableBytes { parser.parse(UnsafeRawBufferPointer($0)) }
        guard case .request(let head) = parsed else { Issue.record("not parsed: \(parsed)"); return }
        let range = try #require(head.ifNoneMatch)
        #expect(String(decoding: bytes[range], as: UTF8.self) == "\"abc\"")
        var options = Array("OPTIONS /v1/recommendations HTTP/1.1\r\n\r\n".utf8)
        let o = options.withUnsafeMutableBytes { parser.parse(UnsafeRawBufferPointer($0)) }
        guard case .request(let oh) = o else { Issue.record("not parsed"); return }
        #expect(oh.method == .options && oh.ifNoneMatch == nil)
    }

    @Test("CORS origins: * or scheme://host[:port]; anything else is a usage problem")
    func corsOrigins() {
        for good in ["*", "https://app.example.com", "http://localhost:5173"] {
            #expect(CORSPolicy.problem(good) == nil, "\(good)")
        }
        for bad in [
            "app.example.com", "https://app.example.com/path", "https://a b", "ftp://x", "https://",
            "https://x\r\nSet-Cookie: a=b", String(repeating: "h", count: 300),
        ] {
            #expect(CORSPolicy.problem(bad) != nil, "\(bad)")
        }
        var configuration = ServerConfiguration(releasePath: "")
        configuration.corsOrigin = "example.com"
        #expect(ServeLimits.problems(configuration).contains { $0.contains("--cors-origin") })
        #expect(CORSPolicy(origin: "") == nil && CORSPolicy(origin: nil) == nil)
    }

    /// A connection handler over a `FakeStore`, with CORS for `origin` when given.
    private func connection(cors origin: String?) throws -> EmbeddedChannel {
        let slot = ReleaseSlot<FakeStore>()
        slot.install(ServedRelease(FakeStore()))
        let settings = HandlerSettings(
            parser: HTTPRequestParser(maxTargetBytes: 2048, maxHeadBytes: 4096),
            idleNanoseconds: 600_000_000_000, headDeadlineNanoseconds: 600_000_000_000,
            accessLog: false, cors: CORSPolicy(origin: origin))
        let channel = EmbeddedChannel(
            handler: LookupHTTPHandler(
                slot: slot, metrics: ServerMetrics(), settings: settings,
                logger: Logger(label: "reel.test")))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8000)).wait()
        return channel
    }

    private func exchange(_ channel: EmbeddedChannel, _ request: String) throws -> String {
        try channel.writeInbound(ByteBuffer(string: request))
        var out = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { out += String(buffer: buffer) }
        return out
    }

    @Test("on the wire: ETag and Cache-Control, a bodiless 304, CORS headers and the preflight")
    func onTheWire() throws {
        let channel = try connection(cors: "https://app.example.com")
        let tag = String(decoding: release().cacheHeaders.tag, as: UTF8.self)
        let ok = try exchange(channel, "GET /v1/movies/1 HTTP/1.1\r\n\r\n")
        #expect(ok.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(ok.contains("\r\nETag: \(tag)\r\nCache-Control: public, max-age=60\r\n"))
        #expect(ok.contains("\r\nAccess-Control-Allow-Origin: https://app.example.com\r\nAccess-Control-Expose-Headers: ETag\r\n"))
        let notModified = try exchange(channel, "GET /v1/movies/1 HTTP/1.1\r\nIf-None-Match: \(tag)\r\n\r\n")
        #expect(notModified.hasPrefix("HTTP/1.1 304 Not Modified\r\n"))
        #expect(notModified.hasSuffix("\r\n\r\n") && !notModified.contains("Content-Length") && !notModified.contains("Toy Story"))
        #expect(notModified.contains("ETag: \(tag)"))
        let preflight = try exchange(
            channel,
            "OPTIONS /v1/recommendations HTTP/1.1\r\nOrigin: https://app.example.com\r\n"
                + "Access-Control-Request-Method: POST\r\n\r\n")
        #expect(preflight.hasPrefix("HTTP/1.1 204 No Content\r\n"))
        #expect(
            preflight.contains(
                "\r\nAccess-Control-Allow-Methods: POST\r\nAccess-Control-Allow-Headers: Content-Type, If-None-Match\r\nAccess-Control-Max-Age: 600"))
        #expect(preflight.contains("\r\nAllow: POST\r\n") && !preflight.contains("Content-Length"))
        let health = try exchange(channel, "GET /healthz HTTP/1.1\r\n\r\n")
        #expect(health.contains("\r\nCache-Control: no-store\r\n") && !health.contains("\r\nETag:"))
        // The connection stays usable after the bodiless answers.
        #expect(try exchange(channel, "GET /v1/movies/2 HTTP/1.1\r\n\r\n").contains("Jumanji"))

        let plain = try connection(cors: nil)
        let noCORS = try exchange(plain, "OPTIONS /v1/trending HTTP/1.1\r\n\r\n")
        #expect(noCORS.hasPrefix("HTTP/1.1 204 No Content\r\n") && noCORS.contains("\r\nAllow: GET, HEAD\r\n"))
        let plainGet = try exchange(plain, "GET /v1/trending HTTP/1.1\r\n\r\n")
        #expect(!noCORS.contains("Access-Control") && !plainGet.contains("Access-Control"))
    }
}
