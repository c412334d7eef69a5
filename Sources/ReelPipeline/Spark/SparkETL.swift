import Foundation
import ReelCore
import ReelLakehouse
import ReelModel

/// `reel etl --engine spark` (and the nightly's etl stage when
/// `engine.kind = spark`): submits pipeline/spark/etl.py, which validates the
/// bronze CSVs against the same contract (schemas/lakehouse/*.yml) on the
/// cluster and writes silver Delta tables, its quarantine and a report; then
/// reads that report and those tables into a normal silver version
/// (`SilverImport`), so the reconciliation, the quarantine, report.json and
/// everything downstream look as after `reel etl`.
///
/// A job that fails — master down, too many rejects (nothing is committed
/// then), a crash — throws naming the cause and the job's log; silver's
/// `current` is untouched. The job's output folder is removed after a
/// successful import and kept after a failure, for inspection.
public enum SparkETL {
    public static func run(home: ReelHome, options: ETLOptions, settings: SparkSettings) throws -> ETLReport {
        let job = home.path("pipeline", "spark", "etl.py")
        guard FileSystem.exists(job) else {
            throw ReelError(.notFound, "\(job) is missing; this home has no Spark jobs (copy pipeline/spark/ from the Reel checkout)")
        }
        if FileSystem.isDirectory(home.bronzeEvents), !FileSystem.list(home.bronzeEvents).filter({ !$0.hasPrefix(".") }).isEmpty {
            throw ReelError(
                .usage, "\(home.bronzeEvents) holds events, which the Spark ETL does not read (docs/scaling.md); use --engine reel, or move them away"
            )
        }
        let schemas = try options.schemasDirectory ?? ContractLocator.schemasDirectory(home: home)
        let submit = try SparkJob.submitter(settings)
        let runID = Clock.runID()
        let out = Path.join(home.output, "spark", "etl-" + runID)
        try FileSystem.createDirectory(Path.parent(out))
        let arguments = [
            "--master", settings.master, "--executor-memory", settings.executorMemory,
            "--conf", "spark.ui.enabled=false", job,
            "--bronze", home.bronzeMovieLens,
            "--contract", Path.join(schemas, "lakehouse", "bronze_tables.yml"),
            "--silver-contract", Path.join(schemas, "lakehouse", "silver_tables.yml"),
            "--out", out, "--run-id", runID, "--run-clock", String(options.now),
            "--reject-threshold", String(options.rejectThreshold),
        ]
        Console.info("etl", "spark: submitting \(job) to \(settings.master)")
        let started = Clock.monotonic()
        try SparkJob.run(submit, arguments: arguments, log: out + ".log", stage: "etl")
        let seconds = Clock.monotonic() - started
        let counts = try readReport(Path.join(out, "_reports", runID + ".json"))
        Console.info("etl", "spark: job finished in \(Console.duration(seconds)); importing \(out)")
        let report = try SilverImport.run(home: home, options: options, folder: out, counts: counts, seconds: seconds)
        try? FileSystem.removeTree(out)
        try? FileSystem.removeTree(out + ".log")
        return report
    }

    /// The per-table counts of etl.py's report (`_reports/<run-id>.json`).
    static func readReport(_ path: String) throws -> [SilverImport.TableCounts] {
        struct Table: Decodable {
            var table: String
            var read, accepted, rejected, deduplicated: Int
            var rejectsByRule: [String: Int]
        }
        struct Report: Decodable {
            var tables: [Table]
            var quarantine: String
        }
        let report: Report
        do {
            report = try JSONText.decode(Report.self, from: try FileSystem.readText(path))
        } catch let e as ReelError {
            throw e
        } catch {
            throw ReelError(.invalidInput, "\(path): not the report pipeline/spark/etl.py writes (\(error))")
        }
        return report.tables.map {
            SilverImport.TableCounts(
                table: $0.table, read: $0.read, accepted: $0.accepted, rejected: $0.rejected,
                deduplicated: $0.deduplicated, rejectsByRule: $0.rejectsByRule,
                rejectsFile: Path.join(report.quarantine, "\($0.table).rejects.csv"))
        }
    }
}
