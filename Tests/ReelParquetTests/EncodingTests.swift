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
        for width in [1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 24, 31, 32] {
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
        // Against the bit-by-bit definition, at every length up to 1000.
        let long = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        var crc: UInt32 = 0xFFFF_FFFF
        for (n, b) in long.enumerated() {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 != 0 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
            #expect(CRC32.checksum(Array(long[...n])) == crc ^ 0xFFFF_FFFF, "length \(n + 1)")
        }
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

    @Test func dictionaryBuilderHandlesValuesSharingLowBits() {
        var rng = SplitMix64(seed: 19)
        // Half-star ratings as float bit patterns differ only above bit 20; -0 and 0 differ in the sign bit.
        let ratings = (0..<5000).map { _ in (Float(1 + rng.next() % 10) * 0.5).bitPattern }
        let signed = (0..<100).map { i in (i % 2 == 0 ? Float(0) : -Float(0)).bitPattern }
        for values in [ratings, signed, ratings.map { $0 & 0xFFFF_0000 | 0x8000 }] {
            let got = values.withUnsafeBufferPointer { FixedWidthDictionaryBuilder<UInt32>.build($0, maxEntries: 100) }
            let expected = referenceDictionary(values, maxEntries: 100)
            #expect(got?.keys == expected?.keys && got?.indices == expected?.indices)
        }
    }

    func deltaRoundTrip<T: FixedWidthInteger & SignedInteger>(_ values: [T]) throws -> [T] {
        var bytes: [UInt8] = []
        values.withUnsafeBufferPointer { DeltaBinaryPacked.encode($0, into: &bytes) }
        var out = [T](repeating: 0, count: values.count)
        try bytes.withUnsafeBytes { raw in
            try out.withUnsafeMutableBufferPointer { try DeltaBinaryPacked.decode(raw, count: values.count, as: T.self, into: $0.baseAddress!) }
        }
        return out
    }

    @Test func deltaBinaryPackedRoundTripsEveryWidthAndLength() throws {
        var rng = SplitMix64(seed: 23)
        for count in [0, 1, 2, 31, 32, 33, 127, 128, 129, 200, 257, 1000] {
            // Rising timestamps, random noise of every width, and the extremes (deltas that wrap).
            let rising = (0..<count).map { Int64(1_266_616_921_000) + Int64($0) * 1000 + Int64(rng.next() % 977) }
            let noisy = (0..<count).map { i in Int64(bitPattern: rng.next() >> UInt64(i % 64)) }
            let extremes = (0..<count).map { $0 % 2 == 0 ? Int64.min : Int64.max }
            for values in [rising, noisy, extremes] { #expect(try deltaRoundTrip(values) == values, "int64 \(count)") }
            let narrow = noisy.map { Int32(truncatingIfNeeded: $0) }
            #expect(try deltaRoundTrip(narrow) == narrow, "int32 \(count)")
            let narrowExtremes = (0..<count).map { $0 % 3 == 0 ? Int32.min : Int32.max }
            #expect(try deltaRoundTrip(narrowExtremes) == narrowExtremes, "int32 extremes \(count)")
        }
    }

    /// The example of the Parquet specification: 1, 2, 3, 4, 5 in one block
    /// of 128 with 4 miniblocks: header, min delta 1, widths 0.
    @Test func deltaBinaryPackedMatchesTheSpecificationExample() throws {
        var bytes: [UInt8] = []
        [Int64(1), 2, 3, 4, 5].withUnsafeBufferPointer { DeltaBinaryPacked.encode($0, into: &bytes) }
        #expect(bytes == [0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0])
    }

    @Test func deltaBinaryPackedRefusesDamage() {
        var bytes: [UInt8] = []
        (0..<300).map { Int64($0 * $0) }.withUnsafeBufferPointer { DeltaBinaryPacked.encode($0, into: &bytes) }
        func fails(_ data: [UInt8], count: Int = 300) -> Bool {
            var out = [Int64](repeating: 0, count: count)
            do {
                try data.withUnsafeBytes { raw in
                    try out.withUnsafeMutableBufferPointer { try DeltaBinaryPacked.decode(raw, count: count, as: Int64.self, into: $0.baseAddress!) }
                }
                return false
            } catch is PageDecodeError { return true } catch { return false }
        }
        #expect(!fails(bytes))
        for cut in [0, 1, 4, 10, bytes.count / 2] { #expect(fails(Array(bytes.prefix(cut))), "cut at \(cut)") }
        // The padding of the last miniblock may be left out (the values are all there).
        #expect(!fails(Array(bytes.dropLast())))
        #expect(fails(bytes + [0]), "trailing byte")
        #expect(fails(bytes, count: 299), "wrong count")
        var wide = bytes
        wide[7] = 65  // the first miniblock's bit width (after 6 header bytes and the min delta)
        #expect(fails(wide))
    }
}
