#if canImport(Glibc)
import Glibc
#endif

/// An exclusive, non-blocking `flock` held while this object lives: the one
/// lock primitive behind the nightly run lock, event ingest and Delta writers.
/// The kernel drops it when the process dies, so a crash never leaves a stale
/// lock; the file records who holds it, for the message the next contender sees.
public final class FileLock {
    private let fd: Int32
    public let path: String

    /// Takes the lock or throws `.locked` (exit code 3) with `busy(holder)`,
    /// where `holder` is what the current holder wrote ("pid 123 reel nightly since …").
    public init(path: String, purpose: String, busy: (String) -> String) throws {
        self.path = path
        try FileSystem.createDirectory(Path.parent(path))
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ReelError.system("cannot open lock file", path: path, errno: errno) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            var holder = (try? FileSystem.readText(path)) ?? ""
            while holder.hasSuffix("\n") { holder.removeLast() }
            close(fd)
            throw ReelError(.locked, busy(holder.isEmpty ? "unknown holder" : holder))
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
