import Testing
import ReelCore
import ReelModel
@testable import ReelRelease
@testable import ReelServing
import ReelTestSupport

/// A copied or stored release that is truncated or has any single bit
/// flipped is refused with a `.corrupt` error — never served, never a crash.
@Suite struct CorruptionTests {
    let dir = makeTempDir()

    func original() throws -> (path: String, bytes: [UInt8], toc: [SectionInfo]) {
        let path = dir + "/r1.reel"
        // With a served blend, so its optional sections are damaged too.
        let blend = ServingBlend(weights: HybridWeights(model: 0.8, trending: 0.2, diversity: 0.1), window: .week)
        let toc = try TinyWorld.make().contents(blend: blend).write(to: path)
        return (path, try FileSystem.readBytes(path), toc)
    }

    func open(_ bytes: [UInt8], _ name: String = "damaged.reel") throws -> Release {
        let path = dir + "/" + name
        writeWithoutSync(path, bytes)
        return try Release(path: path)
    }

    func kind(_ body: () throws -> Void) -> ReelError.Kind? {
        do { try body(); return nil } catch let e as ReelError { return e.kind } catch { return nil }
    }

    @Test func truncationAtEverySectionBoundaryAndRandomPoints() throws {
        let (_, bytes, toc) = try original()
        var cuts: Set<Int> = [0, 1, 8, 64, 127, 128, bytes.count - 32, bytes.count - 1]
        for s in toc { cuts.formUnion([s.offset, s.offset + 1, s.offset + s.length, s.offset + s.length - 1]) }
        var rng = SplitMix64(seed: 42)
        for _ in 0..<40 { cuts.insert(Int(rng.next() % UInt64(bytes.count))) }
        for cut in cuts.sorted() where cut < bytes.count {
            let message = errorMessage { _ = try open(Array(bytes[0..<cut])) }
            #expect(message.contains("truncated"), "cut at \(cut): \(message)")
        }
    }

    @Test func everySingleBitFlipIsDetected() throws {
        let (_, bytes, _) = try original()
        var rng = SplitMix64(seed: 2026)
        var offsets = (0..<300).map { _ in Int(rng.next() % UInt64(bytes.count)) }
        offsets += Array(bytes.count - 32..<bytes.count) + Array(0..<128)  // footer and header, every byte
        for offset in offsets {
            var damaged = bytes
            damaged[offset] ^= 1 << UInt8(rng.next() % 8)
            #expect(kind { _ = try open(damaged) } == .corrupt, "bit flip at byte \(offset) went unnoticed")
        }
    }

    @Test func eachContainerFailureHasItsOwnMessage() throws {
        let (_, bytes, toc) = try original()
        func patched(_ at: Int, _ values: [UInt8], reseal: Bool = false) -> [UInt8] {
            var b = bytes
            b.replaceSubrange(at..<at + values.count, with: values)
            return reseal ? Hostile.resealed(b) : b
        }
        #expect(errorMessage { _ = try open(patched(0, Array("REELFACT".utf8))) }.contains("wrong magic"))
        #expect(errorMessage { _ = try open(patched(8, [2, 0])) }.contains("unsupported release format version 2.\(ReleaseFormat.kind.minor)"))
        #expect(errorMessage { _ = try open(patched(10, [UInt8(ReleaseFormat.kind.minor + 1), 0])) }.contains("newer than this build"))
        #expect(errorMessage { _ = try open(Array(bytes.dropLast(5))) }.contains("truncated"))
        #expect(errorMessage { _ = try open(patched(toc[2].offset, [0xFF])) }.contains("checksum mismatch"))
        #expect(errorMessage { _ = try open(patched(48, [0xFF, 0xFF, 0, 0, 0, 0, 0, 0])) }.contains("outside the file"))
        // A TOC entry pointing past the table, with every checksum recomputed.
        let tocOffset = Int(bytes[48]) | Int(bytes[49]) << 8 | Int(bytes[50]) << 16
        #expect(errorMessage { _ = try open(patched(tocOffset + 16, [0, 0, 0, 0x10, 0, 0, 0, 0], reseal: true)) }.contains("outside the file"))
        #expect(errorMessage { _ = try open(patched(bytes.count - 8, [1], reseal: true)) }.contains("footer"))
    }
}
