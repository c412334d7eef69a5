import Foundation
import ReelCore
@testable import ReelServer
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP fuzzer against the running server (ephemeral port): mutated
/// requests, pipelined batches, trickling clients and clients that never read,
/// side by side, for `REEL_HTTP_FUZZ_SECONDS` (default 3; `make test` runs it
/// longer once more, `make fuzz` for minutes). Deterministic per worker seed.
///
/// Fails on: any 5xx (the store is loaded, so not even 503), a response that
/// is not well-formed HTTP/1.1, a connection the daemon neither answers nor
/// closes within 10 s, the daemon's memory growing past a bound, or /healthz
/// slower than 2 s at the end.
@Suite("HTTP fuzzing: mutated, pipelined, slow and non-reading clients", .serialized)
struct HTTPFuzzTests {
    static let seconds = Double(ProcessInfo.processInfo.environment["REEL_HTTP_FUZZ_SECONDS"] ?? "") ?? 3

    /// Well-formed requests over every route; mutations start from these.
    static let seeds: [String] = [
        "GET /v1/users/1/recommendations?k=3 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /v1/users/2/recommendations?mode=hybrid&w_model=0.5&w_trending=0.2 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /v1/trending?window=24h&genre=Comedy&k=2 HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n",
        "GET /v1/movies/1 HTTP/1.1\r\nHost: x\r\n\r\n",
        // (No HEAD: the checker frames answers by Content-Length, which a HEAD answer announces but does not send.)
        "GET /v1/movies/13/similar?k=2 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /v1/release HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "GET /healthz HTTP/1.1\r\n\r\n",
        "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST /v1/movies/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
        "GET /v1/trending HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    ]

    static let fragments: [String] = [
        "\r\n", "\n", "\r", " ", "\t", ":", "?", "&", "=", "%", "%00", "%zz", "/", "..", "HTTP/1.1", "HTTP/9.9",
        "Content-Length: 10\r\n", "Content-Length: -1\r\n", "Transfer-Encoding: chunked\r\n", "Connection: close\r\n",
        "Expect: 100-continue\r\n", "\u{00}", "\u{7f}", "é", "99999999999999999999", "-1", "k=0", "k=100000",
        "w_model=1000.5", String(repeating: "a", count: 3000), String(repeating: "/", count: 9000),
        String(repeating: "X-H: v\r\n", count: 600),
    ]

    @Test("mutated, pipelined, slow and non-reading clients: no 5xx, no hang, bounded memory, healthz fast")
    func fuzz() async throws {
        try await withServer(configure: {
            $0.idleTimeout = 1
            $0.requestHeadTimeout = 0.5
            $0.maxConnections = 400
        }) { running in
            let port = running.port
            let before = residentBytes()
            let problems = Shared<[String]>([])
            let counts = Shared<[String: Int]>([:])
            let deadline = Date().addingTimeInterval(Self.seconds)
            let kinds = ["mutated", "pipelined", "slow", "nonReading"]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        try await onThread {
                            var rng = SplitMix64(seed: 0xF0221 &+ UInt64(worker) &* 0x9E37_79B9)
                            var runs = 0
                            // At least one session of each kind, however late this thread starts.
                            repeat {
                                let kind = kinds[(worker + runs) % kinds.count]
                                if let problem = Self.exercise(kind, port: port, rng: &rng) {
                                    problems.withLock { $0.append("\(kind): \(problem)") }
                                }
                                runs += 1
                                counts.withLock { $0[kind, default: 0] += 1 }
                            } while Date() < deadline
                        }
                    }
                }
                try await group.waitForAll()
            }
            let found = problems.withLock { $0 }
            #expect(found.isEmpty, "\(found.count) problems, first: \(found.prefix(5))")
            for status in ResponseStatus.allCases where status.rawValue >= 500 {
                for route in RouteID.allCases {
                    #expect(running.server.metrics.requestCount(route: route, status: status) == 0, "\(route) \(status)")
                }
            }
            let grown = residentBytes() - before
            #expect(grown < 300 * 1024 * 1024, "the daemon grew by \(grown / 1_048_576) MiB under fuzzing")
            let started = Date()
            #expect(try await get(port, "/healthz").status == 200)
            #expect(Date().timeIntervalSince(started) < 2)
            let ran = counts.withLock { $0 }
            #expect(kinds.allSatisfy { (ran[$0] ?? 0) > 0 }, "\(ran)")
        }
    }

    /// One client session of `kind`; a description of what went wrong, or nil.
    static func exercise(_ kind: String, port: Int, rng: inout SplitMix64) -> String? {
        do {
            switch kind {
            case "mutated":
                return try sendAndCheck(mutate(seeds[Int(rng.next() % UInt64(seeds.count))], &rng), port: port)
            case "pipelined":
                var batch: [UInt8] = []
                for _ in 0..<(1 + Int(rng.next() % 40)) {
                    let seed = seeds[Int(rng.next() % 10)]  // the GET/HEAD seeds
                    batch += rng.next() % 8 == 0 ? mutate(seed, &rng) : Array(seed.utf8)
                }
                return try sendAndCheck(batch, port: port)
            case "slow":
                let client = try TestHTTPClient(port: port, timeoutSeconds: 10)
                let request = Array(seeds[Int(rng.next() % 10)].utf8)
                let cut = Int(rng.next() % UInt64(request.count))
                try client.send(Array(request[..<cut]))
                usleep(UInt32(100_000 + rng.next() % 700_000))  // around the head deadline
                _ = try? client.send(Array(request[cut...]))
                return try checkResponses(client)
            default:  // nonReading: push a pipelined batch and leave it unread for a while
                let client = try RawClient(port: port, receiveBuffer: 4096)
                client.pushWithoutReading(seeds[9], upTo: Int(64 * 1024 + rng.next() % (256 * 1024)), for: 0.3)
                usleep(UInt32(rng.next() % 300_000))
                return nil
            }
        } catch {
            return "\(error)"
        }
    }

    /// Sends `bytes` on a fresh connection, half-closes, and checks everything answered.
    static func sendAndCheck(_ bytes: [UInt8], port: Int) throws -> String? {
        let client = try TestHTTPClient(port: port, timeoutSeconds: 10)
        do { try client.send(bytes) } catch { return nil }  // the daemon may close early on garbage
        shutdown(client.descriptor, Int32(SHUT_WR))
        return try checkResponses(client)
    }

    /// Reads responses until the daemon closes: each must parse and be below 500.
    static func checkResponses(_ client: TestHTTPClient) throws -> String? {
        while true {
            let response: TestResponse
            do {
                response = try client.readResponse()
            } catch let error as TestClientError {
                if error.description.contains("closed by server") || error.description.contains("errno 104") { return nil }
                return "no answer and no close: \(error)"
            }
            if response.status >= 500 { return "status \(response.status): \(response.text.prefix(200))" }
            if !(200..<600).contains(response.status) { return "bad status \(response.status)" }
            if response.headers["content-length"] == nil { return "no Content-Length" }
        }
    }

    /// One to four random edits: replace, insert or delete a span; insert a fragment; repeat a span.
    static func mutate(_ seed: String, _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = Array(seed.utf8)
        for _ in 0..<(1 + Int(rng.next() % 4)) {
            let at = bytes.isEmpty ? 0 : Int(rng.next() % UInt64(bytes.count))
            switch rng.next() % 5 {
            case 0: if !bytes.isEmpty { bytes[at] = UInt8(truncatingIfNeeded: rng.next()) }
            case 1: bytes.insert(contentsOf: Array(fragments[Int(rng.next() % UInt64(fragments.count))].utf8), at: at)
            case 2: bytes.removeSubrange(at..<min(bytes.count, at + Int(rng.next() % 8)))
            case 3: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + Int(rng.next() % 16))], at: at)
            default: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
            }
        }
        return bytes
    }
}

/// A value several client threads update under a lock.
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { value.withLock { body(&$0) } }
}
