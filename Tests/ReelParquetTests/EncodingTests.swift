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
}
