import Testing
import ReelCore
@testable import ReelParquet

@Suite struct EncodingTests {
    func roundTrip(_ values: [UInt32], width: Int) throws -> [UInt32] {
        let bytes = values.withUnsafeBufferPointer { RleHybridEncoder.encode($0, bitWidth: width) }
        var out = [UInt32](repeating: 0xFFFF_FFFF, count: values.count)
        try bytes.withUnsafeBytes { raw in
            var d = try RleHybridDecoder(raw, bitWidth: width)
            try out.withUnsafeMutableBufferPointer { try d.decode(into: $0) }
        }
        return out
    }

    @Test func rleHybridRoundTripsRunsLiteralsAndEveryWidth() throws {
        var rng = SplitMix64(seed: 5)
        for width in [1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32] {
            let maxValue = width == 32 ? UInt64(UInt32.max) : (UInt64(1) << UInt64(width)) - 1
            var values: [UInt32] = []
            // Runs of every length 1...20 mixed with random literals, so runs start at every offset mod 8.
            for length in 1...20 {
                let v = UInt32(rng.next() % (maxValue + 1))
                values += [UInt32](repeating: v, count: length)
                for _ in 0..<(rng.next() % 5) { values.append(UInt32(rng.next() % (maxValue + 1))) }
            }
            values += [UInt32](repeating: UInt32(maxValue), count: 1000)
            #expect(try roundTrip(values, width: width) == values, "width \(width)")
            #expect(try roundTrip(Array(values.prefix(13)), width: width) == Array(values.prefix(13)))
        }
        #expect(try roundTrip([], width: 3) == [])
        #expect(try roundTrip([0, 0, 0], width: 0) == [0, 0, 0])
    }

    @Test func longRunsBecomeRLE() {
        let values = [UInt32](repeating: 5, count: 1_000_000)
        let bytes = values.withUnsafeBufferPointer { RleHybridEncoder.encode($0, bitWidth: 3) }
        #expect(bytes.count < 8)
    }

    @Test func decoderRejectsShortData() {
        // A bit-packed run of 2 groups with width 8 needs 16 bytes; give 3.
        let bytes: [UInt8] = [0x05, 1, 2, 3]
        #expect(throws: PageDecodeError.self) {
            try bytes.withUnsafeBytes { raw in
                var d = try RleHybridDecoder(raw, bitWidth: 8)
                var out = [UInt32](repeating: 0, count: 16)
                try out.withUnsafeMutableBufferPointer { try d.decode(into: $0) }
            }
        }
    }

    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
        let long = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        // Slicing-by-8 and the byte-wise tail agree at every length.
        var crc: UInt32 = 0xFFFF_FFFF
        for b in long { crc = CRC32.tables[0][Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
        #expect(CRC32.checksum(long) == crc ^ 0xFFFF_FFFF)
    }

    @Test func bitPackingIsLSBFirst() {
        var out: [UInt8] = []
        [1, 0, 1, 1, 0, 0, 0, 1, 1].withUnsafeBufferPointer { BitPacking.pack($0, bitWidth: 1, into: &out) }
        #expect(out == [0b1000_1101, 0b1])
        out = []
        [0, 1, 2, 3, 4, 5, 6, 7].withUnsafeBufferPointer { BitPacking.pack($0, bitWidth: 3, into: &out) }
        // The example from Parquet's Encodings.md.
        #expect(out == [0b1000_1000, 0b1100_0110, 0b1111_1010])
    }

    /// Distinct values in first-seen order and each value's index, or nil past `maxEntries`.
    func referenceDictionary<K: Hashable>(_ values: [K], maxEntries: Int) -> (keys: [K], indices: [UInt32])? {
        var keys: [K] = [], seen: [K: UInt32] = [:], indices: [UInt32] = []
        for v in values {
            if let i = seen[v] { indices.append(i); continue }
            guard keys.count < maxEntries else { return nil }
            seen[v] = UInt32(keys.count)
            indices.append(UInt32(keys.count))
            keys.append(v)
        }
        return (keys, indices)
    }

    @Test func dictionaryBuilderMatchesTheReferenceForNarrowAndWideValues() {
        var rng = SplitMix64(seed: 17)
        // Narrow spans take the value-indexed table, wide ones the hash; both give first-seen order.
        for span: UInt64 in [1, 7, 300, 70_000, 1 << 40] {
            for maxEntries in [3, 1000, Int.max] {
                var values: [UInt64] = []
                for _ in 0..<2000 {
                    let v = 1_000_000 &+ rng.next() % span
                    values += [UInt64](repeating: v, count: 1 + Int(rng.next() % 3))
                }
                let got = values.withUnsafeBufferPointer { FixedWidthDictionaryBuilder<UInt64>.build($0, maxEntries: maxEntries) }
                let expected = referenceDictionary(values, maxEntries: maxEntries)
                #expect(got?.keys == expected?.keys && got?.indices == expected?.indices, "span \(span) max \(maxEntries)")
                let narrow = values.map { UInt32(truncatingIfNeeded: $0) }
                let got32 = narrow.withUnsafeBufferPointer { FixedWidthDictionaryBuilder<UInt32>.build($0, maxEntries: maxEntries) }
                let expected32 = referenceDictionary(narrow, maxEntries: maxEntries)
                #expect(got32?.keys == expected32?.keys && got32?.indices == expected32?.indices, "32-bit span \(span)")
            }
        }
    }
}
