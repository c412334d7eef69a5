import Foundation
import Testing
import ReelCore

/// Issue 16 item 7: a manual `publish` or `rollback` takes the run lock, so
/// during a nightly it exits 3 without switching `current`.
@Suite struct RunLockCommandTests {
    @Test func publishAndRollbackExitThreeWhileTheRunLockIsHeld() throws {
        let home = try makeHome("runlock")
        defer { try? FileManager.default.removeItem(atPath: home) }
        try ReelBinary.ok(["init", "--quiet"], root: home)
        let lockPath = home + "/output/.reel.lock"
        let held = try FileLock(path: lockPath, purpose: "reel nightly (test)") { $0 }
        for command in [["rollback"], ["publish"]] {
            let result = try ReelBinary.run(command, root: home)
            #expect(result.status == 3, "\(command): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("reel nightly (test)"), "\(command): \(result.stderr)")
        }
        withExtendedLifetime(held) {}
    }
}
