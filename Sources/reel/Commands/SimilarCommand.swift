import ArgumentParser
import ReelCore
import ReelServer

/// `reel similar`: the movies most similar to a movie.
struct SimilarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "Print the movies most similar to a movie (cosine over movie factors).",
        discussion: """
            Reads the current release (or --release PATH) through the same lookup code
            as `reel serve`; --json prints exactly the body of GET
            /v1/movies/{movieId}/similar.

            Exit status: 0 answered, 2 the movie is not in the release, 1 error.

            Examples:
              reel similar 1                       # same as --movie 1
              reel similar --movie 1
              reel similar --movie 1 --k 5 --json
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var releaseOption: ReleaseOption

    @Argument(help: ArgumentHelp("MovieLens movie id (or --movie).", valueName: "movie-id"))
    var movieID: Int?

    @Option(name: .long, help: "MovieLens movie id (or positionally).")
    var movie: Int?

    @Option(name: .long, help: "How many movies (1 up to the stored K; default 10).")
    var k: Int?

    @Flag(name: .long, help: "Print the daemon's JSON instead of a table.")
    var json = false

    /// Every numeric option in its documented range (`ServeLimits`), or a usage error (exit 64).
    func validate() throws {
        _ = try userOrMovieID(try positionalOrFlag(movieID, movie, flagName: "--movie"), what: "--movie")
        try checkLookupK(k)
    }

    func run() async throws {
        try await runReel {
            let movie = try positionalOrFlag(movieID, self.movie, flagName: "--movie")
            let request = LookupRequest.similar(movieID: try userOrMovieID(movie, what: "--movie"), k: k)
            try printLookup(request, global: global, release: releaseOption, json: json)
        }
    }
}
