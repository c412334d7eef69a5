import Foundation
import ReelCore
@testable import ReelServer
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 16, the daemon's side: one bad client or one bad release file must
/// never take the daemon down. Each test runs the real server on an ephemeral
/// port and would fail on the daemon before the fixes.
@Suite("Reliability: hostile clients and files changed under the daemon", .serialized)
struct ReliabilityTests {
    /// Pipelined requests with a ~500× larger answer each (the OpenAPI document).
    static let amplifying = "GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n"

    @Test("clients that pipeline and never read hold a bounded number of bytes each (backpressure)")
    func nonReadingClientsAreBounded() async throws {
        try await withServer(configure: { $0.idleTimeout = 30 }) { running in
            let port = running.port
            let before = residentBytes()
            // 10 clients each push up to 512 KiB of requests (≈ 13,000 × a 15 KB answer = 200 MB
            // apiece if answered without bound) and never read.
            let clients = try await onThread {
                try (0..<10).map { _ in try RawClient(port: port, receiveBuffer: 4096) }
            }
            try await onThread {
                for client in clients { client.pushWithoutReading(Self.amplifying, upTo: 512 * 1024, for: 1.0) }
            }
            try await Task.sleep(for: .milliseconds(500))
            let grown = residentBytes() - before
            #expect(grown < 120 * 1024 * 1024, "10 non-reading clients grew the daemon by \(grown / 1_048_576) MiB")
            #expect(running.server.metrics.backpressurePauses >= 10)
            // The daemon still answers everyone else at once.
            let started = Date()
            #expect(try await get(port, "/healthz").status == 200)
            #expect(Date().timeIntervalSince(started) < 2)
            withExtendedLifetime(clients) {}
        }
    }

    @Test("a client that reads slowly still gets every pipelined answer, complete and in order")
    func slowReaderGetsEverythingInOrder() async throws {
        try await withServer(configure: { $0.maxQueuedBytesPerConnection = 16 * 1024 }) { running in
            let port = running.port
            let count = 3000
            let received = try await onThread { () -> [Int] in
                let client = try TestHTTPClient(port: port, timeoutSeconds: 20)
                // Requests whose answers say which they were: movie ids cycle, 404 for unknown ones.
                let ids = FakeStore.movieIDs
                var batch = ""
                for i in 0..<count {
                    batch +=
                        i % 7 == 6
                        ? "GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n"
                        : "GET /v1/movies/\(ids[i % ids.count]) HTTP/1.1\r\nHost: x\r\n\r\n"
                }
                let request = batch
                let sender = Thread(block: { try? client.send(request) })
                sender.start()
                var seen: [Int] = []
                for i in 0..<count {
                    if i % 200 == 0 { usleep(20_000) }  // a slow reader
                    let response = try client.readResponse()
                    if response.status != 200 { seen.append(-response.status); continue }
                    let id = (try? response.object())?["movieId"] as? Int ?? (response.text.contains("\"openapi\"") ? 0 : -1)
                    seen.append(id)
                }
                return seen
            }
            let expected = (0..<count).map { $0 % 7 == 6 ? 0 : Int(FakeStore.movieIDs[$0 % FakeStore.movieIDs.count]) }
            #expect(received == expected)
            #expect(running.server.metrics.backpressurePauses > 0, "the 16 KiB queue limit should have paused the connection")
        }
    }

    @Test("the idle timeout closes a connection whatever it has queued (open head, or Connection: close)")
    func idleTimeoutClosesWithWritesPending() async throws {
        try await withServer(configure: {
            $0.idleTimeout = 0.5; $0.requestHeadTimeout = 0.3
        }) { running in
            let port = running.port
            let endings = [
                "GET /healthz HTTP/1.1\r\nHost: x\r\n",  // a head left open: the 408 path
                "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n",  // a closing answer never read
            ]
            let clients = try await onThread {
                try endings.map { ending -> RawClient in
                    let client = try RawClient(port: port, receiveBuffer: 4096)
                    client.pushWithoutReading(
                        String(repeating: Self.amplifying, count: 2000) + ending,
                        upTo: 1 << 20, for: 0.5)
                    return client
                }
            }
            let deadline = Date().addingTimeInterval(8)
            while running.server.metrics.idleCloses < 2 && Date() < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            try await waitUntil { running.server.metrics.openConnections == 0 }
            #expect(
                running.server.metrics.openConnections == 0,
                "connections with unsent answers must be closed by the idle timeout")
            #expect(running.server.metrics.idleCloses >= 2)
            withExtendedLifetime(clients) {}
        }
    }

    @Test("connections over --max-connections get a 503 and are closed; the count is in /metrics")
    func connectionCap() async throws {
        try await withServer(configure: { $0.maxConnections = 3 }) { running in
            let port = running.port
            let held = try await onThread { try (0..<3).map { _ in try TestHTTPClient(port: port) } }
            // Make sure all three are accepted before the fourth arrives.
            for client in held { #expect(try await onThread { try client.request("/healthz").status } == 200) }
            let refused = try await onThread { () -> (TestResponse, Bool) in
                let client = try TestHTTPClient(port: port)
                let response = try client.readResponse()
                return (response, client.waitForClose())
            }
            #expect(refused.0.status == 503)
            #expect(refused.0.headers["retry-after"] == "1")
            #expect((try refused.0.object()["error"] as? String) == "too_many_connections")
            #expect(refused.1)
            #expect(running.server.metrics.connectionsRefused == 1)
            // A place frees up when a client leaves: close one held connection, then /metrics is served.
            shutdown(held[0].descriptor, Int32(SHUT_RDWR))
            try await waitUntil { running.server.metrics.openConnections == 2 }
            let metrics = try await get(port, "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.text.contains("reel_http_connections_refused_total 1"))
            #expect(metrics.text.contains("reel_http_connections_limit 3"))
            withExtendedLifetime(held) {}
        }
    }

    @Test("a refused reload is reported by /readyz without absolute paths; the old release keeps serving")
    func refusedReloadShownInReadyz() async throws {
        try await withServer { running in
            try running.folder.write("r2.reel", id: "corrupt")
            try running.folder.activate("r2.reel")
            guard case .refused = running.server.watcher.check() else {
                Issue.record("a corrupt release must be refused")
                return
            }
            let ready = try await get(running.port, "/readyz")
            #expect(ready.status == 200)
            let body = try ready.object()
            #expect(body["release"] as? String == "R1")
            #expect(body["lastReload"] as? String == "refused")
            let problem = body["problem"] as? String ?? ""
            #expect(problem.contains("r2.reel") && problem.contains("checksum mismatch"), "\(problem)")
            #expect(!ready.text.contains(running.folder.root), "readyz shows a path: \(ready.text)")
            // A good release clears it.
            try running.folder.write("r3.reel", id: "R3")
            try running.folder.activate("r3.reel")
            #expect(running.server.watcher.check() == .loaded(releaseID: "R3"))
            #expect(try await get(running.port, "/readyz").object()["lastReload"] == nil)
        }
    }

    @Test("503 bodies and /readyz name no absolute path")
    func notReadyBodiesHideFolders() async throws {
        try await withServer(id: nil) { running in
            for target in ["/readyz", "/v1/trending", "/v1/users/1/recommendations", "/v1/release"] {
                let response = try await get(running.port, target)
                #expect(response.status == 503)
                #expect(!response.text.contains(running.folder.root), "\(target) shows a path: \(response.text)")
                #expect(response.text.contains("no release at current"), "\(target): \(response.text)")
            }
        }
    }

    @Test("the served file changed in place is withdrawn (503 saying why), then a good release serves again")
    func servedFileChangedInPlace() async throws {
        try await withServer { running in
            let file = running.folder.root + "/r1.reel"
            try rewriteInPlace(file, "corrupt-in-place")
            guard case .withdrawn(let reason) = running.server.watcher.check() else {
                Issue.record("a served file changed in place must be withdrawn")
                return
            }
            #expect(reason.contains("changed in place"))
            #expect(running.server.slot.current == nil)
            let ready = try await get(running.port, "/readyz")
            #expect(ready.status == 503)
            #expect(ready.text.contains("changed in place") && ready.text.contains("r1.reel"), "\(ready.text)")
            #expect(!ready.text.contains(running.folder.root), "\(ready.text)")
            #expect(try await get(running.port, "/v1/trending").status == 503)
            #expect(running.logs.contains("served release changed in place"))
            // Unchanged since: nothing more happens.
            #expect(running.server.watcher.check() == .unchanged)
            // Publishing a new file (rename + symlink) recovers.
            try running.folder.write("r2.reel", id: "R2")
            try running.folder.activate("r2.reel")
            #expect(running.server.watcher.check() == .loaded(releaseID: "R2"))
            #expect(try await get(running.port, "/readyz").status == 200)
        }
    }

    @Test("a served file only touched in place (still valid) is withdrawn, re-verified and served again")
    func servedFileTouchedInPlace() async throws {
        try await withServer { running in
            try rewriteInPlace(running.folder.root + "/r1.reel", "R1")
            #expect(running.server.watcher.check() == .loaded(releaseID: "R1"))
            #expect(try await get(running.port, "/readyz").status == 200)
        }
    }

    @Test("a load that fails with EMFILE is retried at the next check, not refused until SIGHUP")
    func transientLoadErrorsAreRetried() throws {
        let folder = try ReleaseFolder()
        try folder.write("r1.reel", id: "R1")
        try folder.activate("r1.reel")
        let failures = Mutex<Int>(1)
        let watcher = ReleaseWatcher<FakeStore>(
            path: folder.current, slot: ReleaseSlot(), metrics: ServerMetrics(),
            logger: LogCapture().logger
        ) { path in
            if failures.withLock({ n in
                defer { n -= 1 }; return n > 0
            }) {
                throw ReelError.system("cannot open", path: path, errno: EMFILE)
            }
            return try ReleaseFolder.loader(path)
        }
        guard case .retrying(let reason) = watcher.check() else {
            Issue.record("EMFILE is a passing failure")
            return
        }
        #expect(reason.contains("Too many open files"))
        #expect(watcher.check() == .loaded(releaseID: "R1"))
    }
}

// MARK: - Helpers

/// The test process's resident set, in bytes (the server runs in it).
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return 0 }
    return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
}

/// Rewrites `path` in place (same inode): truncate, write, as an editor or `cp` over it would.
func rewriteInPlace(_ path: String, _ text: String) throws {
    usleep(20_000)  // past the coarse timestamp tick of the first write
    let fd = open(path, O_WRONLY | O_TRUNC)
    guard fd >= 0 else { throw TestClientError("open \(path): errno \(errno)") }
    defer { close(fd) }
    let bytes = Array(text.utf8)
    guard write(fd, bytes, bytes.count) == bytes.count else { throw TestClientError("write \(path)") }
}

/// Polls `condition` every 20 ms for up to 5 s.
func waitUntil(_ condition: () -> Bool) async throws {
    let deadline = Date().addingTimeInterval(5)
    while !condition() && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
}

/// A client socket that can push bytes without ever reading (non-blocking
/// sends until the server stops taking them), with a small receive buffer so
/// the daemon's answers back up quickly.
final class RawClient: @unchecked Sendable {
    let fd: Int32

    init(port: Int, receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestClientError("socket: \(errno)") }
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { close(fd); throw TestClientError("connect: \(errno)") }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    deinit { close(fd) }

    /// Sends `unit` repeatedly (one copy when it is long) until `limit` bytes are sent or
    /// `seconds` pass with the server not taking more. Returns the bytes sent.
    @discardableResult
    func pushWithoutReading(_ unit: String, upTo limit: Int, for seconds: Double) -> Int {
        let chunk = Array((unit.utf8.count >= 4096 ? unit : String(repeating: unit, count: 4096 / unit.utf8.count + 1)).utf8)
        let repeats = unit.utf8.count >= 4096
        var sent = 0, offset = 0
        let deadline = Date().addingTimeInterval(seconds)
        while sent < limit && Date() < deadline {
            let n = chunk[offset...].withUnsafeBytes { send(fd, $0.baseAddress, min($0.count, limit - sent), Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                sent += n
                offset += n
                if offset == chunk.count {
                    if repeats { break }
                    offset = 0
                }
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                usleep(5_000)
            } else {
                break
            }
        }
        return sent
    }
}
