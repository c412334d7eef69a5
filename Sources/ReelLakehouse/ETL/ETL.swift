import ReelCore
import ReelSilver
import ReelParquet

/// Settings of one ETL run.
public struct ETLOptions: Sendable {
    /// A table whose rejected / read ratio exceeds this fails the run.
    public var rejectThreshold: Double = 0.01
    /// Threads for parsing and the CSR build.
    public var threads: Int = 2
    /// The run's clock: timestamps after it are `timestamp_in_future`.
    public var now: Int64 = Clock.now()
    /// Silver versions kept (the current one is never removed).
    public var keepVersions: Int = 3
    /// Trending weights and decay for the silver popularity.
    public var popularityRules = PopularityRules()
    /// The contract folder (`schemas/`); nil: found by `ContractLocator`.
    public var schemasDirectory: String?
    /// The lock the open silver tables (`lakehouse/silver/<table>`) are
    /// written under. nil takes `output/.reel.lock` for the run (and fails
    /// with `.locked` when another writer holds it); the nightly job, which
    /// holds that lock already, passes `.heldByCaller`.
    public var openTablesLock: DeltaWriteLock?

    public init() {}
}

/// `reel etl`: bronze MovieLens CSVs → a new validated, columnar silver
/// version, switched in atomically.
///
/// Order: movies (the key every other table references), links, the bronze
/// events when `lakehouse/bronze/events/` exists (docs/events.md), ratings
/// (joined with the rating events), tags. Each table is parsed and validated against the loaded contract,
/// its rejects quarantined, and the run fails (`.invalidInput`, nothing
/// published, `current` untouched) on a missing or unreadable file, a wrong
/// header, or a reject rate above the threshold.
public enum ETL {
    /// Runs the ETL from `home.bronzeMovieLens` into a new silver version and switches `current`.
    public static func run(home: ReelHome, options: ETLOptions) throws -> ETLReport {
        guard options.rejectThreshold >= 0, options.rejectThreshold <= 1 else {
            throw ReelError(.usage, "--reject-threshold must be between 0 and 1 (got \(options.rejectThreshold))")
        }
        guard options.threads >= 1, options.threads <= 256 else {
            throw ReelError(.usage, "--threads must be between 1 and 256 (got \(options.threads))")
        }
        // What earlier runs pruned is deleted meanwhile, on a thread of its
        // own (mostly waiting for the disk); only a warning if it fails.
        let cleanup = BackgroundTask { () -> String? in
            do {
                try SilverVersions.deletePruned(home: home)
                return nil
            } catch let e as ReelError {
                return e.message
            } catch {
                return "\(error)"
            }
        }
        defer {
            if let message = try? cleanup.value() { Console.warn("etl", "could not delete pruned silver versions: \(message)") }
        }
        var run = try ETLRun(home: home, options: options)
        try run.startOpenTables()
        do {
            return try run.execute()
        } catch {
            run.openTables?.abort()
            throw error
        }
    }
}
