import NIOCore

/// The fold-in latency histogram, `reel_foldin_duration_seconds`: the time
/// one fold-in spends solving the user's row and ranking the catalogue (JSON
/// parsing and rendering excluded; the request histogram has the whole). Its
/// own family, with finer buckets than the request histogram, because the
/// fold-in is the one request whose cost grows with the catalogue and rank.
public final class FoldInMetrics: Sendable {
    /// Upper bounds in nanoseconds (25 µs … 100 ms).
    static let bucketBounds: [UInt64] = [
        25_000, 50_000, 100_000, 200_000, 300_000, 500_000, 750_000,
        1_000_000, 2_000_000, 5_000_000, 10_000_000, 100_000_000,
    ]
    static let bucketLabels: [String] = bucketBounds.map { bound in
        var text = PrometheusText(buffer: .init())
        text.buffer.writeJSONNumber(Double(bound) / 1e9, fractionDigits: 9)
        return String(buffer: text.buffer)
    }
    /// Buckets, then the overflow bucket, then the sum of nanoseconds.
    private let slots = AtomicCounters(count: bucketBounds.count + 2)

    @inline(__always)
    public func record(nanoseconds: UInt64) {
        var bucket = 0
        let bounds = Self.bucketBounds
        while bucket < bounds.count && nanoseconds > bounds[bucket] { bucket += 1 }
        slots.add(bucket)
        slots.add(bounds.count + 1, nanoseconds)
    }

    /// Fold-ins recorded so far.
    public var count: UInt64 { (0...Self.bucketBounds.count).reduce(0) { $0 + slots.load($1) } }

    func render(into text: inout PrometheusText) {
        let name = "reel_foldin_duration_seconds"
        text.family(name, "histogram", "Time one fold-in spends solving the user's ALS row and ranking the movies.")
        var cumulative: UInt64 = 0
        for (b, label) in Self.bucketLabels.enumerated() {
            cumulative += slots.load(b)
            text.sample(name + "_bucket", "le=\"" + label + "\"", cumulative)
        }
        let total = count
        text.sample(name + "_bucket", "le=\"+Inf\"", total)
        text.sampleSeconds(name + "_sum", "", nanoseconds: slots.load(Self.bucketBounds.count + 1))
        text.sample(name + "_count", "", total)
    }
}
