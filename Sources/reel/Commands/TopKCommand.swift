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
            precomputed at publish), or the served candidate's lists (a baseline such
            as trending-30d), else the model's own list (implicit-als). The answer's
            "source" names it; `reel inspect` shows it (meta.serving). --mode hybrid re-ranks the stored list with
            trending popularity and a genre-diversity penalty; --w-* weights not given
            come from the release's blend, or the data contract's 0.6 / 0.4 / 0.1.

            --ratings / --ratings-file fold a user's ratings in at request time instead
            (same as POST /v1/recommendations; with --user, POST
            /v1/users/{userId}/recommendations: the ratings are added to the stored
            user): movieId:rating pairs, or bare movie ids meaning watched/liked (4.0).
            The file is CSV (movieId,rating per line, optional header) or JSON (the POST
            body, or a bare list). Movie ids not in the release are ignored (a note on
            stderr lists them; the JSON's "ignored").

            Exit status: 0 answered, 2 not found, 1 error.

            Examples:
              reel topk 42                         # same as --user 42
              reel topk --ratings 1:5,296:4.5,318:5
              reel topk --ratings-file my-ratings.csv --json
              reel topk --user 42
              reel topk --user 42 --mode implicit-als
              reel topk --user 42 --k 5 --mode hybrid --w-trending 0.6 --json
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var releaseOption: ReleaseOption

    @Argument(help: ArgumentHelp("MovieLens user id (or --user).", valueName: "user-id"))
    var userID: Int?

    @Option(name: .long, help: "MovieLens user id (or positionally).")
    var user: Int?

    @Option(
        name: .long, help: ArgumentHelp("Ratings to fold in: movieId:rating pairs (or bare movie ids = liked), comma-separated.", valueName: "pairs"))
    var ratings: String?

    @Option(name: .customLong("ratings-file"), help: ArgumentHelp("Ratings to fold in from a CSV (movieId,rating) or JSON file.", valueName: "file"))
    var ratingsFile: String?

    @Option(name: .long, help: "How many recommendations (1 up to the stored K; default 10).")
    var k: Int?

    @Option(
        name: .long,
        help:
            "implicit-als (the model's stored list; alias als) or hybrid (re-ranked with trending and diversity). Default: the release's default mode."
    )
    var mode: String?

    @Option(name: .customLong("w-model"), help: "Hybrid weight of the model score (0-1000).")
    var wModel: Float?

    @Option(name: .customLong("w-trending"), help: "Hybrid weight of trending popularity (the blend's window; 7d without one; 0-1000).")
    var wTrending: Float?

    @Option(name: .customLong("w-diversity"), help: "Hybrid penalty per unit of genre overlap (0-1000).")
    var wDiversity: Float?

    @Flag(name: .long, help: "Print the daemon's JSON instead of a table.")
    var json = false

    /// Every numeric option in its documented range (`ServeLimits`), or a usage error (exit 64).
    func validate() throws {
        if let user = try givenUser() { _ = try userOrMovieID(user, what: "--user") }
        try checkLookupK(k)
        for (name, weight) in [("--w-model", wModel), ("--w-trending", wTrending), ("--w-diversity", wDiversity)] {
            if let weight, let problem = ServeLimits.problem(name, weight, ServeLimits.hybridWeight) {
                throw ValidationError(problem)
            }
        }
    }

    /// The user id, given positionally or with --user (nil: neither, as a fold-in of --ratings alone).
    private func givenUser() throws -> Int? {
        userID == nil && user == nil ? nil : try positionalOrFlag(userID, user, flagName: "--user")
    }

    func run() async throws {
        try await runReel {
            let user = try givenUser()
            var requested: RecommendationMode?
            if let mode {
                guard let m = RecommendationMode(name: mode) else {
                    throw ReelError(.usage, "--mode must be \(RecommendationMode.allowed); got '\(mode)'")
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
            if ratings != nil || ratingsFile != nil {
                guard weights.isEmpty else {
                    throw ReelError(.usage, "--w-* weights do not apply to a fold-in (--ratings); it serves the release's blend")
                }
                var request = try foldInRatings(ratings: ratings, file: ratingsFile)
                request.userID = try user.map { try userOrMovieID($0, what: "--user") }
                request.k = k ?? request.k
                request.mode = requested ?? request.mode
                return try printFoldIn(request, global: global, release: releaseOption, json: json)
            }
            guard let user else { throw ReelError(.usage, "give --user, --ratings or --ratings-file") }
            let request = LookupRequest.recommendations(
                userID: try userOrMovieID(user, what: "--user"), k: k,
                mode: requested, weights: weights)
            try printLookup(request, global: global, release: releaseOption, json: json)
        }
    }
}
