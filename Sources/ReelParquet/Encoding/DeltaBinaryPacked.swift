/// Parquet's DELTA_BINARY_PACKED encoding of INT32 and INT64 values: the
/// first value, then blocks of 128 deltas, each block storing its smallest
/// delta and four miniblocks of 32 deltas minus that minimum, bit-packed at
/// the miniblock's own width (apache/parquet-format, Encodings.md).
///
/// Reel writes it for integer columns that are not dictionary-encoded —
/// timestamps above all: 25 M millisecond timestamps of MovieLens take ~36
/// bits each this way, against 64 PLAIN and ~48 after ZSTD, and encoding
/// them is several times cheaper than compressing them.
///
/// Deltas wrap around in the column's own width (32 or 64 bits), as the
/// format requires, so every value round-trips whatever the gaps.
enum DeltaBinaryPacked {
    static let blockSize = 128
    static let miniblocksPerBlock = 4
    static let miniblockSize = 32

    /// Appends the encoding of `values` to `out`.
    static func encode<T: FixedWidthInteger & SignedInteger>(_ values: UnsafeBufferPointer<T>, into out: inout [UInt8]) {
        appendVarint(UInt64(blockSize), to: &out)
        appendVarint(UInt64(miniblocksPerBlock), to: &out)
        appendVarint(UInt64(values.count), to: &out)
        appendVarint(zigzag(Int64(values.first ?? 0)), to: &out)
        guard values.count > 1 else { return }
        // At most: per block a 10-byte min delta, 4 widths and 4 full-width miniblocks.
        let blocks = (values.count - 1 + blockSize - 1) / blockSize
        let room = blocks * (10 + miniblocksPerBlock + blockSize * T.bitWidth / 8)
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: room))
        let used = out.withUnsafeMutableBytes { raw in
            encodeBlocks(values, into: raw.baseAddress! + start)
        }
        out.removeLast(room - used)
    }

    /// The blocks after the header, written at `p`; returns the bytes written.
    private static func encodeBlocks<T: FixedWidthInteger & SignedInteger>(
        _ values: UnsafeBufferPointer<T>,
        into p: UnsafeMutableRawPointer
    ) -> Int {
        let typeBits = T.bitWidth
        var deltas = InlineArray<128, T.Magnitude>(repeating: 0)
        var widths = InlineArray<4, Int>(repeating: 0)
        var previous = values[0]
        var at = 0
        var i = 1
        while i < values.count {
            let n = min(blockSize, values.count - i)
            // Deltas in the column's width (wrapping), and the smallest of them.
            var minDelta = T.max
            for k in 0..<n {
                let d = values[i + k] &- previous
                previous = values[i + k]
                deltas[k] = T.Magnitude(truncatingIfNeeded: d)
                minDelta = Swift.min(minDelta, d)
            }
            at += writeVarint(zigzag(Int64(minDelta)), to: p + at)
            let base = T.Magnitude(truncatingIfNeeded: minDelta)
            for m in 0..<miniblocksPerBlock {
                var all: T.Magnitude = 0
                if m * miniblockSize < n {
                    for k in (m * miniblockSize)..<Swift.min(n, (m + 1) * miniblockSize) {
                        deltas[k] = deltas[k] &- base
                        all |= deltas[k]
                    }
                }
                widths[m] = typeBits - all.leadingZeroBitCount
                p.storeBytes(of: UInt8(widths[m]), toByteOffset: at + m, as: UInt8.self)
            }
            at += miniblocksPerBlock
            for m in 0..<miniblocksPerBlock where m * miniblockSize < n {
                at += pack(&deltas, from: m * miniblockSize, to: Swift.min(n, (m + 1) * miniblockSize), width: widths[m], into: p + at)
            }
            i += n
        }
        return at
    }

    /// Bit-packs deltas[from..<to] at `width` bits, LSB first, padded to a
    /// whole miniblock of 32 values; returns its size, 4 × width bytes.
    /// (`deltas` is only read; `inout` so the 1 KiB array is not copied.)
    @inline(__always)
    private static func pack<U: FixedWidthInteger & UnsignedInteger>(
        _ deltas: inout InlineArray<128, U>, from: Int, to: Int,
        width: Int, into p: UnsafeMutableRawPointer
    ) -> Int {
        guard width > 0 else { return 0 }
        var words = InlineArray<33, UInt64>(repeating: 0)
        var bit = 0
        for k in from..<to {
            let v = UInt64(truncatingIfNeeded: deltas[k])
            let word = bit >> 6, shift = bit & 63
            words[word] |= v << UInt64(shift)
            if shift + width > 64 { words[word + 1] |= v >> UInt64(64 - shift) }
            bit += width
        }
        // 32 values × width bits = 4 × width bytes: whole words, then maybe half of one.
        let bytes = miniblockSize * width / 8
        for w in 0..<(bytes / 8) { p.storeBytes(of: words[w].littleEndian, toByteOffset: 8 * w, as: UInt64.self) }
        if bytes % 8 != 0 {
            p.storeBytes(of: UInt32(truncatingIfNeeded: words[bytes / 8]).littleEndian, toByteOffset: bytes - 4, as: UInt32.self)
        }
        return bytes
    }

    /// Decodes exactly `count` values of `T` from untrusted bytes into `out`,
    /// which must consume all of `data`.
    static func decode<T: FixedWidthInteger & SignedInteger>(
        _ data: UnsafeRawBufferPointer, count: Int, as: T.Type,
        into out: UnsafeMutablePointer<T>
    ) throws {
        var reader = Reader(data: data)
        let block = try reader.varint(), miniblocks = try reader.varint(), total = try reader.varint()
        guard block > 0, block % 128 == 0, block <= 1 << 20, miniblocks > 0, miniblocks <= block,
            block % miniblocks == 0, (block / miniblocks) % 32 == 0
        else {
            throw PageDecodeError("DELTA_BINARY_PACKED block of \(block) values in \(miniblocks) miniblocks is not valid")
        }
        guard total == UInt64(count) else {
            throw PageDecodeError("DELTA_BINARY_PACKED page holds \(total) values, \(count) expected")
        }
        let first = unzigzag(try reader.varint())
        guard count > 0 else { return try reader.finish() }
        guard let firstValue = T(exactly: first) else { throw PageDecodeError("DELTA_BINARY_PACKED first value \(first) does not fit") }
        out[0] = firstValue
        var previous = firstValue
        var done = 1
        let perMiniblock = Int(block / miniblocks)
        var widths = [Int](repeating: 0, count: Int(miniblocks))
        while done < count {
            let minDelta = T(truncatingIfNeeded: unzigzag(try reader.varint()))
            for m in widths.indices {
                widths[m] = Int(try reader.byte())
            }
            for w in widths where done < count {
                guard w <= T.bitWidth else { throw PageDecodeError("DELTA_BINARY_PACKED bit width \(w) exceeds \(T.bitWidth)") }
                let take = Swift.min(perMiniblock, count - done)
                try reader.unpack(take, width: w, padTo: perMiniblock) { delta in
                    previous = previous &+ T(truncatingIfNeeded: delta) &+ minDelta
                    out[done] = previous
                    done += 1
                }
            }
        }
        try reader.finish()
    }

    /// Untrusted bytes, read front to back; every read is bounds-checked.
    private struct Reader {
        let data: UnsafeRawBufferPointer
        var position = 0

        mutating func byte() throws -> UInt8 {
            guard position < data.count else { throw PageDecodeError("DELTA_BINARY_PACKED data ends early") }
            defer { position += 1 }
            return data[position]
        }

        mutating func varint() throws -> UInt64 {
            var value: UInt64 = 0
            for shift in stride(from: 0, to: 70, by: 7) {
                let b = try byte()
                value |= UInt64(b & 0x7F) << UInt64(shift)
                if b < 0x80 { return value }
            }
            throw PageDecodeError("DELTA_BINARY_PACKED varint is too long")
        }

        /// Calls `body` with `count` values of `width` bits; the miniblock
        /// occupies `padTo` values' worth of bytes, of which the last one of
        /// a page may be cut short after its last value.
        mutating func unpack(_ count: Int, width: Int, padTo: Int, _ body: (UInt64) -> Void) throws {
            guard width > 0 else {
                for _ in 0..<count { body(0) }
                return
            }
            let needed = (count * width + 7) / 8
            guard needed <= data.count - position else { throw PageDecodeError("DELTA_BINARY_PACKED miniblock runs past the page") }
            let base = data.baseAddress! + position
            let available = data.count - position
            let mask: UInt64 = width == 64 ? .max : (1 << UInt64(width)) - 1
            var bit = 0
            for _ in 0..<count {
                let byte = bit >> 3, shift = bit & 7
                var word: UInt64 = 0
                let span = Swift.min(8, available - byte)
                if span == 8 {
                    word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: byte, as: UInt64.self))
                } else {
                    for b in 0..<span { word |= UInt64(base.load(fromByteOffset: byte + b, as: UInt8.self)) << UInt64(8 * b) }
                }
                var v = word >> UInt64(shift)
                if shift + width > 64 {
                    v |= UInt64(base.load(fromByteOffset: byte + 8, as: UInt8.self)) << UInt64(64 - shift)
                }
                body(v & mask)
                bit += width
            }
            position += Swift.min(padTo * width / 8, available)
        }

        func finish() throws {
            guard position == data.count else {
                throw PageDecodeError("DELTA_BINARY_PACKED data uses \(position) of the page's \(data.count) bytes")
            }
        }
    }

    static func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }

    static func unzigzag(_ v: UInt64) -> Int64 { Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1) }

    /// Writes `value` as a ULEB128 varint at `p`; returns its length.
    private static func writeVarint(_ value: UInt64, to p: UnsafeMutableRawPointer) -> Int {
        var v = value
        var n = 0
        while v >= 0x80 {
            p.storeBytes(of: UInt8(truncatingIfNeeded: v) | 0x80, toByteOffset: n, as: UInt8.self)
            v >>= 7
            n += 1
        }
        p.storeBytes(of: UInt8(v), toByteOffset: n, as: UInt8.self)
        return n + 1
    }

    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }
}
