import ArgumentParser
import ReelCore
import ReelRelease
import ReelServing

struct BundleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Compress a release for edge hosts: output/bundles/<id>.reel.zst + <id>.manifest.json.",
        discussion: """
            Verifies the release, compresses it with zstd (streaming, on every core when libzstd \
            supports it), checks the bundle decompresses back to the same bytes, and writes a manifest \
            with the uncompressed size and xxh3-64. Copy both files with any tool, then run \
            `reel activate` on the edge host.

            Example:
              reel bundle                             # the current release
              rsync output/bundles/<id>.* edge1:/srv/reel/incoming/
              ssh edge1 reel activate --root /srv/reel /srv/reel/incoming/<id>.reel.zst
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Release id (default: the current release).", valueName: "id"))
    var id: String?

    @Option(help: "zstd compression level, 1–22.")
    var level = 3

    func run() async throws {
        try await runReel {
            let result = try ReleaseBundler.bundle(home: try global.existingHome(), id: id, level: level)
            print(result.bundlePath)
            print(result.manifestPath)
        }
    }
}
