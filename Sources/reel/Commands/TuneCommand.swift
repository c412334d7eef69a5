import ArgumentParser
import ReelCore
import ReelLakehouse
import ReelSilver
import ReelModel
import ReelPipeline
import ReelSettings

/// `reel tune`: choose the implicit-ALS hyper-parameters on validation data.
struct TuneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Choose implicit-ALS rank, λ, α, confidence, recency and iterations on validation data.",
        discussion: """
            Searches on silver, never on the evaluation's test: the evaluation's training part (ratings \
            before the evaluation.split_fraction time quantile) is split again by the same global time \
            rule, models train on the earlier ratings and are scored by NDCG@10 on what users rated \
            after the validation cut. Under 500 such users it validates on each user's last 5 ratings \
            instead, and says so.

            What is searched (docs/model.md, "Tuning"):
              rank          32 48 64 96 128
              lambda        2 5 10 20 50 100 200          (unscaled, implicit convention)
              alpha         0.25 0.5 1 2 4                (confidence slope)
              confidence    raw: 1 + α·r   positive: only r ≥ 4   log: 1 + α·ln(1 + r)
              recency       half-life off 30 90 365 1095 days before the newest rating
              iterations    a quarter, half and all of model.implicit_iterations
            Successive halving: sampled points train for a quarter of the iterations, the best third \
            continues to half, the best third of those to all (continuing from their factors). The \
            configured settings always run to the end, so the record shows what tuning gained.

            Budget: --budget 3x (default) allows three times the estimated work of one training run \
            of the configured settings on all of silver; work is counted, not timed, so the same data, \
            seed and budget give the same trials and choice. Where one training run is cheap (small \
            data) the default budget is raised to tuning.min_work_gflop (600 GFLOP: about a minute on \
            2 cores), so the search still tries a few dozen points; an explicit --budget is taken as \
            given. --budget 600s stops on the clock instead (not deterministic).

            The record (every trial: params, NDCG@10, seconds) goes to output/tuning/<id>/tuning.json \
            and output/tuning/latest. From then on `reel train`, `reel evaluate` and `reel nightly` use \
            the chosen values for every model.* setting that is not pinned; `reel config show` marks \
            them `tuned: <record>`. Pin a setting with tuning.pin = "rank,alpha", an environment \
            variable, a flag, or a non-default value in pipeline/reel.toml; tuning.apply = false \
            ignores tuning altogether. The nightly tunes on its own schedule (tuning.nightly, \
            tuning.growth, tuning.max_age_days; `reel nightly --tune` forces it).

            Examples:
              reel tune                          # 3x budget, seed from tuning.seed
              reel tune --budget 1x --seed 7     # a quicker search
              reel tune --show                   # the latest record's trials and choice
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(
        help: ArgumentHelp("Work budget as a multiple of one training run (3x) or wall seconds (600s) (default: tuning.budget).", valueName: "budget")
    )
    var budget: String?
    @Option(help: "Seed of the sampled points (default: tuning.seed, 42).")
    var seed: UInt64?
    @Option(name: .customLong("min-users"), help: "Validation users below which the per-user split replaces the time split.")
    var minUsers: Int = 500
    @Flag(help: "Print the latest tuning record instead of tuning.")
    var show = false
    @Flag(help: "With --show: print the raw tuning.json.")
    var json = false

    /// Bad flags are usage errors (exit 64) before any work starts.
    func validate() throws {
        if let budget, (try? TuningBudget(parsing: budget)) == nil {
            throw ValidationError("--budget '\(budget)' is not a multiple of one training run (e.g. 3x) or seconds (e.g. 300s)")
        }
        guard minUsers >= 1 else { throw ValidationError("--min-users must be ≥ 1 (got \(minUsers))") }
    }

    func run() async throws {
        try await runReel {
            let home = global.home()
            if show {
                guard let path = TuningStore.latestPath(home: home), let record = try TuningStore.latest(home: home) else {
                    throw ReelError(.notFound, "no tuning record under \(TuningStore.directory(home: home)): run `reel tune`")
                }
                print(json ? JSONText.encode(record) : Self.describe(record, path: path))
                return
            }
            // Tune from the configured settings, not from a previous tuning's.
            let config = try ReelConfig.load(path: home.config)
            var options = try TuningRun.options(config: config)
            // An explicit budget is what the user asked for: no floor under it.
            if let budget { options.budget = try TuningBudget(parsing: budget); options.minimumWork = 0 }
            if let seed { options.seed = seed }
            options.minimumUsers = minUsers
            let lock = try RunLock.acquire(home: home, purpose: "reel tune")
            let (record, path) = try withExtendedLifetime(lock) {
                try TuningRun.run(home: home, silver: try SilverSnapshot.open(home: home), config: config, options: options)
            }
            print(Self.describe(record, path: path))
        }
    }

    static func describe(_ r: TuningRecord, path: String) -> String {
        let v = r.validation
        var out = "tuning \(r.tuningID) (\(path))\n"
        out += "validation: \(v.rule) at \(v.cut), \(v.trainRatings) training ratings, \(v.users) users\(v.note.map { "; \($0)" } ?? "")\n"
        out +=
            "budget \(r.budget): used \(Console.fixed(r.workUsed, 2))x a training run in \(Console.duration(r.seconds)); rungs \(r.rungs.map(String.init).joined(separator: "/")) iterations; seed \(r.seed)\n\n"
        out += TuningRun.table(r)
        out += "\nchosen: \(r.chosen.summary): NDCG@10 \(Console.fixed(r.chosenNDCG, 4)) (configured: \(Console.fixed(r.baselineNDCG, 4)))\n"
        if let note = r.note { out += "note: \(note)\n" }
        out += "\nvalidation curves (rung 0, \(r.rungs.first ?? 0) iterations):\n" + TuningRun.curves(r)
        return out
    }
}
