import Testing
@testable import ReelCore
import ReelTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Issue 16 item 7: a lock file never follows a symlink and never truncates.
@Suite struct FileLockTests {
    let dir = makeTempDir()

    @Test func aSymlinkAtTheLockPathIsRefusedAndItsTargetUntouched() throws {
        let target = dir + "/precious.txt"
        try FileSystem.writeAtomically(target, text: "keep me\n")
        let lock = dir + "/.reel.lock"
        #expect(symlink(target, lock) == 0)
        let message = errorMessage { _ = try FileLock(path: lock, purpose: "test") { $0 } }
        #expect(message.contains("symbolic link"), "\(message)")
        #expect(try FileSystem.readText(target) == "keep me\n")
    }

    @Test func theLockFileIsNeverTruncatedAndTheHolderIsReported() throws {
        let lock = dir + "/.reel.lock"
        let tail = String(repeating: "x", count: 300)
        try FileSystem.writeAtomically(lock, text: tail)
        do {
            let held = try FileLock(path: lock, purpose: "reel nightly") { $0 }
            #expect(FileSystem.size(lock) == 300, "the holder note must overwrite, not truncate")
            let message = errorMessage { _ = try FileLock(path: lock, purpose: "other") { "busy: " + $0 } }
            #expect(message.hasPrefix("busy: pid \(getpid()) reel nightly since"), "\(message)")
            #expect(!message.contains("xxx"))
            _ = held
        }
        #expect(FileSystem.size(lock) == 300)
        _ = try FileLock(path: lock, purpose: "again") { $0 }
    }

    func errorMessage(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch let e as ReelError { return e.message } catch { return "\(error)" }
    }
}
