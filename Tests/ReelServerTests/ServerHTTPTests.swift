import Foundation
import ReelCore
@testable import ReelServer
import Testing

/// The daemon over real HTTP: a server on an ephemeral port and a socket client.
@Suite("HTTP daemon")
struct ServerHTTPTests {
    @Test("every route answers over HTTP with JSON and the right headers")
    func routes() async throws {
        try await withServer { running in
            let port = running.port
            for (target, status) in [
                ("/v1/users/1/recommendations?k=2", 200), ("/v1/users/1/recommendations?mode=hybrid", 200),
                ("/v1/trending?genre=Comedy", 200), ("/v1/movies/1", 200), ("/v1/movies/1/similar", 200),
                ("/v1/release", 200), ("/healthz", 200), ("/readyz", 200), ("/openapi.json", 200),
            ] {
                let response = try await get(port, target)
                #expect(response.status == status, "\(target): \(response.text)")
                #expect(response.headers["content-type"] == "application/json")
                #expect(Int(response.headers["content-length"] ?? "") == response.body.count)
                #expect(response.headers["date"]?.hasSuffix(" GMT") == true)
                _ = try response.object()
            }
            let body = try await get(port, "/v1/users/1/recommendations?k=2").object()
            #expect(body["release"] as? String == "R1")
            #expect((body["items"] as? [[String: Any]])?.first?["title"] as? String == "Jumanji")

            let metrics = try await get(port, "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(metrics.text.contains("reel_http_requests_total{route=\"movie\",status=\"200\"} 1\n"))
            #expect(metrics.text.contains("reel_release_info{release=\"R1\"} 1\n"))
        }
    }

    @Test("keep-alive: many requests on one connection, HEAD without a body, HTTP/1.0 closes")
    func keepAlive() async throws {
        try await withServer { running in
            let port = running.port
            try await onThread {
                let client = try TestHTTPClient(port: port)
                for i in 1...50 {
                    let response = try client.request("/v1/movies/1/similar?k=\(i % 4 + 1)")
                    #expect(response.status == 200)
                    #expect(response.headers["connection"] == nil)
                }
                let head = try client.request("/v1/movies/1", method: "HEAD")
                #expect(head.status == 200)
                #expect(head.body.isEmpty)
                #expect((Int(head.headers["content-length"] ?? "") ?? 0) > 0)
                // Pipelined: two requests in one write, answered in order.
                try client.send("GET /v1/movies/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/movies/2 HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try client.readResponse().object()["title"] as? String == "Toy Story")
                #expect(try client.readResponse().object()["title"] as? String == "Jumanji")
                let last = try client.request("/healthz", headers: ["Connection: close"])
                #expect(last.headers["connection"] == "close")
                #expect(client.waitForClose())

                let old = try TestHTTPClient(port: port)
                try old.send("GET /healthz HTTP/1.0\r\n\r\n")
                #expect(try old.readResponse().status == 200)
                #expect(old.waitForClose())
                let oldKeepAlive = try TestHTTPClient(port: port)
                try oldKeepAlive.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                #expect(try oldKeepAlive.readResponse().headers["connection"] == "keep-alive")
                #expect(try oldKeepAlive.request("/readyz").status == 200)
            }
        }
    }

    @Test("error statuses over HTTP: 400, 404, 405 with Allow — all JSON, connection kept")
    func errors() async throws {
        try await withServer { running in
            let port = running.port
            try await onThread {
                let client = try TestHTTPClient(port: port)
                for (target, status, code) in [
                    ("/v1/users/abc/recommendations", 400, "invalid_id"),
                    ("/v1/users/-1/recommendations", 400, "invalid_id"),
                    ("/v1/users/99999999999/recommendations", 400, "invalid_id"),
                    ("/v1/users/1/recommendations?k=0", 400, "invalid_parameter"),
                    ("/v1/users/1/recommendations?k=6", 400, "invalid_parameter"),
                    ("/v1/movies/4", 404, "not_found"),
                    ("/nope", 404, "no_route"),
                ] {
                    let response = try client.request(target)
                    #expect(response.status == status, "\(target)")
                    #expect(try response.object()["error"] as? String == code, "\(target)")
                }
                // OPTIONS is answered (204 with Allow; the CORS preflight): HTTPCachingTests.
                for method in ["POST", "PUT", "DELETE", "PATCH"] {
                    let response = try client.request("/v1/trending", method: method)
                    #expect(response.status == 405, "\(method)")
                    #expect(response.headers["allow"] == "GET, HEAD")
                    #expect(try response.object()["error"] as? String == "method_not_allowed")
                }
                #expect(try client.request("/healthz").status == 200)
            }
        }
    }

    @Test("protocol errors: long target 414, large headers 431, body 413, garbage 400 — each then closed")
    func protocolErrors() async throws {
        try await withServer(configure: {
            $0.maxRequestTargetBytes = 2048; $0.maxHeaderBytes = 4096
        }) { running in
            let port = running.port
            try await onThread {
                func expectRejected(_ raw: String, _ status: Int, _ code: String) throws {
                    let client = try TestHTTPClient(port: port)
                    try client.send(raw)
                    let response = try client.readResponse()
                    #expect(response.status == status, "\(raw.prefix(60))")
                    #expect(try response.object()["error"] as? String == code)
                    #expect(response.headers["connection"] == "close")
                    #expect(client.waitForClose())
                }
                let longPath = "/v1/trending?genre=" + String(repeating: "a", count: 3000)
                try expectRejected("GET \(longPath) HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri_too_long")
                let hugeURI = "/" + String(repeating: "b", count: 100_000)
                try expectRejected("GET \(hugeURI) HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri_too_long")
                let header = "X-Big: " + String(repeating: "c", count: 1500) + "\r\n"
                try expectRejected("GET /healthz HTTP/1.1\r\n" + String(repeating: header, count: 4) + "\r\n", 431, "headers_too_large")
                try expectRejected("GET /v1/trending HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", 413, "body_not_allowed")
                try expectRejected("GET /v1/trending HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 413, "body_not_allowed")
                try expectRejected("BLAH\r\n\r\n", 400, "malformed_request")
                try expectRejected("GET / HTTP/9.9\r\n\r\n", 400, "malformed_request")
                // Content-Length: 0 on a GET is no body.
                let client = try TestHTTPClient(port: port)
                #expect(try client.request("/healthz", headers: ["Content-Length: 0"]).status == 200)
            }
            #expect(running.server.metrics.requestCount(route: .invalid, status: .uriTooLong) == 2)
            #expect(running.server.metrics.requestCount(route: .invalid, status: .contentTooLarge) == 2)
        }
    }

    @Test("slow and idle clients are timed out: 408 for a trickled head, close for silence")
    func timeouts() async throws {
        try await withServer(configure: {
            $0.requestHeadTimeout = 0.3; $0.idleTimeout = 0.6
        }) { running in
            let port = running.port
            try await onThread {
                // Trickle: a byte every 100 ms keeps the connection busy but the head never completes in time.
                let slow = try TestHTTPClient(port: port)
                var response: TestResponse?
                for byte in "GET /healthz HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaa".utf8 {
                    let sent = (try? slow.send([byte])) != nil
                    usleep(100_000)
                    response = sent ? try slow.readResponseIfReady() : try slow.readResponse()
                    if response != nil { break }
                }
                #expect(response?.status == 408)
                #expect(slow.waitForClose())

                // Silence after a request: the idle timeout closes the keep-alive connection.
                let idle = try TestHTTPClient(port: port)
                #expect(try idle.request("/healthz").status == 200)
                let start = Date()
                #expect(idle.waitForClose())
                #expect(Date().timeIntervalSince(start) < 10, "the idle timeout should close the connection")

                // A head started then abandoned: 408 when the idle timer fires.
                let abandoned = try TestHTTPClient(port: port)
                try abandoned.send("GET /healthz HTTP/1.1\r\n")
                #expect(try abandoned.readResponse().status == 408)
            }
            #expect(running.server.metrics.requestCount(route: .invalid, status: .requestTimeout) == 2)
        }
    }

    @Test("without a release the daemon starts, healthz is 200 and readyz 503 with the reason")
    func startsWithoutRelease() async throws {
        try await withServer(id: nil) { running in
            #expect(try await get(running.port, "/healthz").status == 200)
            let ready = try await get(running.port, "/readyz")
            #expect(ready.status == 503)
            #expect((try ready.object()["detail"] as? String)?.contains("no release at") == true)
            #expect(try await get(running.port, "/v1/trending").status == 503)
            #expect(running.logs.contains("waiting for a release"))
        }
    }
}
