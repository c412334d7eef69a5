#if canImport(Glibc)
import Glibc
#endif

/// The folder every command works in: a developer checkout, `/srv/reel` for a
/// cron job, or a test's temporary folder. Chosen by `--root`, else
/// `REEL_ROOT`, else the current directory. Each stage finds what the previous
/// one wrote through these paths, so the stages chain without arguments.
///
///     lakehouse/bronze/movielens/ml-25m/   raw MovieLens CSVs + _manifest.json
///     lakehouse/bronze/events/<type>/date=YYYY-MM-DD/   event NDJSON
///     lakehouse/silver/current -> versions/<id>/        validated, columnar
///     lakehouse/quarantine/<run-id>/                    rejected rows
///     output/models/<run-id>/model.factors, output/models/latest
///     output/releases/<id>.reel, output/current -> releases/<id>.reel
///     output/runs/<run-id>/run.json
///     pipeline/reel.toml
public struct ReelHome: Sendable {
    public let root: String

    public init(root: String) {
        var r = root
        while r.count > 1 && r.hasSuffix("/") { r.removeLast() }
        self.root = r
    }

    /// `explicit` (from `--root`), else `$REEL_ROOT`, else the working directory.
    public static func resolve(_ explicit: String?) -> ReelHome {
        if let explicit, !explicit.isEmpty {
            return ReelHome(root: FileSystem.resolve(explicit, against: FileSystem.currentDirectory()))
        }
        if let env = getenv("REEL_ROOT"), let value = Optional(String(cString: env)), !value.isEmpty {
            return ReelHome(root: FileSystem.resolve(value, against: FileSystem.currentDirectory()))
        }
        return ReelHome(root: FileSystem.currentDirectory())
    }

    public func path(_ parts: String...) -> String { Path.join([root] + parts) }

    public var lakehouse: String { path("lakehouse") }
    public var bronze: String { path("lakehouse", "bronze") }
    /// The MovieLens-layout bronze folder (real ml-25m or `reel synth`).
    public var bronzeMovieLens: String { path("lakehouse", "bronze", "movielens", "ml-25m") }
    public var bronzeEvents: String { path("lakehouse", "bronze", "events") }
    public var silver: String { path("lakehouse", "silver") }
    /// Symlink to the silver version readers use.
    public var silverCurrent: String { path("lakehouse", "silver", "current") }
    public var silverVersions: String { path("lakehouse", "silver", "versions") }
    public var gold: String { path("lakehouse", "gold") }
    public func quarantine(run: String) -> String { path("lakehouse", "quarantine", run) }

    public var output: String { path("output") }
    public var models: String { path("output", "models") }
    /// Symlink to the folder of the most recent successful `reel train`.
    public var latestModel: String { path("output", "models", "latest") }
    public var releases: String { path("output", "releases") }
    /// Symlink to the release the daemon and the CLI serve.
    public var currentRelease: String { path("output", "current") }
    public var runs: String { path("output", "runs") }
    public var metrics: String { path("output", "metrics") }
    public var bundles: String { path("output", "bundles") }

    public var config: String { path("pipeline", "reel.toml") }
    public var lockFile: String { path("output", ".reel.lock") }
}
