import ReelCore
@testable import ReelServer
import Testing

/// The daemon's own HTTP/1.1 request-head parser, on byte strings.
@Suite("HTTP request parser")
struct HTTPRequestParserTests {
    static let parser = HTTPRequestParser(maxTargetBytes: 64, maxHeadBytes: 256)

    private func parse(_ text: String, _ parser: HTTPRequestParser = Self.parser, searchFrom: Int = 0) -> ParsedHead {
        Array(text.utf8).withUnsafeBytes { parser.parse($0, searchFrom: searchFrom) }
    }

    /// The parsed head, with its target as text; nil for anything but a complete request.
    private func request(_ text: String) -> (head: RequestHead, target: String)? {
        guard case .request(let head) = parse(text) else { return nil }
        return (head, String(decoding: Array(text.utf8)[head.target], as: UTF8.self))
    }

    private func status(_ text: String, _ parser: HTTPRequestParser = Self.parser) -> Int? {
        if case .failure(let problem) = parse(text, parser) { return parser.failure(problem).status.rawValue }
        return nil
    }

    @Test("a GET: method, target, keep-alive and the head's length")
    func simpleGet() throws {
        let text = "GET /v1/users/7/recommendations?k=10 HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n"
        let (head, target) = try #require(request(text))
        #expect(head.method == .get)
        #expect(target == "/v1/users/7/recommendations?k=10")
        #expect(head.persistence == .keepAlive)
        #expect(head.length == text.utf8.count)
    }

    @Test("methods: GET, HEAD, POST (fold-in) and OPTIONS (preflight) are known, any other token is 'other' (405 at the router)")
    func methods() {
        #expect(request("HEAD /healthz HTTP/1.1\r\n\r\n")?.head.method == .head)
        #expect(request("POST /healthz HTTP/1.1\r\n\r\n")?.head.method == .post)
        #expect(request("OPTIONS /healthz HTTP/1.1\r\n\r\n")?.head.method == .options)
        for method in ["PUT", "DELETE", "get", "BREW"] {
            #expect(request("\(method) /healthz HTTP/1.1\r\n\r\n")?.head.method == .other, "\(method)")
        }
    }

    @Test("POST bodies: Content-Length up to the limit is read, larger is 413, chunked is 411, Content-Type is noted")
    func postBodies() throws {
        let head = try #require(
            request("POST /v1/recommendations HTTP/1.1\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 12\r\n\r\n")?.head)
        #expect(head.bodyLength == 12 && head.bodyType == .json)
        #expect(request("POST /v1/recommendations HTTP/1.1\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n")?.head.bodyType == .other)
        #expect(request("POST /v1/recommendations HTTP/1.1\r\n\r\n")?.head.bodyLength == 0)
        #expect(status("POST /v1/recommendations HTTP/1.1\r\nContent-Length: 65537\r\n\r\n") == 413)
        #expect(status("POST /v1/recommendations HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n") == 413)
        #expect(status("POST /v1/recommendations HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") == 411)
    }

    @Test("a head split at every byte is incomplete until its last byte, then parses the same")
    func splitReads() throws {
        let text = Array("GET /v1/trending?genre=Comedy HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n".utf8)
        let whole = text.withUnsafeBytes { Self.parser.parse($0) }
        for cut in 1..<text.count {
            let prefix = Array(text[..<cut])
            #expect(prefix.withUnsafeBytes { Self.parser.parse($0) } == .incomplete, "cut at \(cut)")
            // Resuming the search where a caller that saw `prefix` would resume it finds the same head.
            let resumed = text.withUnsafeBytes { Self.parser.parse($0, searchFrom: max(0, cut - 2)) }
            #expect(resumed == whole, "resumed after \(cut) bytes")
        }
        guard case .request(let head) = whole else { Issue.record("no request in \(whole)"); return }
        #expect(head.length == text.count)
    }

    @Test("pipelined requests: each head's length is where the next one starts")
    func pipelining() throws {
        let first = "GET /v1/movies/1 HTTP/1.1\r\nHost: x\r\n\r\n"
        let second = "HEAD /v1/movies/2 HTTP/1.1\r\nConnection: close\r\n\r\n"
        let (head, target) = try #require(request(first + second + "GET /partial"))
        #expect(target == "/v1/movies/1")
        #expect(head.length == first.utf8.count)
        let rest = String(decoding: Array((first + second).utf8)[head.length...], as: UTF8.self)
        let (next, nextTarget) = try #require(request(rest))
        #expect(nextTarget == "/v1/movies/2")
        #expect(next.method == .head)
        #expect(next.persistence == .close)
        #expect(parse("GET /partial") == .incomplete)
    }

    @Test("keep-alive: HTTP/1.1 unless close, HTTP/1.0 only when asked; header names and options ignore case")
    func persistence() {
        #expect(request("GET / HTTP/1.1\r\nConnection: close\r\n\r\n")?.head.persistence == .close)
        #expect(request("GET / HTTP/1.1\r\nCONNECTION: Keep-Alive, CLOSE\r\n\r\n")?.head.persistence == .close)
        #expect(request("GET / HTTP/1.1\r\nconnection:keep-alive\r\n\r\n")?.head.persistence == .keepAlive)
        #expect(request("GET / HTTP/1.0\r\n\r\n")?.head.persistence == .close)
        #expect(request("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")?.head.persistence == .keepAliveHTTP10)
        #expect(request("GET / HTTP/1.0\r\nconnection: \t Keep-Alive \r\n\r\n")?.head.persistence == .keepAliveHTTP10)
        // Other headers that merely contain the words do not count.
        #expect(request("GET / HTTP/1.1\r\nX-Connection: close\r\nConnections: close\r\n\r\n")?.head.persistence == .keepAlive)
    }

    @Test("bare LF line ends and empty lines before a request are accepted")
    func lenientLineEnds() throws {
        let (head, target) = try #require(request("GET /healthz HTTP/1.1\nHost: x\n\n"))
        #expect(target == "/healthz")
        #expect(head.length == "GET /healthz HTTP/1.1\nHost: x\n\n".utf8.count)
        #expect(Array("\r\n\r\nGET".utf8).withUnsafeBytes { HTTPRequestParser.leadingEmptyLines($0) } == 4)
        #expect(Array("GET".utf8).withUnsafeBytes { HTTPRequestParser.leadingEmptyLines($0) } == 0)
    }

    @Test("GET/HEAD bodies are refused with 413: a non-zero Content-Length (any case) or any Transfer-Encoding")
    func bodies() {
        #expect(status("PUT /v1/trending HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello") == 413)
        #expect(status("GET /v1/trending HTTP/1.1\r\ncontent-LENGTH: 0012\r\n\r\n") == 413)
        #expect(status("GET /v1/trending HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n") == 413)
        #expect(status("GET /v1/trending HTTP/1.1\r\nTRANSFER-ENCODING: identity\r\n\r\n") == 413)
        #expect(request("GET /healthz HTTP/1.1\r\nContent-Length: 0\r\n\r\n") != nil)
        #expect(request("GET /healthz HTTP/1.1\r\nContent-Length: 000\r\n\r\n") != nil)
        #expect(status("GET /healthz HTTP/1.1\r\nContent-Length: 5x\r\n\r\n") == 400)
        #expect(status("GET /healthz HTTP/1.1\r\nContent-Length:\r\n\r\n") == 400)
    }

    @Test("malformed request lines and header lines are 400")
    func malformed() {
        for text in [
            "BLAH\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET / HTTP/1.1 \r\n\r\n", "GET /\r\n\r\n", "GET  / HTTP/1.1\r\n\r\n",
            " GET / HTTP/1.1\r\n\r\n", "G(T / HTTP/1.1\r\n\r\n", "GET /a\u{01}b HTTP/1.1\r\n\r\n", "GET / http/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nNo colon here\r\n\r\n", "GET / HTTP/1.1\r\n: empty name\r\n\r\n",
            "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
            "GET / HTTP/1.1\r\nX: a\u{00}b\r\n\r\n",
        ] {
            #expect(status(text) == 400, "\(text.debugDescription)")
            if case .failure(let problem) = parse(text) { #expect(Self.parser.failure(problem).code == "malformed_request") }
        }
    }

    @Test("size limits: long targets are 414 and long heads 431, before and after the head completes")
    func limits() {
        let longTarget = "/" + String(repeating: "a", count: 64)
        #expect(status("GET \(longTarget) HTTP/1.1\r\n\r\n") == 414)
        #expect(request("GET \(longTarget.dropLast()) HTTP/1.1\r\n\r\n") != nil, "exactly the limit is allowed")
        // Still arriving: refused as soon as the target passes the limit, without waiting for the line end.
        #expect(status("GET \(longTarget)") == 414)
        #expect(parse("GET \(longTarget.dropLast())") == .incomplete)
        let header = "X-Big: " + String(repeating: "c", count: 60) + "\r\n"
        #expect(status("GET / HTTP/1.1\r\n" + String(repeating: header, count: 4) + "\r\n") == 431)
        #expect(status("GET / HTTP/1.1\r\n" + String(repeating: header, count: 4)) == 431, "incomplete but already too long")
        #expect(request("GET / HTTP/1.1\r\n" + String(repeating: header, count: 3) + "\r\n") != nil)
        // A long target and a long head: the target is what is wrong.
        let wide = HTTPRequestParser(maxTargetBytes: 64, maxHeadBytes: 64)
        #expect(status("GET \(longTarget + longTarget) HTTP/1.1\r\n\r\n", wide) == 414)
        #expect(status("GET /" + String(repeating: "b", count: 300), wide) == 414)
    }

    /// Random requests built from plausible and hostile pieces, parsed whole and
    /// in two parts: the parser never traps, reports only the statuses it
    /// should, keeps offsets inside the bytes, and a split never changes the result.
    @Test("fuzz: 20,000 random heads, whole and split, consistent and in bounds")
    func fuzz() {
        let pieces = [
            "GET", "HEAD", "POST", " ", "  ", "/", "/v1/users/1/recommendations", "?k=10", "HTTP/1.1", "HTTP/1.0",
            "HTTP/2", "\r\n", "\n", "\r", "Host: x", "Connection: close", "connection: keep-alive",
            "Content-Length: 0", "Content-Length: 7", "Content-Length: -1", "Transfer-Encoding: chunked", ":",
            "X-A: b", "\t", "\u{00}", "\u{7f}", "é", String(repeating: "z", count: 70),
        ]
        var rng = SplitMix64(seed: 0x4854_5450)
        var seen = Set<Int>()
        for _ in 0..<20_000 {
            var text = rng.next() % 3 == 0 ? "" : "GET /healthz HTTP/1.1\r\n"
            for _ in 0..<Int(rng.next() % 9) {
                if rng.next() % 5 == 0 {
                    text += String(
                        decoding: (0..<Int(rng.next() % 4)).map { _ in UInt8(truncatingIfNeeded: rng.next()) },
                        as: UTF8.self)
                } else {
                    text += pieces[Int(rng.next() % UInt64(pieces.count))]
                }
            }
            if rng.next() % 2 == 0 { text += "\r\n\r\n" }
            let bytes = Array(text.utf8)
            let whole = bytes.withUnsafeBytes { Self.parser.parse($0) }
            switch whole {
            case .request(let head):
                seen.insert(200)
                #expect(head.length <= bytes.count && head.target.upperBound <= head.length && !head.target.isEmpty)
                #expect(head.target.count <= Self.parser.maxTargetBytes && head.length <= Self.parser.maxHeadBytes)
            case .failure(let problem):
                let failure = Self.parser.failure(problem)
                seen.insert(failure.status.rawValue)
                #expect([400, 413, 414, 431].contains(failure.status.rawValue), "\(text.debugDescription)")
            case .incomplete:
                seen.insert(0)
            }
            // Fed in two parts, as from two reads: what the first part decides, the whole agrees with;
            // an undecided first part resumed where the handler resumes it gives the result of the whole.
            let cut = bytes.isEmpty ? 0 : Int(rng.next() % UInt64(bytes.count))
            switch Array(bytes[..<cut]).withUnsafeBytes({ Self.parser.parse($0) }) {
            case .request(let head):
                #expect(whole == .request(head), "\(text.debugDescription) split at \(cut)")
            case .failure:
                if case .failure = whole {} else { Issue.record("\(text.debugDescription): refused at \(cut) bytes, not whole") }
            case .incomplete:
                let resumed = bytes.withUnsafeBytes { Self.parser.parse($0, searchFrom: max(0, cut - 2)) }
                #expect(resumed == whole, "\(text.debugDescription) split at \(cut)")
            }
        }
        // The generator reaches every outcome, so the checks above ran on each.
        #expect(seen.isSuperset(of: [0, 200, 400, 413, 414, 431]), "\(seen)")
    }
}
