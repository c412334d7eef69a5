import ArgumentParser
import Logging
import ReelCore
import ReelPipeline
import ReelRelease
import ReelServer

/// `reel serve`: the read-only HTTP lookup daemon.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve recommendations, trending lists, similar movies and metadata over HTTP.",
        discussion: """
        Maps the release output/current points at (or --release PATH), verifies it,
        and answers JSON over HTTP/1.1 with keep-alive on one event loop per core.
        Routes:
          GET /v1/users/{userId}/recommendations?k=10&mode=als|hybrid
          GET /v1/trending?window=24h|7d|30d&genre=Comedy&k=20
          GET /v1/movies/{movieId}    GET /v1/movies/{movieId}/similar?k=10
          GET /v1/release  /healthz  /readyz  /metrics  /openapi.json

        Hot swap: when the release path starts pointing at another file (checked
        every --poll-interval seconds) or on SIGHUP, the new release is mapped and
        verified, then swapped in atomically; requests in flight finish on the old
        one. A release that fails verification is refused (logged, counted in
        /metrics) and the old one keeps serving. Without any release the daemon
        still starts and /readyz answers 503 until one appears. SIGTERM or SIGINT:
        stop accepting, finish in-flight requests, exit.

        Prints `listening on http://HOST:PORT` on stdout once bound; logs go to
        stderr.

        Examples:
          reel serve
          reel serve --port 0 --release output/releases/20261125T020000Z-3fa2.reel
          curl 'http://127.0.0.1:8000/v1/users/42/recommendations?k=5&mode=hybrid'
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var releaseOption: ReleaseOption

    @Option(name: .long, help: "Address to bind (default: serve.host, loopback; put a proxy in front to expose it).")
    var host: String?

    @Option(name: .long, help: "Port to bind; 0 picks a free one (default: serve.port, 8000).")
    var port: Int?

    @Option(name: .customLong("poll-interval"), help: ArgumentHelp(
        "Seconds between checks of the release path for a new release (0: only on SIGHUP).", valueName: "seconds"))
    var pollInterval: Double?

    @Option(name: .long, help: "Event-loop threads (default: one per core).")
    var threads: Int?

    @Flag(name: .customLong("single-listener"), help: ArgumentHelp(
        "One listening socket for all event loops, connections spread round-robin. "
            + "Default (Linux): one per loop, each taking the connections made from one CPU, "
            + "so a client thread talks to one server thread (much lower tail latency when "
            + "clients share the cores)."))
    var singleListener = false

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp(
        "Close connections idle for this many seconds.", valueName: "seconds"))
    var idleTimeout: Double = 30

    @Flag(name: .customLong("access-log"), help: "Log one line per request (off by default).")
    var accessLog = false

    func run() async throws {
        try await runReel {
            let home = global.home()
            let config = try global.config(home)
            let host = self.host ?? config.string("serve.host")
            let port = self.port ?? config.int("serve.port")
            let pollInterval = self.pollInterval ?? config.double("serve.poll_interval")
            guard (0...65535).contains(port) else { throw ReelError(.usage, "--port must be 0...65535; got \(port)") }
            guard pollInterval >= 0, pollInterval.isFinite else {
                throw ReelError(.usage, "--poll-interval must be a non-negative number of seconds")
            }
            guard idleTimeout > 0 else { throw ReelError(.usage, "--idle-timeout must be positive") }
            var configuration = ServerConfiguration(releasePath: releaseOption.path(in: home))
            configuration.host = host
            configuration.port = port
            configuration.pollInterval = pollInterval
            configuration.idleTimeout = idleTimeout
            configuration.accessLog = accessLog
            configuration.listenerPerLoop = !singleListener
            if let threads {
                guard threads > 0 else { throw ReelError(.usage, "--threads must be positive") }
                configuration.threads = threads
            }

            LoggingSystem.bootstrap(StreamLogHandler.standardError)
            var logger = Logger(label: "reel.serve")
            logger.logLevel = global.quiet ? .warning : .info

            let server = LookupServer<Release>(configuration: configuration, logger: logger) { path in
                try openRelease(path)
            }
            let shownHost = host.contains(":") ? "[\(host)]" : host
            try await server.run { port in
                writeAll(1, """
                    listening on http://\(shownHost):\(port)
                    try: curl 'http://\(shownHost):\(port)/v1/trending?k=5'

                    """)
            }
        }
    }
}
