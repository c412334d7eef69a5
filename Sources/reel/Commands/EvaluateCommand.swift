import ArgumentParser
import ReelCore
import ReelSilver
import ReelModel
import ReelPipeline
import ReelSettings

/// `reel evaluate`: every mode side by side on a held-out split.
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score explicit ALS, implicit ALS, the hybrid and the popularity baselines on a held-out split.",
        discussion: """
            Splits silver ratings (default: global temporal — train strictly before the 80% time \
            quantile, test from it on, ties at the cut in test), trains each model on train only, and \
            prints RMSE/MAE, Precision/Recall/NDCG/MAP@k (relevant = test rating ≥ 4) and catalog \
            coverage for: explicit-als, implicit-als, hybrid (implicit ALS re-ranked with trending \
            popularity as of the cut), popular (all-time count) and trending-7d/30d. \
            Definitions: docs/model.md. The report is written to evaluation.json in the latest \
            model's folder (output/models/<run-id>/), or a new run folder when nothing is trained.

            What UC1 serves is chosen on a validation split carved from the training data by the same \
            rule (widened, or the per-user rule, when it has under 500 users) — never on the test \
            data: the model's own order, blends with w_trending 0.1…1 in every window (and by user \
            activity), and the baselines themselves. The best validation NDCG@10 wins unless its \
            paired 95% CI says it is no better than a simpler candidate (popular < trending < blend < \
            model). Every mode is then scored on test with paired 95% CIs against every baseline. \
            `reel publish` serves the choice; --pin (or serving.pin) forces one, reported as pinned. \
            --no-tune-blend lets only the configured hybrid.* weights compete.

            Examples:
              reel evaluate
              reel evaluate --fraction 0.9 --json
              reel evaluate --split leave-last-n --holdout 5
              reel evaluate --export-split /tmp/split   # for the peer benchmarks
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "temporal (the nightly's task), leave-last-n (per user), or both (temporal decides what is served).")
    var split: String = "temporal"
    @Option(help: "Temporal split quantile: train strictly before it.")
    var fraction: Double?
    @Option(help: "Test ratings per user for --split leave-last-n.")
    var holdout: Int = 5
    @Option(help: "List length of the ranking metrics.")
    var k: Int = 10
    @Option(help: "Latent dimension of both ALS models.")
    var rank: Int?
    @Option(help: "Iterations of both ALS models (default: each mode's default).")
    var iterations: Int?
    @Option(name: .customLong("explicit-lambda"), help: "λ of the explicit model (default 0.05).")
    var explicitLambda: Float?
    @Option(name: .customLong("implicit-lambda"), help: "λ of the implicit model (default 20).")
    var implicitLambda: Float?
    @Option(help: "Implicit confidence slope α.")
    var alpha: Float?
    @Option(help: "Seed of both models.")
    var seed: UInt64?
    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?
    @Option(name: .customLong("hybrid-model"), help: "Hybrid weight of the model score.")
    var hybridModel: Float?
    @Option(name: .customLong("hybrid-trending"), help: "Hybrid weight of trending popularity.")
    var hybridTrending: Float?
    @Option(name: .customLong("hybrid-diversity"), help: "Hybrid genre-repetition penalty.")
    var hybridDiversity: Float?
    @Option(name: .customLong("hybrid-window"), help: "Trending window the hybrid blends in: 24h, 7d or 30d.")
    var hybridWindow: String = EvaluationParams().hybridWindow
    @Option(name: .customLong("hybrid-candidates"), help: "Implicit-ALS candidates the hybrid re-ranks.")
    var hybridCandidates: Int?
    @Flag(inversion: .prefixedNo, help: "Choose the served blend by grid search on a validation split (default: hybrid.tune).")
    var tuneBlend: Bool?
    @Option(
        help: ArgumentHelp(
            "Serve this candidate whatever validation says (default: serving.pin): \(ServingCandidate.pinNames.joined(separator: ", ")).",
            valueName: "name"))
    var pin: String?
    @Option(name: .customLong("validation-users"), help: "Validation users scored at most (default: evaluation.validation_users).")
    var validationUsers: Int?
    @Flag(inversion: .prefixedNo, help: "Score explicit ALS too (default: yes; the nightly skips it).")
    var explicit = true
    @Flag(help: "Print the report as JSON instead of the table.")
    var json = false
    @Option(
        name: .customLong("export-split"),
        help: ArgumentHelp("Also write the split as CSV (train.csv, test.csv, split.json) for the peer benchmarks.", valueName: "dir"))
    var exportSplit: String?

    func run() async throws {
        try await runReel {
            let home = try global.existingHome()
            // pipeline/reel.toml (and REEL_* variables) give the defaults; flags override them.
            var params = try global.config(home).evaluationParams()
            let both = split == "both"
            guard let kind = both ? .temporal : EvaluationParams.Split(rawValue: split) else {
                throw ReelError(.usage, "--split must be temporal, leave-last-n or both (got '\(split)')")
            }
            params.split = kind
            if let pin { params.pin = pin }
            if let validationUsers { params.validationUsers = validationUsers }
            params.includeExplicit = explicit
            params.holdout = holdout
            params.k = k
            params.hybridWindow = hybridWindow
            if let fraction { params.fraction = fraction }
            if let hybridCandidates { params.hybridCandidates = hybridCandidates }
            if let tuneBlend { params.tuneBlend = tuneBlend }
            if let hybridModel { params.hybrid.model = hybridModel }
            if let hybridTrending { params.hybrid.trending = hybridTrending }
            if let hybridDiversity { params.hybrid.diversity = hybridDiversity }
            let workers = threads ?? Parallel.availableCores
            params.explicit = params.explicit.overriding(
                rank: rank, lambda: explicitLambda, iterations: iterations,
                seed: seed, threads: workers)
            params.implicit = params.implicit.overriding(
                rank: rank, lambda: implicitLambda, alpha: alpha,
                iterations: iterations, seed: seed, threads: workers)
            let report = try ModelEvaluation.run(home: home, params: params, exportSplit: exportSplit, bothProtocols: both)
            print(json ? report.json() : report.table(), terminator: json ? "\n" : "")
        }
    }
}

extension EvaluationParams.Split: ExpressibleByArgument {}
