import Foundation
import ReelCore

/// Runs the helper programs bootstrap needs (`curl`, `unzip`) as subprocesses.
enum BronzeProcess {
    /// Runs `program` with `arguments` (found on PATH), stdin closed, stderr
    /// passed through; returns its exit status. A missing program is a clear error.
    static func run(_ program: String, _ arguments: [String], installHint: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw ReelError(.unsupported, "cannot run \(program): \(error.localizedDescription). \(installHint)")
        }
        process.waitUntilExit()
        if process.terminationStatus == 127 {
            throw ReelError(.unsupported, "\(program) is not installed. \(installHint)")
        }
        return process.terminationStatus
    }
}
