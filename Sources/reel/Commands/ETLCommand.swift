import ArgumentParser
import ReelCore
import ReelLakehouse
import ReelPipeline
import ReelSettings

/// `reel etl`: bronze CSV → a new validated silver version.
struct ETLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "etl",
        abstract: "Validate the bronze MovieLens files and write them as a new silver version.",
        discussion: """
            Reads lakehouse/bronze/movielens/ml-25m/{movies,links,ratings,tags}.csv and checks every row against the quality rules of schemas/lakehouse/bronze_tables.yml (a row is rejected with the first rule it breaks). Repeated (userId, movieId) ratings keep the newest. Writes lakehouse/silver/versions/<run-id>/ (user- and movie-major rating CSR, movies with links and rating statistics, tags, trending popularity, manifest.json with every file's xxh3-64, report.json); only when all of it is written does lakehouse/silver/current switch to it.

            When lakehouse/bronze/events/ exists, its view, click and rating events join in (docs/events.md): rating events are ratings (the newest rating of a user for a movie wins across ratings.csv and the events; users known only from events become users), views and clicks count towards trending (weights 0.2 and 0.5, ratings 1.0), and the windows end at the newest interaction. Events of an unknown movie or outside the time bounds go to lakehouse/quarantine/<run-id>/events.rejects.csv; each type is reported as a table (view_events, click_events, rating_events).

            For analysts, the same silver is also written as Delta Lake tables of Parquet files, lakehouse/silver/{ratings,movies,tags,events} (columns in open_tables: of schemas/lakehouse/silver_tables.yml; read them with DuckDB, pyarrow, Spark or delta-rs, docs/lakehouse-formats.md): one commit per table, made after the version is complete and before current switches. The run holds output/.reel.lock from the start (exit code 3 when another writer, e.g. reel nightly, holds it).

            Rejected rows go to lakehouse/quarantine/<run-id>/<table>.rejects.csv (line,rule,original). The run fails (exit code 2 for a missing file, else 1) and leaves the current silver untouched when a file is missing or unreadable, a header differs from the contract, or a table's rejected/read ratio exceeds --reject-threshold.

            Prints the reconciliation (read = accepted + rejected + deduplicated per table) on stdout, or the whole report with --json.

            --engine spark submits pipeline/spark/etl.py (the same contract, applied on the cluster of [engine] in pipeline/reel.toml) and imports its silver tables, report and quarantine into the new version; bronze events are not read by it (docs/scaling.md).

            Examples:
              reel synth --preset small && reel etl
              reel etl --reject-threshold 0.05 --threads 2 --json
              reel etl --engine spark
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Fail when a table rejects more than this fraction of its rows (default: etl.reject_threshold, 0.01).", valueName: "fraction"))
    var rejectThreshold: Double?

    @Option(name: .long, help: "Threads for parsing and building (default: etl.threads, 2).")
    var threads: Int?

    @Option(help: "reel (built-in) or spark (pipeline/spark/etl.py on engine.master, tables imported; default: engine.kind).")
    var engine: TrainingEngine?

    @Flag(name: .long, help: "Print the run report as JSON instead of the summary table.")
    var json = false

    func run() async throws {
        try await runReel {
            let home = try global.existingHome()
            let config = try global.config(home)
            var options = config.etlOptions()
            if let rejectThreshold { options.rejectThreshold = rejectThreshold }
            if let threads { options.threads = threads }
            let report =
                (engine ?? config.trainingEngine()) == .spark
                ? try SparkETL.run(home: home, options: options, settings: config.sparkSettings())
                : try ETL.run(home: home, options: options)
            print(json ? CLIJSON.styled(report.json()) : report.summary(), terminator: "")
        }
    }
}
