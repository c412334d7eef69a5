import Testing
import ReelCore
import ReelModel
#if canImport(Glibc)
import Glibc
#endif
@testable import ReelRelease
@testable import ReelServing
import ReelTestSupport

/// A release-file fuzzer that mutates header, TOC and footer *fields* with
/// values chosen to break arithmetic (0, -1, Int64.max, the file size ± an
/// alignment, another section's offset…) and then recomputes every checksum,
/// so only the structural checks can refuse the file (issue 16). Each mutant
/// must either be refused with `.corrupt` or open and answer every lookup,
/// `inspect` and `verify` without trapping.
///
/// Bounded: 400 mutants by default (part of every `swift test`); with
/// `REEL_FUZZ_SECONDS=N` (as `make test` and `make fuzz` set it) it runs for
/// N seconds instead. The seed is fixed and each failure names its mutant.
@Suite struct StructuredCorruptionTests {
    let dir = makeTempDir()

    static func u64(_ b: [UInt8], _ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(b[at + $1]) << (8 * $1) } }

    static func put(_ b: inout [UInt8], _ at: Int, _ v: UInt64, width: Int) {
        for i in 0..<width { b[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) }
    }

    /// Every section checksum whose entry is in bounds, then the whole file's;
    /// all arithmetic in UInt64 with explicit bounds, so hostile values cannot trap the test itself.
    static func resealed(_ bytes: [UInt8]) -> [UInt8] {
        var b = bytes
        let footer = b.count - 32
        let count = Int(b[16]) | Int(b[17]) << 8
        let toc = u64(b, 48)
        if toc <= UInt64(footer) {
            for e in 0..<count where Int(toc) + e * 64 + 64 <= footer {
                let entry = Int(toc) + e * 64
                let offset = u64(b, entry + 16), length = u64(b, entry + 24)
                guard offset <= UInt64(footer), length <= UInt64(footer) - offset else { continue }
                let sum = b.withUnsafeBytes { XXH3.hash(UnsafeRawBufferPointer(rebasing: $0[Int(offset)..<Int(offset + length)])) }
                put(&b, entry + 48, sum, width: 8)
            }
        }
        put(&b, footer + 16, b.withUnsafeBytes { XXH3.hash(UnsafeRawBufferPointer(rebasing: $0[0..<footer])) }, width: 8)
        return b
    }

    /// (offset, width) of every field of the header, each TOC entry and the footer.
    static func fields(_ b: [UInt8]) -> [(at: Int, width: Int)] {
        var f: [(Int, Int)] = [(8, 2), (10, 2), (12, 4), (16, 4), (20, 4), (24, 8), (32, 8), (40, 8), (48, 8), (56, 8)]
        f += (0..<8).map { (64 + 8 * $0, 8) }
        let count = Int(b[16]) | Int(b[17]) << 8
        let toc = Int(u64(b, 48))
        for e in 0..<count {
            let at = toc + 64 * e
            f += [(at, 1), (at + 3, 1), (at + 15, 1), (at + 16, 8), (at + 24, 8), (at + 32, 8), (at + 40, 4), (at + 44, 4), (at + 56, 8)]
        }
        let footer = b.count - 32
        f += [(footer + 8, 8), (footer + 24, 8)]
        return f
    }

    static func values(_ b: [UInt8], _ old: UInt64, _ rng: inout SplitMix64) -> UInt64 {
        let size = UInt64(b.count)
        let toc = u64(b, 48)
        // `toc` is file data an earlier mutation of this mutant may have set to anything: wrap, then
        // bounds-check (this helper trapping on overflow was the crash CI saw at random).
        let someEntry = toc &+ 64 &* (rng.next() % 8)
        let borrowed = someEntry < size && size - someEntry >= 32 ? u64(b, Int(someEntry) + 16 + 8 * Int(rng.next() % 2)) : 0
        let pool: [UInt64] = [
            0, 1, .max, UInt64(Int64.max), UInt64(Int64.max) - 63, UInt64(bitPattern: Int64.min),
            UInt64(UInt32.max), 1 << 31, 1 << 32, size, size - 32, size + 64, size - 64, toc, toc &+ 64,
            borrowed, old &+ 64, old &- 64, old &+ 1, old &- 1, old << 1, old >> 1, rng.next(), 253_402_300_800,
        ]
        return pool[Int(rng.next() % UInt64(pool.count))]
    }

    func budget() -> (mutants: Int, seconds: Double) {
        guard let text = getenv("REEL_FUZZ_SECONDS"), let seconds = Double(String(cString: text)) else { return (400, .infinity) }
        return (.max, seconds)
    }

    @Test func mutatedFieldsWithRecomputedChecksumsAreRefusedOrSafe() throws {
        let original = dir + "/seed.reel"
        let blend = ServingBlend(weights: HybridWeights(model: 0.8, trending: 0.2, diversity: 0.1), window: .week)
        try TinyWorld.make().contents(blend: blend).write(to: original)
        let seed = try FileSystem.readBytes(original)
        let fields = Self.fields(seed)
        var rng = SplitMix64(seed: 1616)
        let (mutants, seconds) = budget()
        let start = Clock.monotonic()
        var refused = 0, opened = 0, n = 0
        while n < mutants && Clock.monotonic() - start < seconds {
            n += 1
            var b = seed
            var what: [String] = []
            for _ in 0..<(1 + rng.next() % 3) {
                let f = fields[Int(rng.next() % UInt64(fields.count))]
                let old = f.width == 8 ? Self.u64(b, f.at) : UInt64(b[f.at])
                let v = Self.values(b, old, &rng)
                Self.put(&b, f.at, v, width: f.width)
                what.append("byte \(f.at)×\(f.width)=\(v)")
            }
            let path = dir + "/mutant.reel"
            try FileSystem.writeAtomically(path, bytes: Self.resealed(b))
            let label = "mutant \(n): " + what.joined(separator: ", ")
            // The cheap listing path (`reel releases`) must not trap either.
            _ = try? SectionFileReader(path: path, kind: ReleaseFormat.kind, verify: .structure)
            do {
                let release = try Release(path: path)
                opened += 1
                Hostile.exerciseEveryLookup(release)
                _ = ReleaseReport.inspectText(release)
                _ = try ReleaseReport.inspectJSON(release)
                _ = ReleaseReport.verifiedLine(release, path: path)
            } catch let e as ReelError {
                refused += 1
                #expect(e.kind == .corrupt, "\(label): \(e.message)")
                #expect(e.message.contains(path), "\(label): the error names the file: \(e.message)")
            }
        }
        #expect(refused > 0, "the mutations must reach the checks")
        #expect(n >= min(mutants, 50), "ran \(n) mutants")
        print("structured release fuzz: \(n) mutants, \(refused) refused, \(opened) opened in \(Console.fixed(Clock.monotonic() - start, 1)) s")
    }
}
