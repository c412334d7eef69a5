import Foundation
@testable import ReelServer
import Testing

@Suite("Graceful shutdown")
struct ShutdownTests {
    @Test("stops accepting, closes idle connections, lets a request in progress finish")
    func graceful() async throws {
        // A long grace period: the test must never race it, even on a loaded machine.
        let running = try await RunningServer.start { $0.shutdownGracePeriod = 30 }
        let port = running.port
        let (idle, busy) = try await onThread { () -> (TestHTTPClient, TestHTTPClient) in
            let idle = try TestHTTPClient(port: port)
            #expect(try idle.request("/healthz").status == 200)
            let busy = try TestHTTPClient(port: port)
            // The head has started arriving but is not complete: a request in progress.
            try busy.send("GET /v1/movies/1 HTTP/1.1\r\nHost: x\r\n")
            return (idle, busy)
        }
        try await Task.sleep(for: .milliseconds(100))
        let shutdown = Task { await running.stop() }
        try await onThread {
            #expect(idle.waitForClose())
            usleep(200_000)
            try busy.send("\r\n")
            let response = try busy.readResponse()
            #expect(response.status == 200)
            #expect(try response.object()["title"] as? String == "Toy Story")
            #expect(response.headers["connection"] == "close")
            #expect(busy.waitForClose())
        }
        await shutdown.value
        #expect(running.logs.contains("shutting down"))
        #expect(running.logs.contains("stopped forced_closes=0"))
    }

    @Test("connections still open after the grace period are closed")
    func forced() async throws {
        let running = try await RunningServer.start { $0.shutdownGracePeriod = 0.2 }
        let port = running.port
        let stuck = try await onThread { () -> TestHTTPClient in
            let client = try TestHTTPClient(port: port)
            try client.send("GET /healthz HTTP/1.1\r\n")
            return client
        }
        try await Task.sleep(for: .milliseconds(100))
        await running.stop()
        #expect(try await onThread { stuck.waitForClose() })
        #expect(running.logs.contains("stopped forced_closes=1"))
    }
}
