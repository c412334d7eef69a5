import ArgumentParser
import ReelCore
import ReelPipeline
import ReelRelease
import ReelServing

struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Switch output/current back to an earlier release (default: the previous one).",
        discussion: """
            The target is fully verified before the switch, which is atomic (symlink replaced by \
            rename); a running daemon picks it up at its next check or on SIGHUP. Afterwards the \
            previous release is the one before the target, so repeated rollbacks walk back in time. \
            On a home with gold tables (lakehouse/gold), they are then rewritten from the new current \
            release, as after a publish.

            Example:
              reel rollback                          # back to the previous release
              reel rollback 20261124T020000Z-91c0    # to a specific one (see `reel releases`)
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Release id to switch to.", valueName: "id"))
    var id: String?

    func run() async throws {
        try await runReel {
            let home = try global.existingHome()
            // The run lock: a rollback during a nightly exits 3 untouched rather
            // than being overwritten by the nightly's publish seconds later.
            let runLock = try RunLock.acquire(home: home, purpose: "reel rollback")
            defer { withExtendedLifetime(runLock) {} }
            let (from, to) = try ReleaseCatalog(home: home).rollback(to: id)
            print("current release: \(to) (was \(from))")
            // The switch stands whatever happens next; a gold failure says so and exits 1.
            try GoldTables.followCurrent(home: home, lock: .heldByCaller)
        }
    }
}
