import ReelCore
#if canImport(Glibc)
import Glibc
#endif

/// The version folders under `lakehouse/silver/versions/` and the `current`
/// symlink that picks one. A run writes into a hidden staging folder, renames
/// it to `versions/<run-id>` only when complete, then switches `current` with
/// an atomic symlink rename: readers see the old version or the new one,
/// never a half-written one, and a failed run leaves `current` alone.
public enum SilverVersions {
    static let stagingPrefix = ".staging-"

    /// The folder `current` points at, or nil when there is none.
    public static func currentDirectory(home: ReelHome) -> String? {
        guard let target = FileSystem.readLink(home.silverCurrent) else { return nil }
        let dir = FileSystem.resolve(target, against: home.silver)
        return FileSystem.isDirectory(dir) ? dir : nil
    }

    /// The id (folder name) of the current version, or nil.
    public static func currentVersionID(home: ReelHome) -> String? {
        currentDirectory(home: home).map(Path.basename)
    }

    /// Complete versions, oldest first (run ids sort by time).
    public static func list(home: ReelHome) -> [String] {
        FileSystem.list(home.silverVersions).filter { !$0.hasPrefix(".") }
    }

    /// A fresh staging folder for `runID`, owned by this process.
    static func makeStaging(home: ReelHome, runID: String) throws -> String {
        let dir = Path.join(home.silverVersions, "\(stagingPrefix)\(runID)-\(getpid())")
        try FileSystem.removeTree(dir)
        try FileSystem.createDirectory(dir)
        return dir
    }

    /// Renames the staging folder to `versions/<runID>` and points `current` at it.
    static func publish(staging: String, runID: String, home: ReelHome) throws {
        let final = Path.join(home.silverVersions, runID)
        guard !FileSystem.exists(final) else {
            throw ReelError(.io, "\(final) already exists; refusing to replace a published silver version")
        }
        try FileSystem.rename(staging, final)
        try FileSystem.fsyncDirectory(home.silverVersions)
        try FileSystem.replaceSymlink(home.silverCurrent, target: "versions/\(runID)")
    }

    /// Removes all but the newest `keep` versions (never the current one) and
    /// staging folders left by runs that are no longer alive. Returns what it removed.
    @discardableResult
    static func prune(home: ReelHome, keep: Int) throws -> [String] {
        let current = currentVersionID(home: home)
        var removed: [String] = []
        let versions = list(home: home)
        for id in versions.dropLast(max(keep, 1)) where id != current {
            try FileSystem.removeTree(Path.join(home.silverVersions, id))
            removed.append(id)
        }
        for name in FileSystem.list(home.silverVersions) where name.hasPrefix(stagingPrefix) {
            guard let pid = name.split(separator: "-").last.flatMap({ Int32($0) }),
                  kill(pid, 0) != 0 && errno == ESRCH else { continue }
            try FileSystem.removeTree(Path.join(home.silverVersions, name))
            removed.append(name)
        }
        return removed
    }
}
