import ReelCore
#if canImport(Glibc)
import Glibc
#endif

/// Keeps two ingests (or an ingest and `reel synth events`) from updating the
/// same partitions and id index at once: an exclusive `flock` on
/// `lakehouse/bronze/events/_index/.lock`, released when this object goes
/// away or the process dies. Readers (the ETL) need no lock: every file they
/// open appears by an atomic rename.
final class EventIngestLock {
    private let fd: Int32

    init(home: ReelHome) throws {
        let dir = EventLayout.indexDirectory(home)
        try FileSystem.createDirectory(dir)
        let path = Path.join(dir, ".lock")
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ReelError.system("cannot open lock file", path: path, errno: errno) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            throw ReelError(.locked, "another event ingest is running in \(home.root) (lock \(path)); try again when it has finished")
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
