import Testing
import ReelCore
@testable import ReelParquet
import ReelTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Damaged files must give a clear `ReelError` — never a crash, never a
/// silently shorter or different table. `REEL_FUZZ_SECONDS=N` turns the
/// random part into a time-bounded fuzz run (for `make fuzz`).
@Suite struct CorruptionTests {
    struct Sample {
        let path: String
        let bytes: [UInt8]
        let expected: [ParquetColumnData]
        let footerStart: Int
    }

    func sample(_ options: ParquetWriteOptions = ParquetWriteOptions()) throws -> Sample {
        let table = SampleTable(rows: 40, seed: 7)
        let path = makeTempDir() + "/c.parquet"
        try ParquetFile.write(to: path, schema: table.schema, columns: table.columns, options: options)
        let bytes = try FileSystem.readBytes(path)
        let footerLength = Int(bytes[bytes.count - 8]) | Int(bytes[bytes.count - 7]) << 8 | Int(bytes[bytes.count - 6]) << 16
        return Sample(
            path: path, bytes: bytes, expected: table.columns.map(\.normalized),
            footerStart: bytes.count - 8 - footerLength)
    }

    /// Reads everything; returns nil when the reader refused with a ReelError.
    func readOrRefuse(_ path: String) -> [ParquetColumnData]? {
        do {
            return try ParquetReader(path: path).readAll(threads: 1).columns
        } catch is ReelError {
            return nil
        } catch {
            Issue.record("not a ReelError: \(error)")
            return nil
        }
    }

    @Test func everyTruncationIsAnError() throws {
        let s = try sample()
        let cut = s.path + ".cut"
        for length in 0..<s.bytes.count {
            try writeQuickly(cut, Array(s.bytes.prefix(length)))
            if let columns = readOrRefuse(cut) {
                if columns != s.expected { Issue.record("truncated to \(length) bytes and read differently") }
            }
        }
    }

    @Test func footerBitFlipsGiveAnErrorOrTheRightData() throws {
        let s = try sample()
        let flipped = s.path + ".flip"
        var rng = SplitMix64(seed: 11)
        let footerBits = (s.bytes.count - s.footerStart) * 8
        let deadline = fuzzDeadline()
        var tried = 0
        while tried < 600 || Clock.monotonic() < deadline {
            var copy = s.bytes
            let bit = s.footerStart * 8 + Int(rng.next() % UInt64(footerBits))
            copy[bit / 8] ^= 1 << UInt8(bit % 8)
            try writeQuickly(flipped, copy)
            if let columns = readOrRefuse(flipped) {
                if columns != s.expected {
                    let differing = columns.indices.filter { columns[$0] != s.expected[$0] }
                    Issue.record("flipping footer bit \(bit) (byte \(bit / 8 - s.footerStart) of the footer) changed columns \(differing)")
                }
            }
            tried += 1
        }
    }

    @Test(arguments: [
        ParquetWriteOptions(),
        .with {
            $0.dataPageVersion = .v2; $0.dictionary = .always
        },
    ])
    func pageBitFlipsAreCaughtByChecksums(options: ParquetWriteOptions) throws {
        let s = try sample(options)
        let flipped = s.path + ".flip"
        var rng = SplitMix64(seed: 12)
        let deadline = fuzzDeadline()
        var tried = 0, refused = 0
        while tried < 300 || Clock.monotonic() < deadline {
            var copy = s.bytes
            let bit = 32 + Int(rng.next() % UInt64((s.footerStart - 4) * 8))
            copy[bit / 8] ^= 1 << UInt8(bit % 8)
            try writeQuickly(flipped, copy)
            if let columns = readOrRefuse(flipped) {
                if columns != s.expected { Issue.record("flipping page bit \(bit) gave different data") }
            } else {
                refused += 1
            }
            tried += 1
        }
        #expect(refused > tried / 2)
    }

    @Test func magicAndFooterLengthAreChecked() throws {
        let s = try sample()
        let bad = s.path + ".bad"
        var noMagic = s.bytes
        noMagic[1] = 0
        try writeQuickly(bad, noMagic)
        #expect(message(bad).contains("PAR1"))
        var hugeFooter = s.bytes
        hugeFooter[hugeFooter.count - 5] = 0x7F
        try writeQuickly(bad, hugeFooter)
        #expect(message(bad).contains("footer length"))
        try writeQuickly(bad, [])
        #expect(message(bad).contains("too short"))
    }

    @Test func unsupportedFeaturesAreNamed() throws {
        let s = try sample(
            .with {
                $0.compression = .uncompressed; $0.pageChecksums = false
            })
        let bad = s.path + ".bad"
        // Snappy.
        try rewriteFooter(s, to: bad) { meta in
            for g in meta.rowGroups.indices { for c in meta.rowGroups[g].columns.indices { meta.rowGroups[g].columns[c].metaData!.codec = .snappy } }
        }
        #expect(message(bad).contains("SNAPPY"))
        // A nested schema (a group column).
        try rewriteFooter(s, to: bad) { meta in
            var group = ParquetSchemaElement()
            group.name = "nested"
            group.numChildren = 1
            group.repetition = .optional
            meta.schema.insert(group, at: 1)
        }
        #expect(message(bad).contains("nested schemas are not supported"))
        // A BYTE_STREAM_SPLIT page: rewrite the first page header's encoding in place.
        var bytes = s.bytes
        let meta = try ParquetReader(path: s.path).metadata
        let offset = Int(meta.rowGroups[0].columns[2].metaData!.dataPageOffset)
        var header = try bytes.withUnsafeBytes { raw in
            var r = ThriftCompactReader(UnsafeRawBufferPointer(rebasing: raw[offset...]))
            return try PageHeader(thrift: &r)
        }
        let oldSize = header.encoded().count
        header.dataPage!.encoding = .byteStreamSplit
        let encoded = header.encoded()
        #expect(encoded.count == oldSize)
        bytes.replaceSubrange(offset..<(offset + oldSize), with: encoded)
        try writeQuickly(bad, bytes)
        #expect(message(bad).contains("BYTE_STREAM_SPLIT"))
    }

    func message(_ path: String) -> String {
        do {
            _ = try ParquetReader(path: path).readAll()
            return "no error"
        } catch let e as ReelError {
            return e.message
        } catch {
            return "\(error)"
        }
    }

    func rewriteFooter(_ s: Sample, to path: String, _ change: (inout ParquetFileMetaData) -> Void) throws {
        var meta = try ParquetReader(path: s.path).metadata
        change(&meta)
        let footer = meta.encoded()
        var bytes = Array(s.bytes[0..<s.footerStart]) + footer
        withUnsafeBytes(of: UInt32(footer.count).littleEndian) { bytes += $0 }
        bytes += Array("PAR1".utf8)
        try writeQuickly(path, bytes)
    }

    func fuzzDeadline() -> Double {
        guard let text = getenv("REEL_FUZZ_SECONDS"), let seconds = Double(String(cString: text)) else { return 0 }
        return Clock.monotonic() + seconds
    }
}
