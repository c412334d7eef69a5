import ReelCore
#if canImport(Glibc)
import Glibc
#endif

/// How a Delta writer excludes other writers of the same home folder.
public enum DeltaWriteLock: Sendable, Equatable {
    /// Take an exclusive `flock` on this file (the nightly job's
    /// `output/.reel.lock`) for the duration of the write; fail at once with
    /// `.locked` (exit code 3) when another process holds it.
    case file(String)
    /// The calling process already holds the nightly lock (e.g. through
    /// `RunLock`). flock locks belong to an open file, so taking it a second
    /// time in the same process would fail; pass this instead.
    case heldByCaller
    /// No lock. Commits are still safe (a version file is created only if
    /// absent), but orphan clean-up then only touches files older than an hour,
    /// since a concurrent writer's uncommitted files look like orphans.
    case none

    var excludesOtherWriters: Bool { self != .none }

    /// Takes the writer lock file (ReelCore's `FileLock`).
    static func take(_ path: String) throws -> FileLock {
        try FileLock(path: path, purpose: "Delta writer") { holder in
            "another Reel writer holds \(path) (\(holder)); this write was not started"
        }
    }

    /// Takes this lock once for a series of writes (every silver table of one
    /// ETL run, every gold table of one publish) and returns the hold. Pass
    /// `hold.lock` to each write and keep the hold alive until the last
    /// commit: a second `.file` lock of the same file in the same process
    /// would fail, since flock locks belong to an open file.
    public func hold() throws -> DeltaLockHold {
        switch self {
        case let .file(path): DeltaLockHold(fileLock: try Self.take(path), lock: .heldByCaller)
        case .heldByCaller: DeltaLockHold(fileLock: nil, lock: .heldByCaller)
        case .none: DeltaLockHold(fileLock: nil, lock: .none)
        }
    }
}

/// A `DeltaWriteLock` held across several writes (see `DeltaWriteLock.hold()`);
/// a `.file` lock is released when this object goes away.
public final class DeltaLockHold {
    private let fileLock: FileLock?
    /// What to pass to each write made under this hold.
    public let lock: DeltaWriteLock

    init(fileLock: FileLock?, lock: DeltaWriteLock) {
        self.fileLock = fileLock
        self.lock = lock
    }
}

/// Publishes a complete file under a name only if that name is still free:
/// the content goes to a private temporary file (fsynced), which is then
/// hard-linked to the final name. `link` fails with EEXIST when the name
/// exists, so of two writers racing for the same Delta version exactly one
/// wins, and a reader never sees a partly written commit.
enum ExclusivePublish {
    /// Returns false when `path` already exists (the caller lost the race).
    static func publish(_ bytes: [UInt8], to path: String) throws -> Bool {
        let directory = Path.parent(path)
        try FileSystem.createDirectory(directory)
        let temp = Path.join(directory, ".\(Path.basename(path)).\(getpid()).\(Clock.nanos()).tmp")
        do {
            let writer = try FileWriter(path: temp, exclusive: true)
            writer.write(bytes)
            try writer.finish()
        } catch {
            unlink(temp)
            throw error
        }
        defer { unlink(temp) }
        if link(temp, path) != 0 {
            let code = errno
            if code == EEXIST { return false }
            throw ReelError.system("cannot publish", path: path, errno: code)
        }
        try FileSystem.fsyncDirectory(directory)
        return true
    }
}
