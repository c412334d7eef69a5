import ArgumentParser
import ReelCore
import ReelSettings

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show or create the configuration (pipeline/reel.toml).",
        subcommands: [Show.self, Init.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every setting's effective value and where it came from.",
            discussion: """
                Precedence: built-in default < pipeline/reel.toml < REEL_<SECTION>_<KEY> environment
                variables < command-line flags. Example:
                  REEL_MODEL_RANK=32 reel config show
                """
        )
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print every setting as JSON (key, value, source, environment variable).") var json = false

        func run() async throws {
            try await runReel {
                let home = global.home()
                let config = try global.config(home)
                if json {
                    let found = FileSystem.exists(home.config)
                    print(CLIJSON.config(config, file: home.config, fileFound: found))
                    return
                }
                if !FileSystem.exists(home.config) {
                    // Say so: every value below is then a built-in default or an environment variable.
                    Console.warn(
                        "config",
                        "no \(home.config): showing built-in defaults"
                            + (home.isInitialized ? "" : "; \(home.root) is not a Reel home (`reel init` makes it one)"))
                }
                print(config.render(), terminator: "")
                // A pinned served list is an operator's override of the evaluation: say so plainly.
                let pin = config.string(.servingPin)
                if pin != "auto" {
                    print(
                        "\nserving.pin = \(pin): UC1 serves \(pin), PINNED (the evaluation's choice is overridden; docs/model.md, \"What is served and why\")."
                    )
                }
            }
        }
    }

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a fully commented pipeline/reel.toml with every default.",
            discussion: "Refuses to overwrite an existing file unless --force. Example:\n  reel config init --root /srv/reel"
        )
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Overwrite an existing pipeline/reel.toml.") var force = false
        @Flag(help: "Print to stdout instead of writing the file.") var stdout = false

        func run() async throws {
            try await runReel {
                let text = ReelConfig.defaultTOML()
                if stdout { print(text, terminator: ""); return }
                let home = global.home()
                if FileSystem.exists(home.config) && !force {
                    throw ReelError(.usage, "\(home.config) exists; pass --force to overwrite it")
                }
                try FileSystem.writeAtomically(home.config, text: text)
                Console.info("config", "wrote \(home.config)")
            }
        }
    }
}
