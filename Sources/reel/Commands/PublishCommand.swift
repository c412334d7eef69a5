import ArgumentParser
import ReelCore
import ReelParquet
import ReelPipeline
import ReelRelease
import ReelServing
import ReelSettings

struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Build a release from silver and the trained model and make it current.",
        discussion: """
            Precomputes every user's top-K (seen movies excluded), similar movies (cosine over movie \
            factors), trending lists per window and genre, and movie metadata into one checksummed, \
            memory-mappable file, output/releases/<id>.reel. The file is written under a temporary \
            name, fsynced, re-opened and fully verified, renamed into place, and only then is \
            output/current switched to it (a symlink replaced by rename). A publish that fails or is \
            killed at any point leaves the previous release current. Keeps the newest --keep releases \
            (never deleting the current or the previous one).

            When `reel evaluate` ran on the model, UC1 serves by default what it chose on validation \
            (docs/model.md, "What is served and why"; `meta.serving`): a UC3 blend is stored as every \
            user's list re-ranked by it; a baseline (popular, trending-*) or a per-user blend as every \
            user's list from it, rated movies excluded (`userServedMovies`). --no-blend serves the \
            model's own order instead.

            Then writes the release as the gold Delta tables lakehouse/gold/{user_recommendations, \
            similar_movies, trending, model_runs} for analysts (docs/lakehouse-formats.md), under \
            output/.reel.lock. If that fails, the new release stays current, the command exits 1 \
            saying so, and `reel lakehouse gold` writes the tables later.

            Example:
              reel publish          # silver + output/models/latest/model.factors
              reel publish --k 50 --similar-k 10 \\
                --model output/models/20261125T020000Z-3fa2/model.factors
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Model factors file (default: output/models/latest/model.factors).", valueName: "path"))
    var model: String?

    @Option(help: "Recommendations stored per user (the largest k the daemon serves).")
    var k: Int?

    @Option(name: .customLong("similar-k"), help: "Similar movies stored per movie.")
    var similarK: Int?

    @Option(name: .customLong("trending-k"), help: "Entries per trending list.")
    var trendingK: Int?

    @Option(help: "Releases to keep in output/releases (the current and previous ones are always kept).")
    var keep: Int?

    @Flag(name: .customLong("no-blend"), help: "Serve the model's own order by default whatever the evaluation chose (a blend or a baseline).")
    var noBlend = false

    @Option(help: "Threads for top-K scoring (default: all cores).")
    var threads: Int?

    @Flag(
        name: .customLong("no-fold-in"), help: "Leave out the fold-in sections (YᵀY, λ, α, user factors): POST /v1/recommendations then answers 404.")
    var noFoldIn = false

    @Flag(
        name: .customLong("no-fold-in-users"),
        help: "Keep the fold-in sections but not the users' factors (users × rank floats): known users cannot add ratings.")
    var noFoldInUsers = false

    @Flag(name: .customLong("force-publish"), help: "Publish even when the quality gate would block (as `reel nightly --force-publish`).")
    var forcePublish = false

    func run() async throws {
        try await runReel {
            let home = try global.existingHome()
            let config = try global.config(home)
            // The run lock, as the nightly takes it: a manual publish during a
            // nightly exits 3 before switching anything, instead of racing it.
            let runLock = try RunLock.acquire(home: home, purpose: "reel publish")
            defer { withExtendedLifetime(runLock) {} }
            var options = config.releaseOptions()
            if let k { options.k = k }
            if let similarK { options.similarK = similarK }
            if let trendingK { options.trendingK = trendingK }
            options.threads = threads ?? Parallel.availableCores
            options.foldIn = !noFoldIn
            options.foldInUsers = !noFoldInUsers
            // The latest model's evaluation (when `reel evaluate` ran) becomes the release's metrics,
            // and its chosen blend UC1's default order.
            let evaluation = model == nil ? EvaluationSummary.latest(home: home) : nil
            let metrics = evaluation.map { EvaluationSummary.releaseJSON($0, config: config) }
            options.served = noBlend ? nil : EvaluationSummary.servedCandidate(evaluation, config: config)
            // The evaluation report travels with the release (served at /report).
            options.reportHTML = Array(ReportPage.html(ReportPage.gather(home: home, history: ReportPage.defaultHistory)).utf8)
            // The nightly's quality gate applies here too: after a blocked night, output/models/latest
            // is the refused model, and a manual publish must not ship it silently.
            if let evaluation {
                let verdict = QualityGate(margin: config.double(.gateNDCGMargin))
                    .check(candidate: EvaluationSummary.servedNDCG(evaluation, config: config), current: try? Release.current(home: home))
                if !verdict.pass {
                    guard forcePublish else { throw ReelError(.qualityGate, verdict.reason + "; pass --force-publish to publish anyway") }
                    Console.warn("publish", verdict.reason + " — overridden by --force-publish")
                }
            }
            let result = try ReleasePublisher.publish(
                home: home, modelPath: model.map { FileSystem.resolve($0, against: FileSystem.currentDirectory()) },
                options: options, metricsJSON: metrics, keep: keep ?? config.int(.releaseKeep))
            print("published \(result.releaseID) (\(Console.bytes(result.size))): \(result.path)")
            // The release is current from here on; a gold failure says so and exits 1.
            try GoldTables.write(published: result, home: home, lock: .heldByCaller)
        }
    }
}
