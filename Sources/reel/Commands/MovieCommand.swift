import ArgumentParser
import ReelCore
import ReelServer

/// `reel movie ID`: one movie's metadata.
struct MovieCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "movie",
        abstract: "Print a movie's title, year, genres, ratings and trending popularity.",
        discussion: """
        Reads the current release (or --release PATH) through the same lookup code
        as `reel serve`; --json prints exactly the body of GET /v1/movies/{movieId}.

        Exit status: 0 found, 2 the movie is not in the release, 1 error.

        Examples:
          reel movie 1
          reel movie --movie 1                 # same
          reel movie 1 --json
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var releaseOption: ReleaseOption

    @Argument(help: ArgumentHelp("MovieLens movie id (or --movie).", valueName: "movie-id"))
    var id: Int?

    @Option(name: .long, help: "MovieLens movie id (or positionally).")
    var movie: Int?

    @Flag(name: .long, help: "Print the daemon's JSON instead of a table.")
    var json = false

    func validate() throws {
        _ = try positionalOrFlag(id, movie, flagName: "--movie")
    }

    func run() async throws {
        try await runReel {
            let id = try positionalOrFlag(self.id, movie, flagName: "--movie")
            try printLookup(.movie(id: try userOrMovieID(id, what: "the movie id")), global: global,
                            release: releaseOption, json: json)
        }
    }
}
