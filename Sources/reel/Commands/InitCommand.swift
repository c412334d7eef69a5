import ArgumentParser
import ReelCore
import ReelSettings

/// `reel init`: makes a folder a Reel home. Commands that write (nightly, etl, train,
/// publish, …) refuse a folder that is not one, so a wrong `--root` fails loudly
/// instead of growing a second, silent `output/`.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Make a folder a Reel home: pipeline/reel.toml with every default, lakehouse/, output/.",
        discussion: """
            Idempotent: an existing pipeline/reel.toml is kept (`reel config init --force` rewrites it).
            `reel synth` also accepts an empty folder and makes it a home.

            Examples:
              reel init --root /srv/reel
              mkdir reel-home && cd reel-home && reel init && reel synth --preset tiny && reel nightly
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await runReel {
            let home = global.home()
            try FileSystem.createDirectory(home.root)
            for dir in [home.bronze, home.output, Path.parent(home.config)] {
                try FileSystem.createDirectory(dir)
            }
            if FileSystem.exists(home.config) {
                Console.info("init", "kept \(home.config)")
            } else {
                try FileSystem.writeAtomically(home.config, text: ReelConfig.defaultTOML())
                Console.info("init", "wrote \(home.config)")
            }
            print("\(home.root) is a Reel home. Next: reel synth --preset tiny (or reel bronze bootstrap), then reel nightly")
        }
    }
}
