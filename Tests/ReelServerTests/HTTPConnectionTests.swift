import Logging
import NIOCore
import NIOEmbedded
@testable import ReelServer
import Testing

/// The connection handler on an in-memory channel: the reads arrive exactly
/// as the test splits them, so split heads, pipelining and the order and
/// batching of writes are checked deterministically.
@Suite("HTTP connection handler")
struct HTTPConnectionTests {
    /// A connected channel whose handler serves a `FakeStore`.
    private func connection() throws -> (EmbeddedChannel, ServerMetrics) {
        let slot = ReleaseSlot<FakeStore>()
        slot.install(ServedRelease(FakeStore()))
        let metrics = ServerMetrics()
        let settings = HandlerSettings(
            parser: HTTPRequestParser(maxTargetBytes: 2048, maxHeadBytes: 4096),
            idleNanoseconds: 600_000_000_000, headDeadlineNanoseconds: 600_000_000_000,
            accessLog: false)
        let channel = EmbeddedChannel(
            handler: LookupHTTPHandler(
                slot: slot, metrics: metrics, settings: settings,
                logger: Logger(label: "reel.test")))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8000)).wait()
        return (channel, metrics)
    }

    private func send(_ channel: EmbeddedChannel, _ text: String) throws {
        try channel.writeInbound(ByteBuffer(string: text))
    }

    /// Every buffer written since the last call, as text, one entry per write.
    private func writes(_ channel: EmbeddedChannel) throws -> [String] {
        var out: [String] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { out.append(String(buffer: buffer)) }
        return out.filter { !$0.isEmpty }
    }

    /// The status lines of the responses in `text` (a body is not followed by a line end).
    private func statusLines(_ text: String) -> [String] {
        text.components(separatedBy: "HTTP/1.1 ").dropFirst().map { "HTTP/1.1 " + $0.prefix { $0 != "\r\n" } }
    }

    @Test("a head split across reads is answered once it completes")
    func splitHead() throws {
        let (channel, _) = try connection()
        try send(channel, "GET /v1/movies/1 HT")
        #expect(try writes(channel).isEmpty)
        try send(channel, "TP/1.1\r\nHost: x\r")
        #expect(try writes(channel).isEmpty)
        try send(channel, "\n\r\n")
        let out = try writes(channel)
        #expect(out.count == 1)
        #expect(statusLines(out.joined()) == ["HTTP/1.1 200 OK"])
        #expect(out.joined().contains("\"title\":\"Toy Story\""))
        #expect(channel.isActive)
    }

    @Test("two pipelined requests fed one byte at a time: two answers, in order")
    func byteAtATime() throws {
        let (channel, metrics) = try connection()
        var all = ""
        for byte in "GET /v1/movies/1 HTTP/1.1\r\n\r\nGET /v1/movies/2 HTTP/1.1\r\nHost: x\r\n\r\n".utf8 {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
            all += try writes(channel).joined()
        }
        #expect(statusLines(all).count == 2)
        let toyStory = try #require(all.range(of: "Toy Story"))
        let jumanji = try #require(all.range(of: "Jumanji"))
        #expect(toyStory.lowerBound < jumanji.lowerBound)
        #expect(metrics.requestCount(route: .movie, status: .ok) == 2)
    }

    @Test("pipelined requests in one read are answered in order with one write")
    func pipelinedOneWrite() throws {
        let (channel, _) = try connection()
        try send(channel, "GET /healthz HTTP/1.1\r\n\r\n\r\nHEAD /v1/movies/1 HTTP/1.1\r\n\r\nGET /nope HTTP/1.1\r\n\r\nGET /v1/mov")
        let out = try writes(channel)
        #expect(out.count == 1, "one write for the whole batch")
        #expect(statusLines(out[0]) == ["HTTP/1.1 200 OK", "HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found"])
        #expect(!out[0].contains("Toy Story"), "HEAD has no body")
        // The partial fourth request completes with the next read.
        try send(channel, "ies/2 HTTP/1.1\r\n\r\n")
        #expect(try writes(channel).joined().contains("Jumanji"))
    }

    @Test("Connection: close is answered, then the connection closes and later bytes are ignored")
    func connectionClose() throws {
        let (channel, _) = try connection()
        try send(channel, "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\nGET /readyz HTTP/1.1\r\n\r\n")
        let out = try writes(channel).joined()
        #expect(statusLines(out) == ["HTTP/1.1 200 OK"])
        #expect(out.contains("\r\nConnection: close\r\n"))
        #expect(!channel.isActive)
    }

    @Test("HTTP/1.0 closes unless it asks for keep-alive")
    func http10() throws {
        let (kept, _) = try connection()
        try send(kept, "GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(try writes(kept).joined().contains("\r\nConnection: keep-alive\r\n"))
        #expect(kept.isActive)
        let (closed, _) = try connection()
        try send(closed, "GET /healthz HTTP/1.0\r\n\r\n")
        #expect(try writes(closed).joined().contains("\r\nConnection: close\r\n"))
        #expect(!closed.isActive)
    }

    @Test("a bad request after good ones: the good ones are answered first, then the error, then close")
    func errorAfterPipelined() throws {
        let (channel, metrics) = try connection()
        try send(channel, "GET /healthz HTTP/1.1\r\n\r\nGET /healthz HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc")
        let out = try writes(channel).joined()
        #expect(statusLines(out) == ["HTTP/1.1 200 OK", "HTTP/1.1 413 Content Too Large"])
        #expect(out.hasSuffix("\"error\":\"body_not_allowed\",\"detail\":\"requests to this API carry no body\"}"))
        #expect(!channel.isActive)
        #expect(metrics.requestCount(route: .invalid, status: .contentTooLarge) == 1)
    }

    @Test("a head over the limit that never ends is refused without waiting for its end")
    func endlessHead() throws {
        let (channel, _) = try connection()
        try send(channel, "GET /healthz HTTP/1.1\r\n")
        for _ in 0..<5 { try send(channel, "X-Filler: " + String(repeating: "f", count: 990) + "\r\n") }
        #expect(statusLines(try writes(channel).joined()) == ["HTTP/1.1 431 Request Header Fields Too Large"])
        #expect(!channel.isActive)
    }
}
