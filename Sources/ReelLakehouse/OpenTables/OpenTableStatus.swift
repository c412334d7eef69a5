import ReelCore
import ReelParquet

/// What `reel lakehouse tables` prints: every open table of a home with its
/// latest version, when it was committed, its rows, files and bytes, and how
/// many older versions are in its log.
public struct OpenTableStatus: Sendable {
    public var path: String
    public var version: Int64
    /// Commit time of the latest version (ms since the epoch).
    public var committedAt: Int64
    public var rows: Int?
    public var files: Int
    public var bytes: Int64
    public var versions: Int
    public var partitionColumns: [String]

    /// The status of every table under `lakehouse/silver` and `lakehouse/gold`.
    public static func collect(home: ReelHome) throws -> [OpenTableStatus] {
        try OpenTableRetention.tables(home: home).map { path in
            let table = DeltaTable(path: path)
            let snapshot = try table.snapshot()
            return OpenTableStatus(
                path: path, version: snapshot.version, committedAt: snapshot.timestamp,
                rows: snapshot.rowCount, files: snapshot.files.count,
                bytes: snapshot.files.reduce(0) { $0 + $1.size }, versions: try table.versions().count,
                partitionColumns: snapshot.metadata.partitionColumns)
        }
    }

    /// A table, one line per table, paths relative to `home`.
    public static func render(_ tables: [OpenTableStatus], home: ReelHome) -> String {
        guard !tables.isEmpty else {
            return "no open tables under \(home.silver) or \(home.gold): run `reel etl` and `reel publish`\n"
        }
        let names = tables.map { String($0.path.dropFirst(home.root.count + 1)) }
        let width = max(5, names.map(\.count).max() ?? 0)
        func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
        var out = pad("table", width) + "  version  committed             rows         files  bytes      versions\n"
        for (t, name) in zip(tables, names) {
            out +=
                pad(name, width) + "  " + pad(String(t.version), 7) + "  " + pad(Clock.iso8601(t.committedAt / 1000), 20)
                + "  " + pad(t.rows.map { Console.count($0) } ?? "?", 11) + "  " + pad(String(t.files), 5)
                + "  " + pad(Console.bytes(Int(t.bytes)), 9) + "  " + String(t.versions)
                + (t.partitionColumns.isEmpty ? "" : "  (partitioned by \(t.partitionColumns.joined(separator: ", ")))") + "\n"
        }
        return out
    }
}
