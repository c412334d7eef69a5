import ArgumentParser
import ReelCore
import ReelSilver
import ReelServer

/// `reel trending`: a trending list from the current release (UC2).
struct TrendingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trending",
        abstract: "Print the trending movies of a window, overall or within a genre.",
        discussion: """
            Reads the current release (or --release PATH) through the same lookup code
            as `reel serve`; --json prints exactly the body of GET /v1/trending. Windows
            end at the newest event in the data, not at the wall clock.

            Exit status: 0 answered, 2 not found, 1 error.

            Examples:
              reel trending
              reel trending --window 24h --genre Comedy --k 10 --json
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var releaseOption: ReleaseOption

    @Option(name: .long, help: "24h, 7d or 30d.")
    var window: String = LookupDefaults.window.label

    @Option(name: .long, help: "Only this genre (e.g. Comedy, Sci-Fi; case-insensitive).")
    var genre: String?

    @Option(name: .long, help: "How many movies (1 up to the stored list length; default 20).")
    var k: Int?

    @Flag(name: .long, help: "Print the daemon's JSON instead of a table.")
    var json = false

    /// Every numeric option in its documented range (`ServeLimits`), or a usage error (exit 64).
    func validate() throws {
        try checkLookupK(k)
    }

    func run() async throws {
        try await runReel {
            guard let window = TrendingWindow(label: window.lowercased()) else {
                throw ReelError(.usage, "--window must be 24h, 7d or 30d; got '\(window)'")
            }
            var genreBit: Int?
            if let genre {
                guard let bit = Genres.index(caseInsensitive: genre) else {
                    throw ReelError(.usage, "unknown genre '\(genre)'; one of: \(Genres.all.joined(separator: ", "))")
                }
                genreBit = bit
            }
            try printLookup(
                .trending(window: window, genre: genreBit, k: k), global: global,
                release: releaseOption, json: json)
        }
    }
}
