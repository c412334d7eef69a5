import Testing
@testable import ReelCore
import ReelTestSupport

/// Crafted files whose checksums are all recomputed, so only the structural
/// checks stand between them and the reader (issue 16, items 2 and 3). Before
/// those checks a TOC offset near Int64.max trapped every reader.
@Suite struct HostileHeaderTests {
    let dir = makeTempDir()

    func sample() throws -> [UInt8] {
        let path = dir + "/sample.bin"
        _ = try writeSample(path)
        return try FileSystem.readBytes(path)
    }

    /// Little-endian store into a byte array.
    static func put<T: FixedWidthInteger>(_ b: inout [UInt8], _ at: Int, _ v: T) {
        for i in 0..<MemoryLayout<T>.size { b[at + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) }
    }

    static func u64(_ b: [UInt8], _ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(b[at + $1]) << (8 * $1) } }

    /// Recomputes every in-range section checksum and the whole-file checksum.
    static func resealed(_ bytes: [UInt8]) -> [UInt8] {
        var b = bytes
        let footer = b.count - 32
        let count = Int(b[16]) | Int(b[17]) << 8
        let toc = u64(b, 48)
        if toc <= UInt64(footer) {
            for e in 0..<count where Int(toc) + e * 64 + 64 <= footer {
                let entry = Int(toc) + e * 64
                let offset = u64(b, entry + 16), length = u64(b, entry + 24)
                if offset <= UInt64(footer), length <= UInt64(footer) - offset {
                    let sum = b.withUnsafeBytes { XXH3.hash(UnsafeRawBufferPointer(rebasing: $0[Int(offset)..<Int(offset + length)])) }
                    put(&b, entry + 48, sum)
                }
            }
        }
        put(&b, footer + 16, b.withUnsafeBytes { XXH3.hash(UnsafeRawBufferPointer(rebasing: $0[0..<footer])) })
        return b
    }

    func refusal(_ bytes: [UInt8]) -> String {
        let path = dir + "/hostile.bin"
        do {
            try FileSystem.writeAtomically(path, bytes: Self.resealed(bytes))
            _ = try SectionFileReader(path: path, kind: testKind, verify: .full)
            return "opened"
        } catch let e as ReelError {
            return e.kind == .corrupt ? e.message : "wrong kind: \(e.message)"
        } catch {
            return "\(error)"
        }
    }

    func expectRefused(_ expected: String, sourceLocation: SourceLocation = #_sourceLocation, _ edit: (inout [UInt8], Int) -> Void) throws {
        var b = try sample()
        let toc = Int(Self.u64(b, 48))
        edit(&b, toc)
        let message = refusal(b)
        #expect(message.contains(expected), "\(message)", sourceLocation: sourceLocation)
    }

    @Test func overflowingOffsetsAndSizesAreRefusedNotTrapped() throws {
        try expectRefused("outside the file") { b, _ in Self.put(&b, 48, UInt64(Int64.max) - 63) }
        try expectRefused("outside the file") { b, _ in Self.put(&b, 48, UInt64.max) }
        try expectRefused("outside the file") { b, toc in Self.put(&b, toc + 16, UInt64(Int64.max) - 63) }
        try expectRefused("outside the file") { b, toc in Self.put(&b, toc + 16, UInt64.max - 63) }
        try expectRefused("outside the file") { b, toc in Self.put(&b, toc + 24, UInt64.max) }
        try expectRefused("size disagrees") { b, toc in
            Self.put(&b, toc + 32, UInt64.max / 2 + 1); Self.put(&b, toc + 40, UInt32(4))
        }
        try expectRefused("more than") { b, _ in Self.put(&b, 16, UInt32.max) }
        try expectRefused("truncated or padded") { b, _ in Self.put(&b, 56, UInt64.max) }
    }

    @Test func everyHeaderAndTOCFieldIsValidated() throws {
        try expectRefused("'headerSize'") { b, _ in Self.put(&b, 12, UInt32(64)) }
        try expectRefused("reserved bytes 20") { b, _ in b[21] = 1 }
        try expectRefused("'createdAt'") { b, _ in Self.put(&b, 24, Int64.max) }
        try expectRefused("'createdAt'") { b, _ in Self.put(&b, 24, Int64.min) }
        try expectRefused("'createdAt'") { b, _ in Self.put(&b, 24, Int64(-1)) }
        try expectRefused("reserved bytes are not zero") { b, toc in b[toc + 60] = 1 }
        try expectRefused("reserved bytes are not zero") { b, toc in b[toc + 45] = 1 }
        try expectRefused("invalid name") { b, toc in b[toc] = 0 }
        try expectRefused("invalid name") { b, toc in b[toc + 6] = 0x41 }  // "ints\0\0X": junk after the NUL
        try expectRefused("invalid name") { b, toc in b[toc + 1] = 0x0A }
        // Entry 1 ("floats") renamed "ints": a duplicate.
        try expectRefused("appears twice") { b, toc in
            for i in 0..<16 { b[toc + 64 + i] = b[toc + i] }
        }
        // Entry 1 moved onto entry 0's bytes: overlapping sections.
        try expectRefused("overlaps") { b, toc in Self.put(&b, toc + 64 + 16, Self.u64(b, toc + 16)) }
        try expectRefused("outside the file") { b, toc in Self.put(&b, toc + 64 + 16, Self.u64(b, toc + 64 + 16) + 8) }
    }

    @Test func theUnmodifiedSampleStillOpens() throws {
        #expect(refusal(try sample()) == "opened")
    }

    @Test func clockIsTotalOverInt64() {
        #expect(Clock.iso8601(.max) == "9999-12-31T23:59:59Z")
        #expect(Clock.iso8601(.min) == "1-01-01T00:00:00Z")
        #expect(Clock.iso8601(0) == "1970-01-01T00:00:00Z")
        #expect(Clock.elapsed(from: .min, to: 100) == .max)
        #expect(Clock.elapsed(from: .max, to: -100) == .min)
        #expect(Clock.elapsed(from: 10, to: 25) == 15)
    }

    @Test func jsonSyntaxIsStrict() {
        func problem(_ s: [UInt8]) -> String? { s.withUnsafeBytes { JSONSyntax.objectProblem($0) } }
        #expect(problem(Array(#" {"a": [1, -2.5e3, true, null, "x\u00e9\ud83d\ude00"], "b": {}} "#.utf8)) == nil)
        for bad in [
            #"{"a":}"#, #"{"a":1,}"#, #"{"a":01}"#, #"{"a":"\x"}"#, #"{"a":"\ud800"}"#, "{\"a\":\"\n\"}",
            #"{"a":1}}"#, #"[]"#, "", #"{"a":tru}"#, "{" + String(repeating: "[", count: 100) + "1" + String(repeating: "]", count: 100) + "}",
        ] {
            #expect(problem(Array(bad.utf8)) != nil, "accepted \(bad)")
        }
        #expect(problem(Array(#"{"a":""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8)) != nil, "overlong UTF-8")
    }
}
