import ArgumentParser
import ReelCore
import ReelSilver
import ReelModel
import ReelPipeline
import ReelSettings

/// `reel train`: ALS on the current silver version; writes a model run.
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Learn user and movie factors from silver with ALS (explicit or implicit feedback).",
        discussion: """
            Reads lakehouse/silver/current, trains, and writes output/models/<run-id>/model.factors \
            (checksummed REELFACT file: factors + id maps) and model.json (params, per-iteration loss \
            and time), then points output/models/latest at the run. `reel publish` reads it from there.

            Modes (docs/model.md has the exact objectives):
              implicit  Hu–Koren–Volinsky: confidence c = 1 + alpha·rating,
                        preference 1 for every rated movie. Best for ranking;
                        the default (UC1 serves it through the hybrid).
              explicit  ALS-WR on the star ratings, lambda scaled by each row's
                        rating count (Spark MLlib's convention). Best RMSE.
            Same data, params and --threads give the same factors bit for bit.

            Examples:
              reel train
              reel train --mode explicit --rank 64 --lambda 0.05 --iterations 10
              reel train --warm-start          # start from output/models/latest (nightly)
              reel train --engine spark        # Spark MLlib on engine.master, factors imported

            --engine spark submits pipeline/spark/train.py with spark-submit to the master in \
            [engine] of pipeline/reel.toml (local[2] by default; pipeline/spark/local-cluster.sh \
            start gives a standalone master and two workers), streams its progress, then imports \
            the factors as `reel import factors` does. docs/scaling.md says when that pays.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "reel (built-in ALS) or spark (Spark MLlib, implicit only; default: engine.kind).")
    var engine: TrainingEngine?

    @Option(help: "implicit or explicit (default: model.mode in pipeline/reel.toml).")
    var mode: ALSParams.Mode?
    @Option(help: "Latent dimension (default: model.rank, 64).")
    var rank: Int?
    @Option(help: "Regularisation λ (default: 20 implicit, 0.05 explicit).")
    var lambda: Float?
    @Option(help: "Implicit confidence slope α in c = 1 + α·rating (default: model.alpha, 1).")
    var alpha: Float?
    @Option(help: "Iterations (default: 15 implicit, 10 explicit).")
    var iterations: Int?
    @Option(help: "Seed of the initial factors (default: model.seed, 42).")
    var seed: UInt64?
    @Option(help: "Worker threads (default: all cores). Part of the reproducibility key.")
    var threads: Int?
    @Option(help: "Row solver: cg (warm-started conjugate gradient) or cholesky (default: cg implicit, cholesky explicit).")
    var solver: ALSParams.Solver?
    @Option(name: .customLong("cg-steps"), help: "CG steps per row and half-iteration.")
    var cgSteps: Int?
    @Flag(name: .customLong("warm-start"), help: "Start from the latest model's factors (matched by external ids).")
    var warmStart = false
    @Option(name: .customLong("warm-start-from"), help: ArgumentHelp("Start from this model.factors file.", valueName: "file"))
    var warmStartFrom: String?

    func run() async throws {
        try await runReel {
            let home = try global.existingHome()
            // pipeline/reel.toml (and REEL_MODEL_*) give the defaults; flags override them.
            let params = try global.config(home).alsParams(mode: mode).overriding(
                rank: rank, lambda: lambda, alpha: alpha, iterations: iterations, seed: seed,
                threads: threads ?? Parallel.availableCores, cgSteps: cgSteps, solver: solver)
            let config = try global.config(home)
            if (engine ?? config.trainingEngine()) == .spark {
                guard !warmStart, warmStartFrom == nil else {
                    throw ReelError(.usage, "--warm-start applies to --engine reel only (Spark MLlib's ALS starts from its seed)")
                }
                try SparkTraining.run(
                    home: home, silver: try SilverSnapshot.open(home: home), params: params,
                    settings: config.sparkSettings())
                return
            }
            try ModelTraining.run(home: home, params: params, warmStart: warmStart, warmStartFrom: warmStartFrom)
        }
    }
}

extension ALSParams.Mode: ExpressibleByArgument {}
extension ALSParams.Solver: ExpressibleByArgument {}
extension TrainingEngine: ExpressibleByArgument {}
