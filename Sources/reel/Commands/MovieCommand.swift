import ArgumentParser
import ReelCore
import ReelRelease
import ReelServer
import ReelServing

/// `reel movie ID`: one movie's metadata; `reel movie --search TEXT`: find movies by title.
struct MovieCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "movie",
        abstract: "Print a movie's title, year, genres, ratings and trending popularity.",
        discussion: """
            Reads the current release (or --release PATH) through the same lookup code
            as `reel serve`; --json prints exactly the body of GET /v1/movies/{movieId}.

            --search TEXT finds movies by title as the Explore page does (GET /v1/movies?q=):
            case, accents and punctuation ignored, exact titles first, then titles starting
            with TEXT, then the rest, most rated first.

            Exit status: 0 found, 2 the movie is not in the release (or no title matches), 1 error.

            Examples:
              reel movie 1
              reel movie --movie 1                 # same
              reel movie 1 --json
              reel movie --search "star wars" --k 5
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var releaseOption: ReleaseOption

    @Argument(help: ArgumentHelp("MovieLens movie id (or --movie).", valueName: "movie-id"))
    var id: Int?

    @Option(name: .long, help: "MovieLens movie id (or positionally).")
    var movie: Int?

    @Option(name: .long, help: "Find movies whose title matches this text instead.")
    var search: String?

    @Option(name: .long, help: "With --search: how many movies to print (1-100).")
    var k: Int = 10

    @Flag(name: .long, help: "Print the daemon's JSON instead of a table.")
    var json = false

    func validate() throws {
        if search != nil {
            guard id == nil && movie == nil else { throw ValidationError("give either a movie id or --search TEXT, not both") }
            return
        }
        _ = try positionalOrFlag(id, movie, flagName: "--movie")
    }

    func run() async throws {
        try await runReel {
            if let search {
                let path = releaseOption.path(in: global.home())
                guard FileSystem.exists(path) else {
                    throw ReelError(.usage, "no release at \(path): run `reel publish` first, or pass --release PATH")
                }
                let output = try WebPrinter.search(search, k: k, from: try Release.openForLookup(path: path), json: json)
                writeAll(1, output.text)
                if output.count == 0 { throw ReelError(.notFound, "no title matches \"\(search)\"") }
                return
            }
            let id = try positionalOrFlag(self.id, movie, flagName: "--movie")
            try printLookup(
                .movie(id: try userOrMovieID(id, what: "the movie id")), global: global,
                release: releaseOption, json: json)
        }
    }
}
