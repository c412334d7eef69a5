/// Encodes small unsigned integers (definition levels, dictionary indices,
/// booleans) with Parquet's RLE / bit-packing hybrid: runs of 8 or more
/// equal values become an RLE run (`varint(count << 1)` + the value in
/// ceil(width/8) bytes); everything else is bit-packed LSB-first in groups of
/// 8 (`varint(groups << 1 | 1)` + `groups * width` bytes). Only the very last
/// group may be padded, which readers ignore because they know the count.
///
/// Pending literals are always a contiguous slice of the input (a repeat run
/// that follows may lend values to complete a group of 8), so nothing is
/// copied per value: literal slices are bit-packed straight from the input.
enum RleHybridEncoder {
    /// Encodes `values` (all < 2^bitWidth).
    static func encode(_ values: UnsafeBufferPointer<UInt32>, bitWidth: Int) -> [UInt8] {
        precondition(bitWidth >= 0 && bitWidth <= 32)
        var out: [UInt8] = []
        out.reserveCapacity(values.count * bitWidth / 8 + 16)
        let n = values.count
        var literalStart = 0
        var i = 0
        let base = UnsafeRawPointer(values.baseAddress)
        while i < n {
            // Eight values none of which equals the next are eight runs of
            // one: skip them at once (dictionary indices of ids are mostly so).
            if i + 9 <= n, let base {
                let here = base.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<UInt32>.self)
                let next = base.loadUnaligned(fromByteOffset: 4 * i + 4, as: SIMD8<UInt32>.self)
                if !any(here .== next) {
                    i += 8
                    continue
                }
            }
            let v = values[i]
            var run = 1
            while i + run < n && values[i + run] == v { run += 1 }
            if run >= 8 {
                // Lend values of this run to complete the pending literal group,
                // then RLE the rest if it is still long enough.
                let fill = (8 - (i - literalStart) % 8) % 8
                if run - fill >= 8 {
                    packLiterals(values, literalStart..<(i + fill), bitWidth: bitWidth, into: &out)
                    writeRun(value: v, count: run - fill, bitWidth: bitWidth, into: &out)
                    i += run
                    literalStart = i
                    continue
                }
            }
            i += run
        }
        packLiterals(values, literalStart..<n, bitWidth: bitWidth, into: &out)
        return out
    }

    private static func writeRun(value: UInt32, count: Int, bitWidth: Int, into out: inout [UInt8]) {
        appendVarint(UInt64(count) << 1, to: &out)
        for b in 0..<((bitWidth + 7) / 8) { out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(b)))) }
    }

    /// One bit-packed run of `range` (padded with zeros to a multiple of 8 values).
    private static func packLiterals(
        _ values: UnsafeBufferPointer<UInt32>, _ range: Range<Int>,
        bitWidth: Int, into out: inout [UInt8]
    ) {
        guard !range.isEmpty else { return }
        let groups = (range.count + 7) / 8
        appendVarint(UInt64(groups) << 1 | 1, to: &out)
        let start = out.count
        BitPacking.pack(UnsafeBufferPointer(rebasing: values[range]), bitWidth: bitWidth, into: &out)
        let padded = start + groups * bitWidth
        if out.count < padded { out.append(contentsOf: repeatElement(0, count: padded - out.count)) }
    }

    private static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }
}

/// LSB-first bit packing of unsigned values, as Parquet's hybrid encoding and
/// PLAIN booleans use it.
enum BitPacking {
    /// Appends `values.count * bitWidth` bits (rounded up to bytes).
    static func pack(_ values: UnsafeBufferPointer<UInt32>, bitWidth: Int, into out: inout [UInt8]) {
        guard bitWidth > 0, !values.isEmpty else { return }
        let byteCount = (values.count * bitWidth + 7) / 8
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: byteCount))
        out.withUnsafeMutableBufferPointer { buffer in
            let dst = buffer.baseAddress! + start
            // Whole bytes per value, or two values per byte: no bit juggling.
            switch bitWidth {
            case 16:
                for (k, v) in values.enumerated() {
                    UnsafeMutableRawPointer(dst).storeBytes(of: UInt16(truncatingIfNeeded: v).littleEndian, toByteOffset: 2 * k, as: UInt16.self)
                }
                return
            case 8:
                for (k, v) in values.enumerated() { dst[k] = UInt8(truncatingIfNeeded: v) }
                return
            case 4:
                for (k, v) in values.enumerated() { dst[k >> 1] |= UInt8(truncatingIfNeeded: v & 0xF) << UInt8(4 * (k & 1)) }
                return
            default:
                break
            }
            var acc: UInt64 = 0
            var bits = 0
            var k = 0
            let mask: UInt64 = (1 << UInt64(bitWidth)) - 1
            for v in values {
                acc |= (UInt64(v) & mask) << UInt64(bits)
                bits += bitWidth
                if bits >= 32 {
                    // Flush 4 bytes at once; at most 31 + 32 bits are pending.
                    if k + 4 <= byteCount {
                        UnsafeMutableRawPointer(dst + k).storeBytes(of: UInt32(truncatingIfNeeded: acc).littleEndian, as: UInt32.self)
                    } else {
                        for b in 0..<(byteCount - k) { dst[k + b] = UInt8(truncatingIfNeeded: acc >> UInt64(8 * b)) }
                    }
                    k += 4
                    acc >>= 32
                    bits -= 32
                }
            }
            while bits > 0 && k < byteCount {
                dst[k] = UInt8(truncatingIfNeeded: acc)
                acc >>= 8
                bits -= 8
                k += 1
            }
        }
    }

    /// The number of bits needed for values up to `maxValue`.
    static func width(forMax maxValue: UInt32) -> Int {
        maxValue == 0 ? 0 : 32 - maxValue.leadingZeroBitCount
    }
}
