import ArgumentParser
import ReelCore
import ReelRelease

struct ReleasesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "releases",
        abstract: "List the installed releases, newest first, marking the current and previous ones.",
        discussion: """
            Shows each release in output/releases with its creation time, age, size and key metrics from \
            its metadata. `*` marks the release output/current points at (what the daemon serves), `-` \
            the previous one (where `reel rollback` goes by default). Headers are read without checksum \
            verification, so listing stays instant; `reel verify ID` checks a file in full.

            Example:
              reel releases
              reel releases --json | jq '.[0].metrics'
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        try await runReel {
            let entries = ReleaseCatalog(home: global.home()).entries()
            print(json ? try ReleaseReport.releasesJSON(entries) : ReleaseReport.releasesTable(entries), terminator: json ? "\n" : "")
        }
    }
}
