import ArgumentParser
import ReelCore
import ReelLakehouse

/// `reel synth events`: synthetic view/click/rating events with viral movies planted.
struct SynthEventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Generate synthetic view/click/rating events, with a few movies going viral on known days.",
        discussion: """
            D days × N events per day, in sessions (views, then some clicks, then a few ratings), ending \
            on --end (default: the day of the newest rating in bronze ratings.csv, else 2019-11-21). \
            Users and movies come from bronze ratings.csv/movies.csv (most-rated movies are the most \
            popular), or from --users N --movies M.

            The events go through `reel events ingest`, so they are validated and deduplicated, and the \
            plan — which movie went viral on which day — is written to \
            lakehouse/bronze/events/_synth_events.json. Same seed, same bytes. With --output the events \
            are written to a file instead (zstd when it ends in .zst).

            Examples:
              reel synth events --days 14 --per-day 20000
              reel synth events --days 30 --per-day 100000 --users 1000 --movies 500 --output /tmp/events.ndjson
            """
    )
    @OptionGroup var global: GlobalOptions
    @Option(help: "Number of days.") var days = 14
    @Option(help: "Events per day.") var perDay = 10_000
    @Option(help: "Random seed.") var seed: UInt64 = 42
    @Option(help: ArgumentHelp("Last day, YYYY-MM-DD (UTC).", valueName: "date")) var end: String?
    @Option(help: "Use user ids 1…N instead of bronze ratings.csv (needs --movies).") var users: Int?
    @Option(help: "Use movie ids 1…M instead of bronze movies.csv (needs --users).") var movies: Int?
    @Option(help: "How many movies go viral.") var viral = 4
    @Option(help: ArgumentHelp("Write NDJSON here instead of ingesting (.zst compresses).", valueName: "file"))
    var output: String?

    func run() async throws {
        try await runReel {
            let home = try global.homeOrEmptyFolder()
            let ids: SyntheticEventsIDs
            switch (users, movies) {
            case let (u?, m?): ids = try SyntheticEventsIDs.sequential(users: u, movies: m)
            case (nil, nil): ids = try SyntheticEventsIDs.fromBronze(home)
            default: throw ReelError(.usage, "give both --users and --movies, or neither (to read bronze ratings.csv)")
            }
            let endDay: Int64
            if let end {
                guard let d = EventLayout.day(end) else { throw ReelError(.usage, "--end must be a date YYYY-MM-DD (got \(end))") }
                endDay = d
            } else if let newest = ids.newestRating {
                endDay = newest >= 0 ? newest / 86_400 : (newest - 86_399) / 86_400
            } else {
                endDay = EventLayout.day(SyntheticEventsConfig.defaultEndDate)!
            }
            var config = SyntheticEventsConfig(days: days, perDay: perDay, seed: seed, endDay: endDay)
            config.viralMovies = viral
            if let output {
                let summary = try SyntheticEvents.write(config: config, users: ids.users, movies: ids.movies, to: output)
                Console.info("synth events", "wrote \(Console.count(summary.events)) events to \(output)")
                print(summary.manifestJSON(), terminator: "")
            } else {
                let summary = try SyntheticEvents.generate(config: config, users: ids.users, movies: ids.movies, to: home)
                if let report = summary.ingest { print(report.render(), terminator: "") }
                for v in summary.viral { print("viral: movie \(v.movieID) on \(v.date)") }
            }
        }
    }
}
