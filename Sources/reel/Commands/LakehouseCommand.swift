import ArgumentParser
import ReelCore
import ReelLakehouse
import ReelParquet
import ReelRelease
import ReelServing
import ReelSettings

/// `reel lakehouse …`: the open (Delta Lake / Parquet) silver and gold tables.
struct LakehouseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lakehouse",
        abstract: "List, write and vacuum the Delta tables analysts read (lakehouse/silver/<table>, lakehouse/gold/<table>).",
        discussion: """
            `reel etl` writes silver as Delta tables (ratings, movies, tags, events) and `reel publish` \
            writes gold (user_recommendations, similar_movies, trending, model_runs); DuckDB, pandas/pyarrow, \
            Spark and delta-rs read them with no Reel code (docs/lakehouse-formats.md). The nightly prune \
            stage vacuums them. Writers take output/.reel.lock, like the nightly job.

            Examples:
              reel lakehouse tables
              reel lakehouse gold           # after a failed gold write
              reel lakehouse vacuum --retention-days 0 --dry-run
            """,
        subcommands: [Tables.self, Gold.self, Vacuum.self]
    )

    struct Tables: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the Delta tables with their latest version, rows, files and size.",
            discussion: "Reads each table's _delta_log (no data files).\n\nExample:\n  reel lakehouse tables --root /srv/reel"
        )
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReel {
                let home = global.home()
                print(OpenTableStatus.render(try OpenTableStatus.collect(home: home), home: home), terminator: "")
            }
        }
    }

    struct Gold: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the gold Delta tables from the current release.",
            discussion: """
                What `reel publish` does after making a release current, on its own: reads output/current \
                (fully verified) and overwrites lakehouse/gold/{user_recommendations,similar_movies,trending}, \
                appending the release's model run to lakehouse/gold/model_runs unless it is there already.

                Example:
                  reel lakehouse gold
                """
        )
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReel {
                let home = global.home()
                let release = try Release.current(home: home)
                print(try GoldTables.write(release: release, home: home, lock: .file(home.lockFile)).summary)
            }
        }
    }

    struct Vacuum: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete the data files of table versions older than the retention period.",
            discussion: """
                For every Delta table under lakehouse/silver and lakehouse/gold, deletes the files that no \
                version committed within --retention-days needs, and files no commit mentions (left by a \
                crashed write). Older versions can no longer be read afterwards (time travel ends there); \
                the latest version is never touched. The nightly prune stage does this with \
                lakehouse.retention_days.

                Examples:
                  reel lakehouse vacuum
                  reel lakehouse vacuum --retention-days 0 --dry-run
                """
        )
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Keep versions this many days (default: lakehouse.retention_days, 7).", valueName: "days"))
        var retentionDays: Int?
        @Flag(help: "Only report what would be deleted.")
        var dryRun = false

        func run() async throws {
            try await runReel {
                let home = try global.existingHome()
                let days = try retentionDays ?? global.config(home).int(.lakehouseRetentionDays)
                guard days >= 0 else { throw ReelError(.usage, "--retention-days must not be negative (got \(days))") }
                let results = try OpenTableRetention.vacuum(
                    home: home, retentionSeconds: Int64(days) * 86_400,
                    lock: .file(home.lockFile), dryRun: dryRun)
                for r in results where !r.report.deleted.isEmpty || !r.report.orphansDeleted.isEmpty {
                    print(
                        "\(r.table): \(dryRun ? "would delete" : "deleted") \(r.report.deleted.count) files "
                            + "(\(Console.bytes(r.report.bytesFreed))), \(r.report.orphansDeleted.count) orphans")
                }
                print((dryRun ? "dry run: " : "") + OpenTableRetention.summary(results))
            }
        }
    }
}
