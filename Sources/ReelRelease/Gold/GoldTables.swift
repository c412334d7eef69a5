import ReelCore
import ReelLakehouse
import ReelParquet
import ReelServing

/// The gold layer as open tables: after every publish, the release just
/// published is read back (through the verified release reader) and written
/// as Delta tables under `lakehouse/gold/<table>` — `user_recommendations`,
/// `similar_movies` and `trending` overwritten, `model_runs` appended with
/// one row per model run — so analysts query what is being served with
/// DuckDB, pyarrow, Spark or delta-rs. Schemas: `schemas/lakehouse/gold_tables.yml`.
///
/// Shared by `reel publish` and the nightly publish stage. The data files of
/// all four tables are written first, then the four commits (each atomic for
/// its table, operation parameter `releaseId`); a failure leaves each table at
/// its previous version or at this release's, never a mix within a table.
public enum GoldTables {
    public static let names = ["user_recommendations", "similar_movies", "trending", "model_runs"]

    /// What one write did.
    public struct Report: Sendable {
        public var releaseID: String
        /// The Delta version each table was committed at (`model_runs` absent when it already had the run).
        public var versions: [String: Int64] = [:]
        /// Rows written per table.
        public var rows: [String: Int] = [:]

        /// One line for logs and the nightly run record.
        public var summary: String {
            "gold tables: "
                + GoldTables.names.compactMap { name in
                    versions[name].map { v in
                        let n = rows[name] ?? 0
                        return "\(name) v\(v) (\(Console.count(n)) row\(n == 1 ? "" : "s"))"
                    }
                }.joined(separator: ", ")
        }
    }

    /// Writes the gold tables of the release `published` made current.
    ///
    /// The release stays published and current whatever happens here: a
    /// failure is rethrown (same kind) with a message that says so and how to
    /// catch up (`reel lakehouse gold`), so the caller fails its stage
    /// without anyone mistaking it for a failed publish.
    @discardableResult
    public static func write(
        published: PublishResult, home: ReelHome, lock: DeltaWriteLock,
        schemasDirectory: String? = nil
    ) throws -> Report {
        do {
            let report = try write(release: Release(path: published.path), home: home, lock: lock, schemasDirectory: schemasDirectory)
            Console.info("publish", report.summary)
            return report
        } catch let e as ReelError {
            let message =
                "release \(published.releaseID) is published and current, but its gold tables under \(home.gold) "
                + "were not written: \(e.message). The tables still hold the previous release; `reel lakehouse gold` "
                + "(or the next publish) writes them"
            Console.warn("publish", message)
            throw ReelError(e.kind, message)
        }
    }

    /// After `reel rollback` or `reel activate` switched `output/current`: rewrites
    /// the gold tables from the new current release, so analysts see what is
    /// served — but only on a home that has gold tables (the batch host; an
    /// edge host that only serves has none and gets none). Nil when skipped.
    @discardableResult
    public static func followCurrent(home: ReelHome, lock: DeltaWriteLock, schemasDirectory: String? = nil) throws -> Report? {
        guard FileSystem.isDirectory(home.gold) else { return nil }
        let release = try Release.current(home: home)
        do {
            let report = try write(release: release, home: home, lock: lock, schemasDirectory: schemasDirectory)
            Console.info("gold", report.summary)
            return report
        } catch let e as ReelError {
            throw ReelError(
                e.kind,
                "release \(release.releaseID) is current, but its gold tables under \(home.gold) were not written: "
                    + "\(e.message). `reel lakehouse gold` writes them")
        }
    }

    /// Writes the gold tables from `release` (opened and verified by the caller).
    @discardableResult
    public static func write(
        release: Release, home: ReelHome, lock: DeltaWriteLock,
        schemasDirectory: String? = nil, threads: Int = 0
    ) throws -> Report {
        let schemas = try OpenTableSchemas.gold(schemasDirectory: schemasDirectory ?? ContractLocator.schemasDirectory(home: home))
        let run = try GoldModelRun(release: release)
        let writer = try OpenTableWriter(
            schemas: schemas, location: home.goldTable, lock: lock,
            parameters: ["releaseId": release.releaseID], threads: threads)
        var report = Report(releaseID: release.releaseID)
        do {
            func add(_ table: String, _ rows: OpenTableRows) throws {
                try writer.add(table, rows)
                report.rows[table, default: 0] += rows.count
            }
            try writer.start("user_recommendations")
            try GoldOpenRows.userRecommendations(release, modelRun: run.modelRun) { try add("user_recommendations", $0) }
            try writer.start("similar_movies")
            try GoldOpenRows.similarMovies(release) { try add("similar_movies", $0) }
            try add("trending", GoldOpenRows.trending(release))
            if try !run.isRecorded(in: DeltaTable(path: home.goldTable("model_runs"))) {
                try writer.start("model_runs", mode: .append)
                try add("model_runs", run.row)
            }
            report.versions = try writer.commit()
        } catch {
            writer.abort()
            throw error
        }
        return report
    }
}
