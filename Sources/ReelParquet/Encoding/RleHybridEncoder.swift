/// Encodes small unsigned integers (definition levels, dictionary indices,
/// booleans) with Parquet's RLE / bit-packing hybrid: runs of 8 or more
/// equal values become an RLE run (`varint(count << 1)` + the value in
/// ceil(width/8) bytes); everything else is bit-packed LSB-first in groups of
/// 8 (`varint(groups << 1 | 1)` + `groups * width` bytes). Only the very last
/// group may be padded, which readers ignore because they know the count.
struct RleHybridEncoder {
    let bitWidth: Int
    private(set) var bytes: [UInt8] = []
    /// Values waiting to be bit-packed (a run that was too short for RLE).
    private var literals: [UInt32] = []

    init(bitWidth: Int, reservingCapacity capacity: Int = 0) {
        precondition(bitWidth >= 0 && bitWidth <= 32)
        self.bitWidth = bitWidth
        bytes.reserveCapacity(capacity)
        literals.reserveCapacity(512)
    }

    /// Encodes `values` (all < 2^bitWidth) and returns the bytes.
    static func encode(_ values: UnsafeBufferPointer<UInt32>, bitWidth: Int) -> [UInt8] {
        var e = RleHybridEncoder(bitWidth: bitWidth, reservingCapacity: values.count * bitWidth / 8 + 16)
        e.append(values)
        return e.finish()
    }

    mutating func append(_ values: UnsafeBufferPointer<UInt32>) {
        let n = values.count
        var i = 0
        while i < n {
            let v = values[i]
            var run = 1
            while i + run < n && values[i + run] == v { run += 1 }
            if run >= 8 {
                // Top the pending literals up to a whole group with this value,
                // then RLE the rest of the run if it is still long enough.
                let fill = (8 - literals.count % 8) % 8
                if run - fill >= 8 {
                    for _ in 0..<fill { literals.append(v) }
                    flushLiterals()
                    writeRun(value: v, count: run - fill)
                    i += run
                    continue
                }
            }
            for _ in 0..<run { literals.append(v) }
            i += run
            if literals.count >= 504 && literals.count % 8 == 0 { flushLiterals() }
        }
    }

    /// Ends the stream (pads the last bit-packed group with zeros).
    mutating func finish() -> [UInt8] {
        if !literals.isEmpty {
            while literals.count % 8 != 0 { literals.append(0) }
            flushLiterals()
        }
        return bytes
    }

    private mutating func writeRun(value: UInt32, count: Int) {
        appendVarint(UInt64(count) << 1)
        let valueBytes = (bitWidth + 7) / 8
        for b in 0..<valueBytes { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(b)))) }
    }

    /// Writes the pending literals (a multiple of 8) as one bit-packed run.
    private mutating func flushLiterals() {
        guard !literals.isEmpty else { return }
        precondition(literals.count % 8 == 0)
        appendVarint(UInt64(literals.count / 8) << 1 | 1)
        literals.withUnsafeBufferPointer { BitPacking.pack($0, bitWidth: bitWidth, into: &bytes) }
        literals.removeAll(keepingCapacity: true)
    }

    private mutating func appendVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }
}

/// LSB-first bit packing of unsigned values, as Parquet's hybrid encoding and
/// PLAIN booleans use it.
enum BitPacking {
    /// Appends `values.count * bitWidth` bits (rounded up to bytes).
    static func pack(_ values: UnsafeBufferPointer<UInt32>, bitWidth: Int, into out: inout [UInt8]) {
        guard bitWidth > 0 else { return }
        var acc: UInt64 = 0
        var bits = 0
        let mask: UInt64 = bitWidth == 64 ? ~0 : (1 << UInt64(bitWidth)) - 1
        for v in values {
            acc |= (UInt64(v) & mask) << UInt64(bits)
            bits += bitWidth
            while bits >= 8 {
                out.append(UInt8(truncatingIfNeeded: acc))
                acc >>= 8
                bits -= 8
            }
        }
        if bits > 0 { out.append(UInt8(truncatingIfNeeded: acc)) }
    }

    /// The number of bits needed for values up to `maxValue`.
    static func width(forMax maxValue: UInt32) -> Int {
        maxValue == 0 ? 0 : 32 - maxValue.leadingZeroBitCount
    }
}
