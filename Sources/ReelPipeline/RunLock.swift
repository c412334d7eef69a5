import ReelCore
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive, non-blocking `flock` on `output/.reel.lock`, held for the
/// whole nightly run (and by any other writer of the home folder), so two runs
/// never overlap. The kernel drops the lock when the process dies, so a
/// crashed run never leaves a stale lock behind.
public final class RunLock {
    private let fd: Int32
    public let path: String

    /// Takes the lock or throws `.locked` (exit code 3) naming the holder.
    public init(path: String, purpose: String) throws {
        self.path = path
        try FileSystem.createDirectory(Path.parent(path))
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ReelError.system("cannot open lock file", path: path, errno: errno) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = (try? FileSystem.readText(path))?.trimmingNewlines ?? "unknown"
            close(fd)
            throw ReelError(.locked, "another Reel run holds \(path) (\(holder)); this one exits without doing anything")
        }
        let note = "pid \(getpid()) \(purpose) since \(Clock.iso8601(Clock.now()))\n"
        _ = ftruncate(fd, 0)
        _ = note.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit {
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }
}

extension String {
    var trimmingNewlines: String {
        var s = Substring(self)
        while let l = s.last, l == "\n" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
