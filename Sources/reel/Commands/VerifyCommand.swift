import ArgumentParser
import ReelCore
import ReelRelease
import ReelServing

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a release file or bundle in full: exit 0 when valid, non-zero with the reason.",
        discussion: """
            Checks the format version, sizes, every section's and the whole file's xxh3-64, and every \
            cross-section invariant the daemon relies on. Accepts a .reel file, a release id, or a \
            .reel.zst bundle (checked against its manifest when one lies next to it). Without an \
            argument, verifies the current release.

            Example:
              reel verify output/releases/20261125T020000Z-3fa2.reel && echo good
              reel verify 20261125T020000Z-3fa2
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Release file, bundle or release id (default: the current release).", valueName: "file"))
    var file: String?

    @Flag(help: "Print the result as JSON ({\"valid\": …}; the exit code is the same).")
    var json = false

    func run() async throws {
        try await runReel {
            let path = ReleaseArgument.path(file, home: global.home())
            let release: Release
            do {
                release = try ReleaseReport.open(path)
            } catch let error as ReelError where json {
                print(CLIJSON.invalid(path: path, error: error))
                throw error
            }
            print(json ? CLIJSON.verified(release, path: path) : ReleaseReport.verifiedLine(release, path: path))
        }
    }
}

/// Resolves a FILE argument: a path, else an installed release id, default `output/current`.
enum ReleaseArgument {
    static func path(_ argument: String?, home: ReelHome) -> String {
        guard let argument else { return home.currentRelease }
        let path = FileSystem.resolve(argument, against: FileSystem.currentDirectory())
        if FileSystem.exists(path) { return path }
        let installed = ReleaseCatalog(home: home).path(for: argument)
        return FileSystem.exists(installed) ? installed : path
    }
}
