import ArgumentParser
import ReelCore
import ReelRelease

struct ActivateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activate",
        abstract: "Install a copied release (.reel or .reel.zst) and make it current, or refuse it.",
        discussion: """
            For edge hosts. The copy is decompressed into a temporary file in output/releases, checked \
            against its manifest (given with --manifest, or <id>.manifest.json next to the file), fully \
            verified, renamed into place and switched to atomically. A truncated, bit-flipped or \
            wrong-version copy is refused with the reason, and the current release stays as it was. \
            On a home with gold tables (lakehouse/gold: a batch host), they are rewritten from the \
            activated release; an edge host has none and gets none.

            Example:
              reel activate /srv/reel/incoming/20261125T020000Z-3fa2.reel.zst
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The copied .reel or .reel.zst file.", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("Bundle manifest to check against (default: the one next to FILE, if any).", valueName: "path"))
    var manifest: String?

    @Option(help: "Releases to keep in output/releases (the current and previous ones are always kept).")
    var keep = 5

    func run() async throws {
        try await runReel {
            let cwd = FileSystem.currentDirectory()
            let home = try global.existingHome()
            let result = try ReleaseActivator.activate(
                file: FileSystem.resolve(file, against: cwd), home: home,
                manifestPath: manifest.map { FileSystem.resolve($0, against: cwd) },
                keep: keep)
            print("activated \(result.releaseID)" + (result.previous.map { " (previous: \($0))" } ?? ""))
            // Edge hosts have no gold tables and get none; a batch host's follow the switch.
            try GoldTables.followCurrent(home: home, lock: .file(home.lockFile))
        }
    }
}
