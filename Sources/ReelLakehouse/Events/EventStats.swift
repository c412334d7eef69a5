import ReelCore
#if canImport(Glibc)
import Glibc
#endif

/// Size of one partition, for `reel events stats`.
public struct EventPartitionStats: Sendable, Equatable {
    public let type: EventType
    public let day: Int64
    public let files: Int
    /// Non-empty lines (events, as ingest writes one per line).
    public let events: Int
    /// Bytes on disk.
    public let bytes: Int

    public var date: String { EventLayout.date(day) }
}

/// Counts events per type and date by counting lines (no parsing), so it is
/// quick enough to run on every partition.
public enum EventStats {
    public static func collect(home: ReelHome) throws -> [EventPartitionStats] {
        try EventLayout.partitions(home).map { partition in
            var events = 0
            var bytes = 0
            for name in partition.files {
                let path = Path.join(partition.directory, name)
                bytes += FileSystem.size(path) ?? 0
                try EventChunks.forEach(.file(path)) { events += countLines($0) }
            }
            return EventPartitionStats(
                type: partition.type, day: partition.day, files: partition.files.count,
                events: events, bytes: bytes)
        }
    }

    /// Non-empty lines in a buffer.
    static func countLines(_ b: UnsafeRawBufferPointer) -> Int {
        guard let base = b.baseAddress else { return 0 }
        var count = 0
        var pos = 0
        while pos < b.count {
            let end: Int
            if let nl = memchr(base + pos, 0x0A, b.count - pos) { end = base.distance(to: UnsafeRawPointer(nl)) } else { end = b.count }
            if end > pos && !(end == pos + 1 && b[pos] == 0x0D) { count += 1 }
            pos = end + 1
        }
        return count
    }

    /// One row per date with a column per type, then totals.
    public static func render(_ stats: [EventPartitionStats]) -> String {
        guard !stats.isEmpty else { return "no events under lakehouse/bronze/events (run `reel events ingest`)\n" }
        func pad(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
        var byDay: [Int64: [Int]] = [:]
        for s in stats { byDay[s.day, default: [0, 0, 0]][s.type.index] += s.events }
        var out = "date      " + EventType.allCases.map { pad($0.rawValue, 12) }.joined() + pad("total", 12) + "\n"
        var totals = [0, 0, 0]
        for day in byDay.keys.sorted() {
            let row = byDay[day]!
            for i in 0..<3 { totals[i] += row[i] }
            out += EventLayout.date(day) + row.map { pad(Console.count($0), 12) }.joined() + pad(Console.count(row.reduce(0, +)), 12) + "\n"
        }
        out += "total     " + totals.map { pad(Console.count($0), 12) }.joined() + pad(Console.count(totals.reduce(0, +)), 12) + "\n"
        let files = stats.reduce(0) { $0 + $1.files }
        let bytes = stats.reduce(0) { $0 + $1.bytes }
        out += "\(stats.count) partition(s), \(files) file(s), \(Console.bytes(bytes))\n"
        return out
    }
}
