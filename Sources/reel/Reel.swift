import ArgumentParser
import CReelCPU
import ReelCore
import ReelPipeline
import ReelSettings

/// `reel`: the one binary of the nightly batch, the lookup CLI and the daemon.
/// Subcommands only parse arguments and call the libraries.
@main
struct Reel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reel",
        abstract: "Batch-precomputed movie recommendations served from checksummed, memory-mapped release files.",
        discussion: """
            A Reel home folder holds lakehouse/ (bronze, silver), output/ (models, releases, runs) and
            pipeline/reel.toml. Commands use the current directory, or --root DIR, or $REEL_ROOT.

            Typical chain (each step finds what the previous one wrote):
              reel synth --preset small     # or: reel bronze bootstrap
              reel etl
              reel train
              reel publish
              reel serve                    # http://127.0.0.1:8000
            """,
        version: ReelVersion.string,
        subcommands: [
            // The pipeline, in order.
            InitCommand.self,
            SynthCommand.self,
            BronzeCommand.self,
            EventsCommand.self,
            ETLCommand.self,
            TrainCommand.self,
            ImportCommand.self,
            EvaluateCommand.self,
            TuneCommand.self,
            PublishCommand.self,
            NightlyCommand.self,
            // Lookups (CLI) and the daemon.
            TopKCommand.self,
            TrendingCommand.self,
            SimilarCommand.self,
            MovieCommand.self,
            ServeCommand.self,
            // Releases and edge hosts.
            ReleasesCommand.self,
            RollbackCommand.self,
            BundleCommand.self,
            ActivateCommand.self,
            VerifyCommand.self,
            InspectCommand.self,
            LakehouseCommand.self,
            // Operations.
            RunsCommand.self,
            ConfigCommand.self,
            ReportCommand.self,
        ]
    )

    /// ArgumentParser's entry point, wrapped: every help ends with the exit-code table and a
    /// mistyped command or option is named as unknown, with the closest match (`Entry`).
    static func main() async {
        await Entry.main(Reel.self, arguments: Array(CommandLine.arguments.dropFirst()))
    }
}

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Reel home folder (default: $REEL_ROOT, else the current directory).", valueName: "dir"))
    var root: String?

    @Flag(name: .shortAndLong, help: "Print only warnings and errors on stderr.")
    var quiet = false

    @Option(
        name: .customLong("log-format"),
        help: ArgumentHelp(
            "Log lines on stderr: text (<time> <stage>: <message>) or json (one object per line; default: log.format).",
            valueName: "text|json"))
    var logFormat: LogFormat?

    /// The resolved home folder; also applies `--quiet` and `--log-format`.
    func home() -> ReelHome {
        Console.quiet = quiet
        if let logFormat { Console.format = logFormat }
        return ReelHome.resolve(root)
    }

    /// The home of a command that writes into it (`output/`, `lakehouse/`): refuses a folder
    /// that is not a Reel home, before any lock, record or metric is created (exit 64).
    func existingHome() throws -> ReelHome {
        let home = home()
        try home.requireInitialized()
        return home
    }

    /// The home of a command that may create a home's first data (`reel synth`): a home, or
    /// an existing empty folder.
    func homeOrEmptyFolder() throws -> ReelHome {
        let home = home()
        try home.requireInitializedOrEmpty()
        return home
    }

    /// The effective configuration of `home`: defaults < pipeline/reel.toml < REEL_* variables,
    /// with the latest `reel tune` choice over the unpinned model settings (docs/model.md, "Tuning").
    /// Commands apply their own flags on top.
    func config(_ home: ReelHome) throws -> ReelConfig {
        let config = try ReelConfig.load(path: home.config).applyingTuning(home: home)
        if logFormat == nil, let format = LogFormat(rawValue: config.string(.logFormat)) { Console.format = format }
        return config
    }
}

extension LogFormat: ExpressibleByArgument {}

/// Runs a command body: checks the CPU baseline, turns a `ReelError` into
/// `error: <message>` on stderr and its exit code (the table in `ExitStatus`:
/// 1 error, 2 not found, 3 locked, 4 quality gate, 64 usage).
func runReel(_ body: () async throws -> Void) async throws {
    guard reel_cpu_supports_baseline() != 0 else {
        Console.error("this CPU lacks AVX2/FMA (x86-64-v3), which reel's kernels are built for")
        throw ExitCode(1)
    }
    do {
        try await body()
    } catch let error as ReelError {
        Console.error(error.message)
        throw ExitCode(error.exitCode)
    }
}
