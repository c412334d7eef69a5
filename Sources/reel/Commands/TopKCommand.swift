import ArgumentParser
import ReelCore
import ReelModel
import ReelServer

/// `reel topk`: a user's recommendations from the current release (UC1/UC3).
struct TopKCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topk",
        abstract: "Print a user's top-k recommendations from the current release.",
        discussion: """
        Reads the release output/current points at (or --release PATH) directly,
        through the same lookup code as `reel serve`: --json prints exactly the body
        of GET /v1/users/{userId}/recommendations. A user who is not in the release
        gets the 7-day trending list (a note on stderr says so; the JSON says
        "source": "fallback").

        Without --mode, the release's default applies: when `reel evaluate` chose a
        UC3 blend for the published model, the stored list re-ranked by it (hybrid,
        precomputed at publish), else the model's own list (als). `reel inspect`
        shows which (meta.serving). --mode hybrid re-ranks the stored list with
        trending popularity and a genre-diversity penalty; --w-* weights not given
        come from the release's blend, or the data contract's 0.6 / 0.4 / 0.1.

        Exit status: 0 answered, 2 not found, 1 error.

        Examples:
          reel topk 42                         # same as --user 42
          reel topk --user 42
          reel topk --user 42 --mode als
          reel topk --user 42 --k 5 --mode hybrid --w-trending 0.6 --json
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var releaseOption: ReleaseOption

    @Argument(help: ArgumentHelp("MovieLens user id (or --user).", valueName: "user-id"))
    var userID: Int?

    @Option(name: .long, help: "MovieLens user id (or positionally).")
    var user: Int?

    @Option(name: .long, help: "How many recommendations (1 up to the stored K; default 10).")
    var k: Int?

    @Option(name: .long, help: "als (the model's stored list) or hybrid (re-ranked with trending and diversity). Default: the release's default mode.")
    var mode: String?

    @Option(name: .customLong("w-model"), help: "Hybrid weight of the model score.")
    var wModel: Float?

    @Option(name: .customLong("w-trending"), help: "Hybrid weight of trending popularity (the blend's window; 7d without one).")
    var wTrending: Float?

    @Option(name: .customLong("w-diversity"), help: "Hybrid penalty per unit of genre overlap.")
    var wDiversity: Float?

    @Flag(name: .long, help: "Print the daemon's JSON instead of a table.")
    var json = false

    func validate() throws {
        _ = try positionalOrFlag(userID, user, flagName: "--user")
    }

    func run() async throws {
        try await runReel {
            let user = try positionalOrFlag(userID, self.user, flagName: "--user")
            var requested: RecommendationMode?
            if let mode {
                guard let m = RecommendationMode(rawValue: mode.lowercased()) else {
                    throw ReelError(.usage, "--mode must be als or hybrid; got '\(mode)'")
                }
                requested = m
            }
            let weights = WeightOverrides(model: wModel, trending: wTrending, diversity: wDiversity)
            if requested != .hybrid && !weights.isEmpty {
                throw ReelError(.usage, "--w-model, --w-trending and --w-diversity apply only with --mode hybrid")
            }
            if [wModel, wTrending, wDiversity].contains(where: { $0.map { !$0.isFinite || $0 < 0 } ?? false }) {
                throw ReelError(.usage, "hybrid weights must be non-negative numbers")
            }
            let request = LookupRequest.recommendations(userID: try userOrMovieID(user, what: "--user"), k: k,
                                                        mode: requested, weights: weights)
            try printLookup(request, global: global, release: releaseOption, json: json)
        }
    }
}
