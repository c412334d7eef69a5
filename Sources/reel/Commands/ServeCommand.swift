import ArgumentParser
import Logging
import ReelCore
import ReelPipeline
import ReelRelease
import ReelServer
import ReelServing
import ReelSettings

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
            Lookups carry an ETag fixed per release (If-None-Match: 304) and
            Cache-Control: public, max-age=60; --cors-origin lets a browser page
            from another origin call the API (docs/serving.md, "Caching and CORS").

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

    @Option(
        name: .customLong("poll-interval"),
        help: ArgumentHelp(
            "Seconds between checks of the release path for a new release (0.01-86400, or 0: only on SIGHUP; default: serve.poll_interval, 2).",
            valueName: "seconds"))
    var pollInterval: Double?

    @Option(name: .long, help: "Event-loop threads, 1-256 (default: one per core).")
    var threads: Int?

    @Flag(
        name: .customLong("single-listener"),
        help: ArgumentHelp(
            "One listening socket for all event loops, connections spread round-robin. "
                + "Default (Linux): one per loop, each taking the connections made from one CPU, "
                + "so a client thread talks to one server thread (much lower tail latency when "
                + "clients share the cores)."))
    var singleListener = false

    @Option(
        name: .customLong("idle-timeout"),
        help: ArgumentHelp(
            "Close a connection that neither sends nor reads for this many seconds, whatever it has queued (0.01-86400).",
            valueName: "seconds"))
    var idleTimeout: Double = 30

    @Option(
        name: .customLong("request-head-timeout"),
        help: ArgumentHelp(
            "Answer 408 and close when a request head takes longer than this to arrive (0.01-3600; default 10).",
            valueName: "seconds"))
    var requestHeadTimeout: Double?

    @Option(
        name: .customLong("max-connections"),
        help: ArgumentHelp(
            "Most client connections open at once; more are answered 503 and closed (1-1000000; default 10000).",
            valueName: "n"))
    var maxConnections: Int?

    @Option(
        name: .customLong("max-queued-bytes"),
        help: ArgumentHelp(
            "Response bytes one connection may have unsent before the daemon stops reading it until its client "
                + "reads (16384-268435456; default 262144).", valueName: "bytes"))
    var maxQueuedBytes: Int?

    @Flag(
        name: .customLong("access-log"),
        help: ArgumentHelp(
            "Log one line per request: method, path, status, bytes, duration, client, user agent (off by default)."))
    var accessLog = false

    @Option(
        name: .customLong("cors-origin"),
        help: ArgumentHelp(
            "Let a browser page from ORIGIN call the API (https://app.example.com, or *): Access-Control-Allow-Origin "
                + "on every response and OPTIONS preflights answered (default: serve.cors_origin, empty: off).",
            valueName: "origin"))
    var corsOrigin: String?

    /// The command-line settings over `configuration` (defaults or the home's reel.toml).
    func apply(to configuration: inout ServerConfiguration) {
        if let port { configuration.port = port }
        if let pollInterval { configuration.pollInterval = pollInterval }
        if let threads { configuration.threads = threads }
        configuration.idleTimeout = idleTimeout
        if let requestHeadTimeout { configuration.requestHeadTimeout = requestHeadTimeout }
        if let maxConnections { configuration.maxConnections = maxConnections }
        if let maxQueuedBytes { configuration.maxQueuedBytesPerConnection = maxQueuedBytes }
        configuration.accessLog = accessLog
        if let corsOrigin { configuration.corsOrigin = corsOrigin }
        configuration.listenerPerLoop = !singleListener
    }

    /// Every numeric option in its documented range (`ServeLimits`), or a usage error (exit 64).
    func validate() throws {
        var configuration = ServerConfiguration(releasePath: "")
        apply(to: &configuration)
        if let problem = ServeLimits.problems(configuration).first { throw ValidationError(problem) }
    }

    func run() async throws {
        try await runReel {
            let home = global.home()
            let config = try global.config(home)
            var configuration = ServerConfiguration(releasePath: releaseOption.path(in: home))
            configuration.host = self.host ?? config.string(.serveHost)
            configuration.port = config.int(.servePort)
            configuration.pollInterval = config.double(.servePollInterval)
            configuration.corsOrigin = config.string(.serveCorsOrigin)
            apply(to: &configuration)
            if let problem = ServeLimits.problems(configuration).first { throw ValidationError(problem) }
            let host = configuration.host

            let format = Console.format
            LoggingSystem.bootstrap { _ in ConsoleLogHandler(stage: "serve", format: format) }
            var logger = Logger(label: "reel.serve")
            logger.logLevel = global.quiet ? .warning : .info

            let server = LookupServer<Release>(configuration: configuration, logger: logger) { path in
                try openRelease(path)
            }
            let shownHost = host.contains(":") ? "[\(host)]" : host
            try await server.run { port in
                writeAll(
                    1,
                    """
                    listening on http://\(shownHost):\(port)
                    try: curl 'http://\(shownHost):\(port)/v1/trending?k=5'

                    """)
            }
        }
    }
}
