import ReelCore

/// Keeps two ingests (or an ingest and `reel synth events`) from updating the
/// same partitions and id index at once: an exclusive `flock` on
/// `lakehouse/bronze/events/_index/.lock`, released when this object goes
/// away or the process dies. Readers (the ETL) need no lock: every file they
/// open appears by an atomic rename.
enum EventIngestLock {
    static func acquire(home: ReelHome) throws -> FileLock {
        let path = Path.join(EventLayout.indexDirectory(home), ".lock")
        return try FileLock(path: path, purpose: "reel events ingest") { holder in
            "another event ingest is running in \(home.root) (lock \(path): \(holder)); try again when it has finished"
        }
    }
}
