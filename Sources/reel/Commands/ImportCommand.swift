import ArgumentParser
import ReelCore
import ReelModel
import ReelPipeline

/// `reel import`: brings results computed elsewhere into a Reel home.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import results computed by another engine (factor tables from Spark).",
        subcommands: [ImportFactorsCommand.self]
    )
}

/// `reel import factors --from DIR`: factor tables → a verified model run.
struct ImportFactorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "factors",
        abstract: "Import user and movie factor tables as a model run that `reel publish` ships.",
        discussion: """
            DIR holds two tables, each a folder of Parquet files (as Spark writes them) or a Delta table:
              DIR/users/    id int32, f0 … f{rank-1} float    one row per user
              DIR/movies/   id int32, f0 … f{rank-1} float    one row per rated movie
            and optionally DIR/factors.json (the producing job's parameters). pipeline/spark/train.py
            writes exactly this; docs/scaling.md shows how to write it from your own job.

            The factors are checked against the current silver version — every user and every rated
            movie present, no id silver does not know, one rank, no NaN, no duplicate — and saved as
            output/models/<run-id>/model.factors (verified, checksummed); output/models/latest then
            points at it, so `reel evaluate`, `reel publish` and the quality gate use it as they use
            `reel train`'s. A refused table changes nothing.

            Examples:
              reel import factors --from /data/spark-out/2026-12-06
              reel publish
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("from"), help: ArgumentHelp("Folder holding users/ and movies/ factor tables.", valueName: "dir"))
    var from: String

    @Option(help: "Engine name recorded in model.json (default: spark).")
    var engine = "spark"

    func run() async throws {
        try await runReel {
            let home = global.home()
            try FactorTableImport.run(
                home: home,
                source: .init(
                    folder: FileSystem.resolve(from, against: FileSystem.currentDirectory()),
                    params: nil, engine: engine))
        }
    }
}
