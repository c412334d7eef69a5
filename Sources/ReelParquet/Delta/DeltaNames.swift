import ReelCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Names of things in a Delta table: random UUIDs (table ids, file names)
/// and Hive-style partition folders.
enum DeltaNames {
    /// A random (version 4) UUID. Seeded per call from the clock, the pid and
    /// a counter through SplitMix64, so two writers never pick the same name.
    static func uuid() -> String {
        var rng = SplitMix64(seed: Clock.nanos() ^ (UInt64(getpid()) << 40) ^ counter.wrappingAdd(0x9E37_79B9, ordering: .relaxed).newValue)
        var bytes = (0..<16).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = bytes.map { b -> String in
            let s = String(b, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
        let h = Array(hex)
        return [String(h[0..<8]), String(h[8..<12]), String(h[12..<16]), String(h[16..<20]), String(h[20..<32])]
            .joined(separator: "-")
    }

    /// Distinguishes names made in the same nanosecond by one process.
    private static let counter = Atomic<UInt64>(0)

    /// A data file name like Spark's: `part-00003-<uuid>-c000.zstd.parquet`.
    static func dataFile(index: Int, codec: ParquetCodec) -> String {
        var n = String(index)
        while n.count < 5 { n = "0" + n }
        return "part-\(n)-\(uuid())-c000.\(codec == .zstd ? "zstd" : "uncompressed").parquet"
    }

    /// `date=2019-11-20/` for the table's partition columns in order.
    /// Values are restricted to characters that need no escaping in a folder
    /// name or a URI (letters, digits, `-`, `_`, `.`), so the path in the log
    /// and on disk are the same string.
    static func partitionFolder(_ values: [String: String], columns: [String], table: String) throws -> String {
        guard Set(values.keys) == Set(columns) else {
            throw ReelError(
                .usage,
                "table \(table): a batch must give partition values for exactly \(columns.joined(separator: ", ")), it gave \(values.keys.sorted().joined(separator: ", "))"
            )
        }
        return try columns.map { c -> String in
            let v = values[c]!
            let safe =
                !v.isEmpty
                && v.utf8.allSatisfy { b in
                    (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 45 || b == 95 || b == 46
                }
            guard safe, v != ".", v != ".." else {
                throw ReelError(.invalidInput, "table \(table): partition value \(c)=\"\(v)\" must be non-empty letters, digits, '-', '_' or '.'")
            }
            return "\(c)=\(v)"
        }.joined(separator: "/")
    }
}
