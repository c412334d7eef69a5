import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 16 against the real `reel` binary: numeric options outside their
/// documented range are usage errors (exit 64), and a real daemon serving a
/// real release holds its memory against clients that pipeline and never read
/// and stops serving a release file changed in place instead of crashing.
@Suite("Reliability end to end", .serialized)
struct ReliabilityEndToEndTests {
    @Test(
        "numeric options outside their range exit 64 naming the option",
        arguments: [
            (["serve", "--poll-interval", "1e16"], "--poll-interval"),
            (["serve", "--idle-timeout", "1e10"], "--idle-timeout"),
            (["serve", "--idle-timeout", "nan"], "--idle-timeout"),
            (["serve", "--threads", "100000"], "--threads"),
            (["serve", "--threads", "0"], "--threads"),
            (["serve", "--port", "70000"], "--port"),
            (["serve", "--max-connections", "0"], "--max-connections"),
            (["serve", "--max-queued-bytes", "10"], "--max-queued-bytes"),
            (["serve", "--request-head-timeout", "-1"], "--request-head-timeout"),
            (["topk", "--user", "1", "--mode", "hybrid", "--w-model", "1e20"], "--w-model"),
            (["topk", "--user", "1", "--mode", "hybrid", "--w-diversity", "-0.5"], "--w-diversity"),
            (["topk", "--user", "-4"], "--user"),
            (["topk", "--user", "1", "--k", "0"], "--k"),
            (["similar", "--movie", "1", "--k", "1000000"], "--k"),
            (["trending", "--k", "-3"], "--k"),
            (["movie", "4294967296"], "movie id"),
        ])
    func outOfRangeOptions(args: [String], option: String) throws {
        let home = try makeHome("ranges")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let result = try ReelBinary.run(args, root: home, timeout: 60)
        #expect(result.status == 64, "reel \(args.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        #expect(result.stderr.contains(option), "\(result.stderr)")
    }

    @Test("a real daemon: non-reading pipelining clients stay bounded; a release changed in place is withdrawn")
    func realDaemon() throws {
        let home = try makeHome("reliab")
        defer { try? FileManager.default.removeItem(atPath: home) }
        for stage in [["synth", "--preset", "tiny", "--seed", "7"], ["bronze", "validate"], ["etl"], ["train"], ["evaluate"], ["publish"]] {
            try ReelBinary.ok(stage + ["--quiet"], root: home, env: fastModel)
        }
        let daemon = try Daemon(root: home, extraArgs: ["--idle-timeout", "2"])
        defer { _ = daemon.stop() }
        let pid = daemon.process.processIdentifier
        #expect(try HTTP.get("\(daemon.base)/readyz").status == 200)
        let before = residentKiB(pid)

        // 20 clients push 1 MiB of pipelined requests each (≈ 100 KB of answers per 40-byte
        // request: unbounded, gigabytes) and never read.
        let request = "GET /v1/users/1/recommendations?k=100 HTTP/1.1\r\nHost: x\r\n\r\nGET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n"
        var clients: [Int32] = []
        for _ in 0..<20 { clients.append(try pushWithoutReading(port: daemon.port, request, bytes: 1 << 20, seconds: 0.5)) }
        usleep(500_000)
        let peak = residentKiB(pid)
        #expect(peak - before < 150 * 1024, "daemon RSS grew from \(before / 1024) to \(peak / 1024) MiB")
        #expect(try HTTP.get("\(daemon.base)/healthz").status == 200)
        // The idle timeout closes them although their answers were never read.
        usleep(3_500_000)
        let metrics = try HTTP.get("\(daemon.base)/metrics").body
        #expect(metrics.contains("reel_http_idle_closes_total"))
        let open = metrics.split(separator: "\n").filter { $0.hasPrefix("reel_http_connections{") }
            .compactMap { Int($0.split(separator: " ").last ?? "") }.reduce(0, +)
        #expect(open <= 1, "still open: \(open)")
        for fd in clients { close(fd) }

        // Truncate the served file in place: the daemon withdraws it at its next poll, stays up.
        let served = try #require(currentRelease(home))
        let file = served.hasPrefix("/") ? served : home + "/output/" + served
        chmod(file, 0o644)
        #expect(truncate(file, 4096) == 0)
        usleep(1_000_000)
        let ready = try HTTP.get("\(daemon.base)/readyz")
        #expect(ready.status == 503)
        // Withdrawn at the poll that sees the change ("changed in place"); a later poll that tries
        // the file again refuses it for what it is now ("truncated"): either way, not served.
        #expect(ready.body.contains("changed in place") || ready.body.contains("truncated"), "\(ready.body)")
        #expect(!ready.body.contains(home), "readyz shows a path: \(ready.body)")
        #expect(try HTTP.get("\(daemon.base)/v1/users/1/recommendations").status == 503)
        #expect(daemon.process.isRunning)
        #expect(daemon.stop() == 0)
    }
}

/// VmRSS of process `pid`, in KiB.
func residentKiB(_ pid: Int32) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
        let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return 0 }
    return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
}

/// Connects (4 KiB receive buffer), sends `unit` repeatedly without reading until `bytes`
/// are sent or the server has taken nothing for `seconds`; returns the open socket.
func pushWithoutReading(port: Int, _ unit: String, bytes: Int, seconds: Double) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var size: Int32 = 4096
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let rc = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard rc == 0 else { close(fd); throw Daemon.DaemonError.notListening("connect failed: errno \(errno)") }
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    let chunk = Array(String(repeating: unit, count: 8192 / unit.utf8.count + 1).utf8)
    var sent = 0, offset = 0, idleSince = Date()
    while sent < bytes && Date().timeIntervalSince(idleSince) < seconds {
        let n = chunk[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if n > 0 {
            sent += n
            offset = (offset + n) % chunk.count
            idleSince = Date()
        } else if errno == EAGAIN {
            usleep(5_000)
        } else {
            break
        }
    }
    return fd
}
