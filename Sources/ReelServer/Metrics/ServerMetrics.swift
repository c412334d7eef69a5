import NIOCore
import ReelCore
import ReelServing

/// The daemon's counters: requests and latency by route and status, fallbacks
/// served, reloads, connections. Recording is a couple of relaxed atomic adds
/// (no allocation, no lock); the Prometheus text is built only on scrape.
public final class ServerMetrics: Sendable {
    /// Upper bounds of the latency buckets, in nanoseconds (10 µs … 1 s).
    static let bucketBounds: [UInt64] = [
        10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
        1_000_000, 2_500_000, 5_000_000, 10_000_000, 25_000_000, 50_000_000,
        100_000_000, 250_000_000, 1_000_000_000,
    ]
    /// The same bounds as Prometheus `le` labels, in seconds.
    static let bucketLabels: [String] = bucketBounds.map { bound in
        var buffer = ByteBufferAllocator().buffer(capacity: 16)
        buffer.writeJSONNumber(Double(bound) / 1e9, fractionDigits: 9)
        return String(buffer: buffer)
    }

    // Per (route, status): one counter per bucket, one for overflow (> 1 s), the sum of nanoseconds.
    private static let slotsPerSeries = bucketBounds.count + 2
    private static let statusCount = ResponseStatus.allCases.count
    private let requests = AtomicCounters(
        count: RouteID.allCases.count * ResponseStatus.allCases.count * (bucketBounds.count + 2))

    private enum Event: Int, CaseIterable {
        case fallbacks, reloadSuccesses, reloadFailures, lastReloadSuccess, lastReloadFailure
        case connectionsAccepted
        case connectionsRefused, backpressurePauses, idleCloses
    }
    private let events = AtomicCounters(count: Event.allCases.count)
    /// Open connections by event loop: the listeners steer connections by the
    /// client's CPU, so an operator needs to see whether the loops share the load.
    private let openByLoop: AtomicCounters

    /// Process start, seconds since the epoch.
    public let startedAt: Int64
    /// Time spent per fold-in (solve and rank), its own histogram.
    public let foldIn = FoldInMetrics()

    public init(startedAt: Int64 = Clock.now(), eventLoops: Int = 1, connectionLimit: Int = 0) {
        self.startedAt = startedAt
        self.connectionLimit = connectionLimit
        self.openByLoop = AtomicCounters(count: max(eventLoops, 1))
    }

    @inline(__always)
    private static func firstSlot(_ route: RouteID, _ status: ResponseStatus) -> Int {
        (route.rawValue * statusCount + status.index) * slotsPerSeries
    }

    /// Counts one response and its latency.
    @inline(__always)
    public func recordRequest(route: RouteID, status: ResponseStatus, nanoseconds: UInt64) {
        let base = Self.firstSlot(route, status)
        var bucket = 0
        let bounds = Self.bucketBounds
        while bucket < bounds.count && nanoseconds > bounds[bucket] { bucket += 1 }
        requests.add(base + bucket)
        requests.add(base + bounds.count + 1, nanoseconds)
    }

    /// Counts a user answered with the trending list because they are not in the release.
    public func recordFallback() { events.add(Event.fallbacks.rawValue) }

    /// Counts a reload attempt; `at` is its time, seconds since the epoch.
    public func recordReload(success: Bool, at time: Int64) {
        events.add(success ? Event.reloadSuccesses.rawValue : Event.reloadFailures.rawValue)
        events.store(
            success ? Event.lastReloadSuccess.rawValue : Event.lastReloadFailure.rawValue,
            UInt64(max(time, 0)))
    }

    func connectionOpened(loop: Int) {
        openByLoop.add(loop)
        events.add(Event.connectionsAccepted.rawValue)
    }

    func connectionClosed(loop: Int) { openByLoop.subtract(loop) }

    /// Counts a connection refused at the connection cap.
    func connectionRefused() { events.add(Event.connectionsRefused.rawValue) }

    /// Counts a connection that stopped being read because its client did not read its answers.
    func backpressurePaused() { events.add(Event.backpressurePauses.rawValue) }

    /// Counts a connection closed by the idle timeout (with or without a 408).
    func idleClosed() { events.add(Event.idleCloses.rawValue) }

    /// Client connections open now, over every event loop.
    public var openConnections: UInt64 { (0..<openByLoop.count).reduce(0) { $0 &+ openByLoop.load($1) } }

    public var connectionsRefused: UInt64 { events.load(Event.connectionsRefused.rawValue) }
    public var backpressurePauses: UInt64 { events.load(Event.backpressurePauses.rawValue) }
    public var idleCloses: UInt64 { events.load(Event.idleCloses.rawValue) }

    /// The connection cap, shown as a gauge beside the open connections (0: not set).
    public let connectionLimit: Int

    /// How many responses were sent for `route` with `status` (for tests and reports).
    public func requestCount(route: RouteID, status: ResponseStatus) -> UInt64 {
        let base = Self.firstSlot(route, status)
        return (0...Self.bucketBounds.count).reduce(0) { $0 + requests.load(base + $1) }
    }

    public var fallbacks: UInt64 { events.load(Event.fallbacks.rawValue) }
    public var reloadSuccesses: UInt64 { events.load(Event.reloadSuccesses.rawValue) }
    public var reloadFailures: UInt64 { events.load(Event.reloadFailures.rawValue) }

    /// Renders the Prometheus text exposition format (version 0.0.4).
    public func render<Store>(release: ServedRelease<Store>?, now: Int64, into out: inout ByteBuffer) {
        var text = PrometheusText(buffer: out)
        defer { out = text.buffer }

        let series = snapshot()
        text.family("reel_http_requests_total", "counter", "HTTP responses sent, by route and status.")
        for (labels, slots) in series {
            text.sample("reel_http_requests_total", labels, slots.total)
        }

        text.family(
            "reel_http_request_duration_seconds", "histogram",
            "Time from a request's first byte to its response being written, by route and status.")
        for (labels, slots) in series {
            var cumulative: UInt64 = 0
            for (b, label) in Self.bucketLabels.enumerated() {
                cumulative += slots.values[b]
                text.sample("reel_http_request_duration_seconds_bucket", labels + ",le=\"" + label + "\"", cumulative)
            }
            text.sample("reel_http_request_duration_seconds_bucket", labels + ",le=\"+Inf\"", slots.total)
            text.sampleSeconds(
                "reel_http_request_duration_seconds_sum", labels,
                nanoseconds: slots.values[Self.bucketBounds.count + 1])
            text.sample("reel_http_request_duration_seconds_count", labels, slots.total)
        }

        text.family("reel_ready", "gauge", "1 when a verified release is mapped and served, else 0.")
        text.sample("reel_ready", "", release == nil ? 0 : 1)
        if let release {
            let store = release.store
            text.family("reel_release_info", "gauge", "The release being served (always 1; the id is the label).")
            text.sample("reel_release_info", "release=\"" + PrometheusLabel.escape(store.releaseID) + "\"", 1)
            text.family("reel_release_created_timestamp_seconds", "gauge", "When the served release was built.")
            text.sample("reel_release_created_timestamp_seconds", "", UInt64(max(store.createdAt, 0)))
            text.family("reel_release_age_seconds", "gauge", "Seconds since the served release was built.")
            text.sample("reel_release_age_seconds", "", UInt64(max(Clock.elapsed(from: store.createdAt, to: now), 0)))
            text.family("reel_release_loaded_timestamp_seconds", "gauge", "When this daemon mapped the served release.")
            text.sample("reel_release_loaded_timestamp_seconds", "", UInt64(max(release.loadedAt, 0)))
            text.family("reel_release_users", "gauge", "Users with stored recommendations in the served release.")
            text.sample("reel_release_users", "", UInt64(store.userCount))
            text.family("reel_release_movies", "gauge", "Movies in the served release.")
            text.sample("reel_release_movies", "", UInt64(store.movieCount))
        }

        text.family("reel_fallbacks_total", "counter", "Users not in the release, answered with the trending list.")
        text.sample("reel_fallbacks_total", "", events.load(Event.fallbacks.rawValue))
        text.family("reel_release_reloads_total", "counter", "Release reload attempts, by result (failures keep the old release).")
        text.sample("reel_release_reloads_total", "result=\"success\"", events.load(Event.reloadSuccesses.rawValue))
        text.sample("reel_release_reloads_total", "result=\"failure\"", events.load(Event.reloadFailures.rawValue))
        text.family("reel_release_last_reload_timestamp_seconds", "gauge", "Time of the last reload attempt, by result (0 = never).")
        text.sample("reel_release_last_reload_timestamp_seconds", "result=\"success\"", events.load(Event.lastReloadSuccess.rawValue))
        text.sample("reel_release_last_reload_timestamp_seconds", "result=\"failure\"", events.load(Event.lastReloadFailure.rawValue))
        text.family("reel_http_connections", "gauge", "Open client connections, by event loop.")
        for loop in 0..<openByLoop.count {
            text.sample("reel_http_connections", "event_loop=\"\(loop)\"", openByLoop.load(loop))
        }
        text.family("reel_http_connections_accepted_total", "counter", "Client connections accepted.")
        text.sample("reel_http_connections_accepted_total", "", events.load(Event.connectionsAccepted.rawValue))
        text.family("reel_http_connections_limit", "gauge", "The most client connections open at once (serve --max-connections).")
        text.sample("reel_http_connections_limit", "", UInt64(max(connectionLimit, 0)))
        text.family(
            "reel_http_connections_refused_total", "counter",
            "Connections refused with a 503 because the daemon was at its connection limit.")
        text.sample("reel_http_connections_refused_total", "", events.load(Event.connectionsRefused.rawValue))
        text.family(
            "reel_http_backpressure_pauses_total", "counter",
            "Times a connection stopped being read because its client did not read its responses.")
        text.sample("reel_http_backpressure_pauses_total", "", events.load(Event.backpressurePauses.rawValue))
        text.family(
            "reel_http_idle_closes_total", "counter",
            "Connections closed by the idle timeout, whatever they had queued.")
        text.sample("reel_http_idle_closes_total", "", events.load(Event.idleCloses.rawValue))
        foldIn.render(into: &text)
        text.family("reel_process_start_time_seconds", "gauge", "When the daemon started.")
        text.sample("reel_process_start_time_seconds", "", UInt64(max(startedAt, 0)))
    }

    /// One read of every (route, status) series that has answered at least
    /// once: its labels and its slot values (buckets, overflow, sum), so the
    /// histogram's buckets, +Inf and count agree with each other.
    private func snapshot() -> [(labels: String, slots: (values: [UInt64], total: UInt64))] {
        var series: [(labels: String, slots: (values: [UInt64], total: UInt64))] = []
        for route in RouteID.allCases {
            for status in ResponseStatus.allCases {
                let base = Self.firstSlot(route, status)
                let values = (0..<Self.slotsPerSeries).map { requests.load(base + $0) }
                let total = values[0...Self.bucketBounds.count].reduce(0, +)
                guard total > 0 else { continue }
                series.append(("route=\"\(route.label)\",status=\"\(status.rawValue)\"", (values, total)))
            }
        }
        return series
    }
}
