import ReelCore
#if canImport(Glibc)
import Glibc
#endif

/// Puts a complete bronze folder in place. Both `reel synth` and `reel bronze
/// bootstrap` fill a staging folder beside the target, then swap it in with
/// renames, so a reader never sees half a data set and a failed run leaves the
/// previous one untouched.
enum BronzeInstall {
    /// True when `dir` exists and holds anything.
    static func isOccupied(_ dir: String) -> Bool {
        FileSystem.isDirectory(dir) ? !FileSystem.list(dir).isEmpty : FileSystem.exists(dir)
    }

    /// A fresh, empty staging folder next to `dir` (same file system, so renames work).
    static func staging(for dir: String, purpose: String = "staging") throws -> String {
        let path = Path.join(Path.parent(dir), ".\(Path.basename(dir)).\(purpose)-\(getpid())")
        try FileSystem.removeTree(path)
        try FileSystem.createDirectory(path)
        return path
    }

    /// Moves `staging` into place as `dir`. An existing `dir` is first renamed
    /// aside and removed only once the new folder is in place.
    static func replace(_ dir: String, with staging: String) throws {
        try FileSystem.fsyncDirectory(staging)
        var old: String?
        if FileSystem.exists(dir) {
            let aside = Path.join(Path.parent(dir), ".\(Path.basename(dir)).old-\(getpid())")
            try FileSystem.removeTree(aside)
            try FileSystem.rename(dir, aside)
            old = aside
        }
        do {
            try FileSystem.rename(staging, dir)
        } catch {
            if let old { try? FileSystem.rename(old, dir) }
            throw error
        }
        try FileSystem.fsyncDirectory(Path.parent(dir))
        if let old { try FileSystem.removeTree(old) }
    }

    /// Runs `body` on a fresh staging folder for `dir`, then installs it; the
    /// staging folder is removed when `body` or the install fails.
    static func install<R>(_ dir: String, purpose: String = "staging", _ body: (String) throws -> R) throws -> R {
        try FileSystem.createDirectory(Path.parent(dir))
        let staging = try staging(for: dir, purpose: purpose)
        do {
            let result = try body(staging)
            try replace(dir, with: staging)
            return result
        } catch {
            try? FileSystem.removeTree(staging)
            throw error
        }
    }
}
