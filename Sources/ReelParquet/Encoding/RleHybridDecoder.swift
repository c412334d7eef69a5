/// Why a page's contents could not be decoded; the column decoder adds the
/// file, column, row group and page.
struct PageDecodeError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// Decodes Parquet's RLE / bit-packing hybrid from untrusted bytes into
/// unsigned values. Every run header and run body is bounds-checked; a
/// bit-packed run may be cut short at the end of the buffer only where the
/// values still needed fit (some writers omit the padding of the last group).
struct RleHybridDecoder {
    private let data: UnsafeRawBufferPointer
    private var position = 0
    let bitWidth: Int
    // Current run.
    private var rleRemaining = 0
    private var rleValue: UInt32 = 0
    private var packedRemaining = 0
    private var packedBitOffset = 0

    init(_ data: UnsafeRawBufferPointer, bitWidth: Int) throws {
        guard bitWidth >= 0 && bitWidth <= 32 else { throw PageDecodeError("bit width \(bitWidth) is out of range 0...32") }
        self.data = data
        self.bitWidth = bitWidth
    }

    /// Bytes consumed so far (whole runs).
    var consumed: Int { position }

    /// Fills `out` with the next `out.count` values.
    mutating func decode(into out: UnsafeMutableBufferPointer<UInt32>) throws {
        var i = 0
        let n = out.count
        let mask: UInt64 = (1 << UInt64(bitWidth)) &- 1
        while i < n {
            if rleRemaining > 0 {
                let take = min(rleRemaining, n - i)
                for k in 0..<take { out[i + k] = rleValue }
                i += take
                rleRemaining -= take
                continue
            }
            if packedRemaining > 0 {
                let take = min(packedRemaining, n - i)
                let endBit = packedBitOffset + take * bitWidth
                guard (endBit + 7) / 8 <= data.count else {
                    throw PageDecodeError("bit-packed run extends past the end of the data")
                }
                var bit = packedBitOffset
                let base = data.baseAddress!
                for k in 0..<take {
                    let byte = bit >> 3
                    let word: UInt64
                    if byte + 8 <= data.count {
                        word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: byte, as: UInt64.self))
                    } else {
                        var w: UInt64 = 0
                        for b in 0..<(data.count - byte) { w |= UInt64(data[byte + b]) << (8 * UInt64(b)) }
                        word = w
                    }
                    out[i + k] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
                    bit += bitWidth
                }
                packedBitOffset = bit
                packedRemaining -= take
                i += take
                continue
            }
            try readRunHeader()
        }
    }

    /// Skips `count` values (used to step over values a caller does not need).
    mutating func skip(_ count: Int) throws {
        var scratch = [UInt32](repeating: 0, count: min(count, 4096))
        var left = count
        while left > 0 {
            let take = min(left, scratch.count)
            try scratch.withUnsafeMutableBufferPointer { try decode(into: UnsafeMutableBufferPointer(rebasing: $0[0..<take])) }
            left -= take
        }
    }

    private mutating func readRunHeader() throws {
        var header: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < data.count else { throw PageDecodeError("RLE/bit-packed data ends before all values were read") }
            let b = data[position]
            position += 1
            guard shift < 35 else { throw PageDecodeError("RLE run header varint is too long") }
            header |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { break }
            shift += 7
        }
        if header & 1 == 1 {
            let groups = Int(header >> 1)
            guard groups > 0 else { throw PageDecodeError("empty bit-packed run") }
            packedRemaining = groups * 8
            packedBitOffset = position * 8
            // The run's bytes; the last group may be truncated (checked when read).
            position = min(data.count, position + groups * bitWidth)
        } else {
            let count = Int(header >> 1)
            guard count > 0 else { throw PageDecodeError("empty RLE run") }
            let valueBytes = (bitWidth + 7) / 8
            guard position + valueBytes <= data.count else { throw PageDecodeError("RLE run value extends past the end of the data") }
            var v: UInt32 = 0
            for b in 0..<valueBytes { v |= UInt32(data[position + b]) << (8 * UInt32(b)) }
            position += valueBytes
            if bitWidth < 32 && v >> UInt32(bitWidth) != 0 {
                throw PageDecodeError("RLE run value \(v) does not fit in \(bitWidth) bits")
            }
            rleValue = v
            rleRemaining = count
        }
    }
}
