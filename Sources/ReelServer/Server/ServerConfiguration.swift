import NIOCore

/// Settings of `reel serve`. The defaults are the daemon's production
/// defaults; tests shorten the timeouts and bind port 0.
public struct ServerConfiguration: Sendable {
    /// Address to bind. Loopback by default: put a proxy in front to expose it.
    public var host = "127.0.0.1"
    /// Port to bind; 0 picks a free one (read it back from `LookupServer.start`).
    public var port = 8000
    /// The release to serve and watch: usually `output/current` (a symlink).
    public var releasePath: String
    /// Seconds between checks of `releasePath` for a new release; 0 disables polling (SIGHUP still reloads).
    public var pollInterval: Double = 2
    /// Event-loop threads; defaults to one per core.
    public var threads = System.coreCount
    /// One listening socket per event loop, each taking the connections made
    /// from one CPU (Linux; see `ListenerBinding`); false: one socket, connections spread round-robin.
    public var listenerPerLoop = true
    /// A connection with no bytes from its client for this long is closed (keep-alive idle timeout).
    public var idleTimeout: Double = 30
    /// A request head that takes longer than this to arrive gets a 408 and the connection is closed.
    public var requestHeadTimeout: Double = 10
    /// How long a graceful shutdown waits for open connections to finish before closing them.
    public var shutdownGracePeriod: Double = 10
    /// Longest request line target (path and query), in bytes: longer is 414.
    public var maxRequestTargetBytes = 8 * 1024
    /// Longest request head (request line and headers), in bytes: longer is 431.
    public var maxHeaderBytes = 32 * 1024
    /// Log one line per request (off by default: the request path stays allocation-free).
    public var accessLog = false
    /// The origin a browser front end is served from (`https://app.example.com`, or `*`):
    /// sent as `Access-Control-Allow-Origin` on every response, and OPTIONS preflights
    /// answered for it (`CORSPolicy`). Nil or empty: CORS off (the default).
    public var corsOrigin: String? = nil
    /// Listen backlog.
    public var backlog: Int32 = 1024
    /// Most client connections open at once. One more is answered with a 503
    /// (`Connection: close`) and closed at once, and counted in
    /// `reel_http_connections_refused_total`. Keep it under the process's open-file limit.
    public var maxConnections = 10_000
    /// Response bytes one connection may have queued (answered but not yet taken by the
    /// kernel). A client that pipelines requests without reading the answers reaches it:
    /// the daemon then stops answering and reading that connection until the client reads
    /// (backpressure). A connection's memory stays about this plus one read batch of
    /// requests (at most 16 × 64 KiB) plus its largest response.
    public var maxQueuedBytesPerConnection = 256 * 1024

    public init(releasePath: String) {
        self.releasePath = releasePath
    }
}
