import ArgumentParser
import ReelCore
import ReelLakehouse

/// `reel synth`: MovieLens-shaped data with planted structure, into bronze.
struct SynthRatingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ratings",
        abstract: "Generate MovieLens-shaped bronze data (ratings, movies, tags, links) with planted taste structure.",
        discussion: """
            Writes ratings.csv, movies.csv, tags.csv, links.csv and _manifest.json in the ml-25m layout, by \
            default into lakehouse/bronze/movielens/ml-25m/ of the Reel home, so `reel etl` finds them. \
            Ratings and the choice of movies come from planted low-rank user and movie factors plus \
            popularity and noise: a good model recovers the structure, a most-popular list cannot. The same \
            options give the same bytes on every machine and every day.

            Presets: ml-25m (162,541 users, 62,423 movies, 25,000,095 ratings), small (2,000 users, 1,500 \
            movies, 200,000 ratings; the default), tiny (100 users, 80 movies, 3,000 ratings). \
            --users/--movies/--ratings/--rank override the preset's numbers.

            Time line (the default): movies are released on a day of their title's year and rise then \
            decay in popularity (a long tail of classics stays), users sign up between 1995 and 2019 and \
            rate in sessions, most in their first day, tastes drift slowly, and the half-star ratings \
            follow ml-25m's distribution; nobody rates a movie before its release. --static writes the \
            old time-less data instead. See docs/model.md, "Synthetic data dynamics".

            --dirty RATE adds about RATE × rows malformed rows per table (every quality rule, plus duplicate \
            ratings) and records per table and rule how many in the manifest, so the ETL can be checked \
            against them. See docs/bronze.md.

            Examples:
              reel synth --preset small
              reel synth --preset ml-25m --seed 7 --force
              reel synth --preset tiny --dirty 0.02 --out /tmp/bronze-dirty
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Shape preset: ml-25m, small or tiny.", valueName: "name"))
    var preset = "small"

    @Option(help: ArgumentHelp("Number of users (overrides the preset).", valueName: "n"))
    var users: Int?

    @Option(help: ArgumentHelp("Number of movies in movies.csv (overrides the preset).", valueName: "n"))
    var movies: Int?

    @Option(help: ArgumentHelp("Number of clean ratings (overrides the preset).", valueName: "n"))
    var ratings: Int?

    @Option(help: ArgumentHelp("Rank of the planted factors, 1...16 (overrides the preset).", valueName: "k"))
    var rank: Int?

    @Option(help: ArgumentHelp("Random seed: the same seed gives the same bytes.", valueName: "n"))
    var seed: UInt64 = 42

    @Option(help: ArgumentHelp("Folder to write (default: the home's lakehouse/bronze/movielens/ml-25m).", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("Fraction of malformed rows to inject per table, e.g. 0.01.", valueName: "rate"))
    var dirty: Double = 0

    @Option(help: ArgumentHelp("Worker threads (the output does not depend on it).", valueName: "n"))
    var threads: Int = 2

    @Flag(
        name: .customLong("static"),
        help: "The old static generator: no release dates within the year, no popularity life cycle, no sign-up bursts or sessions.")
    var staticWorld = false

    @Flag(help: "Replace an existing bronze data set.")
    var force = false

    func run() async throws {
        try await runReel {
            let home = try global.homeOrEmptyFolder()
            var config = try SynthConfig.preset(preset)
            if let users { config.users = users }
            if let movies { config.movies = movies }
            if let ratings { config.ratings = ratings }
            if let rank { config.rank = rank }
            config.seed = seed
            config.dirty = dirty
            config.threads = threads
            config.dynamics = !staticWorld
            let dir = out.map { FileSystem.resolve($0, against: FileSystem.currentDirectory()) } ?? home.bronzeMovieLens
            try Synth.generate(config: config, to: dir, force: force)
        }
    }
}

/// `reel synth`: synthetic bronze data. `reel synth [options]` runs `ratings`
/// (the MovieLens files); `reel synth events` writes view/click/rating events.
struct SynthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Generate synthetic MovieLens-shaped data with planted structure (ratings by default, or events).",
        discussion: """
            reel synth [ratings] …   the MovieLens files (ratings, movies, tags, links) in bronze
            reel synth events …      view/click/rating events for the users and movies in bronze

            Examples:
              reel synth --preset small
              reel synth events --days 14 --per-day 10000
            """,
        subcommands: [SynthRatingsCommand.self, SynthEventsCommand.self],
        defaultSubcommand: SynthRatingsCommand.self
    )
}
