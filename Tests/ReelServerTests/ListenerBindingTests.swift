#if os(Linux)
import CReelCPU
import Glibc
import NIOCore
import NIOPosix
@testable import ReelServer
import Synchronization
import Testing

@Suite("Listeners: one per event loop, connections steered by CPU")
struct ListenerBindingTests {
    static let cpus = ListenerBinding.allowedCPUs()

    @Test(
        "a connection made from a CPU is served by that CPU's event loop",
        .enabled(if: cpus.count >= 2, "needs two CPUs"))
    func steering() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let loops = Array(group.makeIterator())
        let accepted = Mutex<[Int]>([])
        let ids = loops.map { ObjectIdentifier($0) }
        let channels = try await ListenerBinding.bind(
            loops: loops, group: group, host: "127.0.0.1", port: 0,
            perLoop: true
        ) { bootstrap in
            bootstrap.childChannelInitializer { channel in
                let index = ids.firstIndex(of: ObjectIdentifier(channel.eventLoop)) ?? -1
                accepted.withLock { $0.append(index) }
                return channel.eventLoop.makeSucceededVoidFuture()
            }
        }
        #expect(channels.count == 2)
        let ports = Set(channels.compactMap { $0.localAddress?.port })
        #expect(ports.count == 1)
        let port = try #require(ports.first)
        // Loop i takes the connections made from the i-th allowed CPU.
        let cpus = Self.cpus
        for round in 0..<6 {
            let loop = round % 2
            try await onCPU(cpus[loop]) {
                let client = try TestHTTPClient(port: port)
                for _ in 0..<200 where accepted.withLock({ $0.count }) <= round { usleep(5_000) }
                _ = client
            }
        }
        #expect(accepted.withLock { $0 } == [0, 1, 0, 1, 0, 1])
        for channel in channels { try await channel.close() }
        try await group.shutdownGracefully()
    }

    @Test(
        "/metrics counts open connections by event loop",
        .enabled(if: cpus.count >= 2, "needs two CPUs"))
    func connectionsByLoop() async throws {
        try await withServer { running in
            let port = running.port
            let cpus = Self.cpus
            // One kept-open connection made from the first CPU, two from the second.
            var clients: [TestHTTPClient] = []
            for loop in [0, 1, 1] {
                let client = try await onCPU(cpus[loop]) { try TestHTTPClient(port: port) }
                let health = try await onThread { try client.request("/healthz") }
                #expect(health.status == 200)
                clients.append(client)
            }
            let text = try await get(port, "/metrics").text
            func open(_ loop: Int) -> Int? {
                let prefix = "reel_http_connections{event_loop=\"\(loop)\"} "
                return text.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Int($0.dropFirst(prefix.count)) }
            }
            // Plus the scrape's own connection, on whichever loop its CPU picked.
            let counts = [open(0), open(1)]
            #expect(counts == [2, 2] || counts == [1, 3], "\(counts)")
            _ = clients
        }
    }

    @Test("a second daemon on the same port is refused, never silently joined")
    func secondDaemonRefused() async throws {
        try await withServer { first in
            let port = first.port
            await expectRefused(port: port)
            let health = try await get(port, "/healthz")
            #expect(health.status == 200)
        }
    }

    @Test("a port held by another program is refused, naming the port")
    func portHeldElsewhere() async throws {
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(holder, $0, length) == 0 && listen(holder, 1) == 0 && getsockname(holder, $0, &length) == 0
            }
        }
        try #require(bound)
        await expectRefused(port: Int(UInt16(bigEndian: address.sin_port)))
    }

    /// Runs `body` on a dispatch thread pinned to `cpu` (so the connections it
    /// makes come from that CPU), then gives the thread back all CPUs.
    private func onCPU<T: Sendable>(_ cpu: Int, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        let all = Self.cpus.map(Int32.init)
        return try await onThread {
            var one = Int32(cpu)
            #expect(reel_cpu_pin_thread(&one, 1) == 0)
            defer {
                var every = all
                _ = reel_cpu_pin_thread(&every, Int32(every.count))
            }
            return try body()
        }
    }

    /// Starting a server on `port`, which something else listens on, must fail and say why.
    private func expectRefused(port: Int) async {
        do {
            let server = try await RunningServer.start { $0.port = port }
            await server.stop()
            Issue.record("a server bound port \(port), which another socket listens on")
        } catch {
            let message = "\(error)"
            #expect(message.contains("cannot listen on 127.0.0.1:\(port)"))
            #expect(message.contains("another process holds the port"))
        }
    }

    @Test("--single-listener keeps one socket for all loops")
    func singleListener() async throws {
        try await withServer(configure: { $0.listenerPerLoop = false }) { running in
            let health = try await get(running.port, "/healthz")
            #expect(health.status == 200)
            #expect(running.logs.contains("listeners=1"))
        }
        try await withServer { running in
            #expect(running.logs.contains("listeners=2"))
        }
    }
}
#endif
