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
    package static let stagingPrefix = ".staging-"

    /// The folder `current` points at, or nil when there is none.
    public static func currentDirectory(home: ReelHome) -> String? {
        FileSystem.linkedDirectory(home.silverCurrent)
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
    package static func makeStaging(home: ReelHome, runID: String) throws -> String {
        let dir = Path.join(home.silverVersions, "\(stagingPrefix)\(runID)-\(getpid())")
        try FileSystem.removeTree(dir)
        try FileSystem.createDirectory(dir)
        return dir
    }

    /// Renames the staging folder to `versions/<runID>` and points `current` at it.
    package static func publish(staging: String, runID: String, home: ReelHome) throws {
        let final = Path.join(home.silverVersions, runID)
        guard !FileSystem.exists(final) else {
            throw ReelError(.io, "\(final) already exists; refusing to replace a published silver version")
        }
        try FileSystem.rename(staging, final)
        try FileSystem.fsyncDirectory(home.silverVersions)
        try FileSystem.replaceSymlink(home.silverCurrent, target: "versions/\(runID)")
    }

    /// Retires all but the newest `keep` versions (never the current one)
    /// and the staging folders of runs that are no longer alive: each is
    /// renamed to `.pruned-<name>`, which is instant, and deleted later by
    /// `deletePruned` — the next run does that while it parses, because
    /// deleting hundreds of megabytes takes a while (ext4 mounted with
    /// `discard` frees ~2 GB/s) and would otherwise end every run. Returns
    /// what it retired.
    @discardableResult
    package static func prune(home: ReelHome, keep: Int) throws -> [String] {
        let current = currentVersionID(home: home)
        var retired: [String] = []
        let versions = list(home: home)
        for id in versions.dropLast(max(keep, 1)) where id != current {
            try FileSystem.rename(Path.join(home.silverVersions, id), Path.join(home.silverVersions, prunedPrefix + id))
            retired.append(id)
        }
        for name in deadStagingFolders(home: home) {
            try FileSystem.rename(Path.join(home.silverVersions, name), Path.join(home.silverVersions, prunedPrefix + name))
            retired.append(name)
        }
        if !retired.isEmpty { try FileSystem.fsyncDirectory(home.silverVersions) }
        return retired
    }

    package static let prunedPrefix = ".pruned-"

    /// Deletes the folders `prune` retired, and staging folders of runs
    /// that died. Returns what it deleted.
    @discardableResult
    package static func deletePruned(home: ReelHome) throws -> [String] {
        let names = FileSystem.list(home.silverVersions).filter { $0.hasPrefix(prunedPrefix) } + deadStagingFolders(home: home)
        for name in names { try FileSystem.removeTree(Path.join(home.silverVersions, name)) }
        return names
    }

    /// Staging folders whose process is gone.
    private static func deadStagingFolders(home: ReelHome) -> [String] {
        FileSystem.list(home.silverVersions).filter { name in
            guard name.hasPrefix(stagingPrefix), let pid = name.split(separator: "-").last.flatMap({ Int32($0) }) else { return false }
            return kill(pid, 0) != 0 && errno == ESRCH
        }
    }
}
