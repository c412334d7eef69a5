import ReelCore

/// The nightly run lock: `output/.reel.lock`, held for the whole run (and by
/// any other writer of the home folder), so two runs never overlap.
public enum RunLock {
    public static func acquire(home: ReelHome, purpose: String) throws -> FileLock {
        try FileLock(path: home.lockFile, purpose: purpose) { holder in
            "another Reel run holds \(home.lockFile) (\(holder)); this one exits without doing anything"
        }
    }
}
