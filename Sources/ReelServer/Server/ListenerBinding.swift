#if canImport(Glibc)
import Glibc
#endif
import CReelCPU
import NIOCore
import NIOPosix
import ReelCore

/// Binds the daemon's listening sockets.
///
/// With more than one event loop (Linux), every loop gets its own listener on
/// the same port (`SO_REUSEPORT`), and each listener asks the kernel for the
/// connections made from one CPU (`SO_INCOMING_CPU`). Why: a client thread
/// then talks to one server thread only, so the two hand the CPU back and
/// forth request by request. With a single accept socket, NIO spreads the
/// connections round-robin, every client thread feeds every server thread,
/// all threads stay runnable, and the scheduler falls back to its 4 ms tick:
/// measured with wrk sharing the 2 cores, p99 went from ~7.5 ms to ~0.4 ms
/// and throughput from ~138k to ~244k requests/s (docs/benchmarks.md). nginx
/// gets the same locality from its workers accepting on their own. A local
/// client that connects everything from one CPU lands on one loop
/// (docs/serving.md, "Listeners and CPUs").
///
/// A port shared through `SO_REUSEPORT` would also let a second daemon of
/// the same user join the group silently and take half the connections; the
/// port is therefore first probed with a plain bind, which fails if anything
/// holds it.
enum ListenerBinding {
    /// Binds one listener per loop in `loops` (or one for all when `perLoop`
    /// is false, there is one loop, or the platform lacks the options), each
    /// configured by `configure`. Returns the channels; the first one's local
    /// address carries the bound port.
    static func bind(
        loops: [any EventLoop], group: any EventLoopGroup, host: String, port: Int, perLoop: Bool,
        configure: (ServerBootstrap) -> ServerBootstrap
    ) async throws -> [any Channel] {
        #if os(Linux)
        if perLoop && loops.count > 1 {
            return try await bindPerLoop(loops: loops, host: host, port: port, configure: configure)
        }
        #endif
        return [try await configure(ServerBootstrap(group: group)).bind(host: host, port: port).get()]
    }

    #if os(Linux)
    private static func bindPerLoop(
        loops: [any EventLoop], host: String, port: Int,
        configure: (ServerBootstrap) -> ServerBootstrap
    ) async throws -> [any Channel] {
        var address = try SocketAddress.makeAddressResolvingHost(host, port: port)
        address.port = try probe(address)
        let cpus = allowedCPUs()
        var channels: [any Channel] = []
        do {
            for (index, loop) in loops.enumerated() {
                let bootstrap = configure(ServerBootstrap(group: loop, childGroup: loop))
                    .serverChannelOption(reusePort, value: 1)
                    .serverChannelOption(incomingCPU, value: SocketOptionValue(cpus[index % cpus.count]))
                channels.append(try await bootstrap.bind(to: address).get())
            }
        } catch {
            for channel in channels { try? await channel.close() }
            throw error
        }
        return channels
    }

    private static let reusePort = ChannelOptions.Types.SocketOption(level: .socket, name: .init(rawValue: SO_REUSEPORT))
    private static let incomingCPU = ChannelOptions.Types.SocketOption(level: .socket, name: .init(rawValue: SO_INCOMING_CPU))

    /// Binds `address` without `SO_REUSEPORT` and releases it: fails if any
    /// socket holds the port. Returns the port (a free one for port 0).
    private static func probe(_ address: SocketAddress) throws -> Int {
        let fd = socket(Int32(address.protocol.rawValue), Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ReelError(.io, "socket(): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = address.withSockAddr { Glibc.bind(fd, $0, socklen_t($1)) }
        guard bound == 0 else {
            let code = errno
            let reason = String(cString: strerror(code))
            throw ReelError(.io, code == EADDRINUSE ? "\(reason) (another process holds the port)" : reason)
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw ReelError(.io, "getsockname(): \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: withUnsafeBytes(of: storage) { $0.load(fromByteOffset: 2, as: UInt16.self) }))
    }

    /// The CPUs this process may run on (its affinity mask), in order.
    static func allowedCPUs() -> [Int] {
        var ids = [Int32](repeating: 0, count: 1024)
        let count = Int(reel_cpu_allowed_ids(&ids, Int32(ids.count)))
        return count > 0 ? ids[..<count].map(Int.init) : [0]
    }
    #endif
}
