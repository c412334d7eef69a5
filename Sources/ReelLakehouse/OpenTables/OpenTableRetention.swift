import ReelCore
import ReelParquet

/// Retention of the open tables: each overwrite leaves the previous
/// version's data files in place (time travel), so without pruning every
/// night's silver and gold would accumulate. `vacuum` deletes, in every Delta
/// table under `lakehouse/silver` and `lakehouse/gold`, the files no version
/// within the retention period needs (and uncommitted orphans); versions
/// older than that can no longer be read. The latest version is never touched.
public enum OpenTableRetention {
    /// The Delta tables of a home (folders of `lakehouse/silver` and
    /// `lakehouse/gold` with a `_delta_log`), silver first, by name.
    public static func tables(home: ReelHome) -> [String] {
        [home.silver, home.gold].flatMap { layer in
            FileSystem.list(layer).sorted().map { Path.join(layer, $0) }.filter { DeltaTable(path: $0).exists }
        }
    }

    /// What `vacuum` did to one table.
    public struct Result: Sendable {
        public var table: String
        public var report: DeltaVacuumReport
    }

    /// Vacuums every table with `retentionSeconds` under one hold of `lock`.
    public static func vacuum(
        home: ReelHome, retentionSeconds: Int64, lock: DeltaWriteLock, now: Int64 = Clock.now(),
        dryRun: Bool = false
    ) throws -> [Result] {
        let hold = try lock.hold()
        return try withExtendedLifetime(hold) {
            try tables(home: home).map { path in
                Result(
                    table: path,
                    report: try DeltaTable(path: path).vacuum(
                        retentionSeconds: retentionSeconds, lock: hold.lock,
                        now: now, dryRun: dryRun))
            }
        }
    }

    /// One line: files deleted and bytes freed over all tables.
    public static func summary(_ results: [Result]) -> String {
        let files = results.reduce(0) { $0 + $1.report.deleted.count + $1.report.orphansDeleted.count }
        let bytes = results.reduce(0) { $0 + $1.report.bytesFreed }
        let kept = results.reduce(0) { $0 + $1.report.retained }
        return "vacuumed \(results.count) open tables: \(files) files deleted (\(Console.bytes(bytes))), \(kept) kept for time travel"
    }
}
