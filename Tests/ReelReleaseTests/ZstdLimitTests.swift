import Testing
import ReelCore
@testable import ReelRelease
import ReelTestSupport

/// Issue 16 item 7: a small bundle that expands far beyond what it declares
/// (here a 1 KiB frame followed by a 32 MiB one) is refused, and nothing past
/// the declared size is ever written.
@Suite struct ZstdLimitTests {
    let dir = makeTempDir()

    func bomb() throws -> [UInt8] {
        let path = dir + "/bomb.zst"
        let w = try FileWriter(path: path)
        try [UInt8](repeating: 7, count: 1024).withUnsafeBytes { try Zstd.compress($0, level: 1, workers: 1, into: w, name: "a") }
        try [UInt8](repeating: 0, count: 32 << 20).withUnsafeBytes { try Zstd.compress($0, level: 1, workers: 1, into: w, name: "b") }
        try w.finish(.synced)
        return try FileSystem.readBytes(path)
    }

    @Test func decompressionStopsAtTheDeclaredSize() throws {
        let input = try bomb()
        #expect(input.count < 64 << 10, "the bomb is small: \(input.count) bytes")
        let out = dir + "/out.reel"
        let w = try FileWriter(path: out)
        let message = errorMessage { _ = try input.withUnsafeBytes { try Zstd.decompress($0, name: "bomb.zst", into: w, limit: nil) } }
        try? w.finish(.synced)
        #expect(message.contains("more than the declared 1024 bytes"), "\(message)")
        #expect((FileSystem.size(out) ?? .max) <= 1024)
        let mismatch = errorMessage { _ = try input.withUnsafeBytes { try Zstd.decompress($0, name: "bomb.zst", into: nil, limit: 4096) } }
        #expect(mismatch.contains("the manifest 4096"), "\(mismatch)")
        let garbage = errorMessage { _ = try [UInt8](repeating: 1, count: 64).withUnsafeBytes { try Zstd.decompress($0, name: "g", into: nil) } }
        #expect(garbage.contains("not a zstd bundle"), "\(garbage)")
    }
}
