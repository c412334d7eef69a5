import Testing
@testable import ReelCore
import ReelTestSupport
#if canImport(Glibc)
import Glibc
#endif

let testKind = SectionFileKind(magic: "REELTEST", major: 1, minor: 2, name: "test")

func writeSample(_ path: String) throws -> [SectionInfo] {
    var w = SectionFileWriter(kind: testKind)
    w.header.createdAt = 1_700_000_000
    w.header.userWords[0] = 42
    w.add("ints", [Int32](0..<1000))
    w.add("floats", (0..<77).map { Float($0) * 0.5 })
    w.add("meta", text: #"{"hello":"world"}"#)
    w.add("empty", [UInt64]())
    return try w.write(to: path)
}

@Suite struct SectionFileTests {
    @Test func roundTripsSectionsInPlace() throws {
        let dir = makeTempDir()
        let path = dir + "/a.bin"
        let toc = try writeSample(path)
        #expect(toc.allSatisfy { $0.offset % 64 == 0 })
        let r = try SectionFileReader(path: path, kind: testKind)
        #expect(r.createdAt == 1_700_000_000)
        #expect(r.userWords[0] == 42)
        #expect(Array(try r.array("ints", as: Int32.self)) == Array(0..<1000))
        #expect(try r.array("floats", as: Float.self)[76] == 38)
        #expect(try r.text("meta") == #"{"hello":"world"}"#)
        #expect(try r.array("empty", as: UInt64.self).count == 0)
        #expect(throws: ReelError.self) { try r.array("ints", as: Int64.self) }
        #expect(throws: ReelError.self) { try r.bytes("missing") }
        #expect(!FileSystem.exists(AtomicFile.temporaryPath(for: path)))
    }

    @Test func rejectsWrongMagicAndVersions() throws {
        let dir = makeTempDir()
        let path = dir + "/a.bin"
        _ = try writeSample(path)
        let other = SectionFileKind(magic: "REELOTHR", major: 1, minor: 2, name: "other")
        #expect(message(path, other).contains("wrong magic"))
        let older = SectionFileKind(magic: "REELTEST", major: 1, minor: 1, name: "test")
        #expect(message(path, older).contains("newer than this build"))
        let nextMajor = SectionFileKind(magic: "REELTEST", major: 2, minor: 0, name: "test")
        #expect(message(path, nextMajor).contains("unsupported"))
    }

    @Test func detectsTruncationAtEveryBoundary() throws {
        let dir = makeTempDir()
        let path = dir + "/a.bin"
        let toc = try writeSample(path)
        let bytes = try FileSystem.readBytes(path)
        var cuts = Set(toc.flatMap { [$0.offset, $0.offset + $0.length] })
        cuts.formUnion([0, 1, 64, 127, 128, bytes.count - 1, bytes.count - 32])
        for cut in cuts.sorted() where cut < bytes.count {
            let p = dir + "/cut\(cut)"
            try FileSystem.writeAtomically(p, bytes: bytes[0..<cut])
            #expect(throws: ReelError.self, "cut at \(cut)") { try SectionFileReader(path: p, kind: testKind) }
        }
    }

    @Test func detectsEverySingleBitFlip() throws {
        let dir = makeTempDir()
        let path = dir + "/a.bin"
        _ = try writeSample(path)
        let bytes = try FileSystem.readBytes(path)
        var rng = SplitMix64(seed: 7)
        for _ in 0..<200 {
            var copy = bytes
            let at = Int(rng.next() % UInt64(copy.count))
            copy[at] ^= UInt8(1) << UInt8(rng.next() % 8)
            let p = dir + "/flip"
            try FileSystem.writeAtomically(p, bytes: copy)
            #expect(throws: ReelError.self, "flip at \(at)") { try SectionFileReader(path: p, kind: testKind) }
        }
    }

    func message(_ path: String, _ kind: SectionFileKind) -> String {
        do { _ = try SectionFileReader(path: path, kind: kind); return "" } catch let e as ReelError { return e.message } catch { return "\(error)" }
    }
}
