import ArgumentParser
import ReelCore
import ReelRelease
import ReelServing

struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a release's header, sections (sizes, counts, checksums), params and metrics.",
        discussion: """
            The file is fully verified first. Accepts a .reel file, a release id or a .reel.zst bundle; \
            without an argument, the current release. --json prints one JSON object (sections, counts, \
            fingerprints and the release's meta) for scripts.

            Example:
              reel inspect
              reel inspect output/releases/20261125T020000Z-3fa2.reel --json | jq .sections
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Release file, bundle or release id (default: the current release).", valueName: "file"))
    var file: String?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        try await runReel {
            let release = try ReleaseReport.open(ReleaseArgument.path(file, home: global.home()))
            print(json ? try ReleaseReport.inspectJSON(release) : ReleaseReport.inspectText(release), terminator: json ? "\n" : "")
        }
    }
}
