/// The documented range of every numeric setting of `reel serve` and of the
/// lookup commands (docs/operations.md, "Limits"). A value outside is a usage
/// error (exit 64) before anything starts: the timers, thread pools and
/// scores downstream are only correct inside these ranges (a 1e10-second idle
/// timeout overflows the event loop's nanosecond timer; 100,000 threads
/// exhaust the process; a hybrid weight of 1e20 makes scores infinite).
public enum ServeLimits {
    public static let port: ClosedRange<Int> = 0...65535
    /// Seconds between checks of the release path; 0 also allowed (poll off, SIGHUP only).
    public static let pollInterval: ClosedRange<Double> = 0.01...86_400
    /// Seconds a connection may make no progress before it is closed.
    public static let idleTimeout: ClosedRange<Double> = 0.01...86_400
    /// Seconds a request head may take to arrive.
    public static let requestHeadTimeout: ClosedRange<Double> = 0.01...3600
    /// Seconds a graceful shutdown waits for open connections.
    public static let shutdownGracePeriod: ClosedRange<Double> = 0...3600
    /// Event-loop threads.
    public static let threads: ClosedRange<Int> = 1...256
    /// Client connections open at once.
    public static let maxConnections: ClosedRange<Int> = 1...1_000_000
    /// Response bytes queued per connection before backpressure (16 KiB … 256 MiB).
    public static let maxQueuedBytesPerConnection: ClosedRange<Int> = 16 * 1024...256 * 1024 * 1024
    /// Hybrid weights (`w_model`, `w_trending`, `w_diversity`; `--w-*`).
    public static let hybridWeight: ClosedRange<Float> = 0...1000
    /// `k` of the lookups as given (the release's stored K caps it further).
    public static let k: ClosedRange<Int> = 1...10_000

    /// Nil when `value` is inside `range`, else the message naming `option` and the range.
    public static func problem<T: Comparable & CustomStringConvertible>(
        _ option: String, _ value: T, _ range: ClosedRange<T>, orZero zero: T? = nil
    ) -> String? {
        if let zero, value == zero { return nil }
        if range.contains(value) { return nil }
        let alsoZero = zero.map { " (or \($0))" } ?? ""
        return "\(option) must be between \(range.lowerBound) and \(range.upperBound)\(alsoZero); got \(value)"
    }

    /// Checks `configuration` against the ranges above; returns every problem.
    public static func problems(_ configuration: ServerConfiguration) -> [String] {
        let c = configuration
        return [
            problem("--port", c.port, port),
            problem("--poll-interval", c.pollInterval, pollInterval, orZero: 0),
            problem("--idle-timeout", c.idleTimeout, idleTimeout),
            problem("--request-head-timeout", c.requestHeadTimeout, requestHeadTimeout),
            problem("--shutdown-grace", c.shutdownGracePeriod, shutdownGracePeriod),
            problem("--threads", c.threads, threads),
            problem("--max-connections", c.maxConnections, maxConnections),
            problem("--max-queued-bytes", c.maxQueuedBytesPerConnection, maxQueuedBytesPerConnection),
            c.corsOrigin.flatMap(CORSPolicy.problem),
        ].compactMap { $0 }
    }
}
