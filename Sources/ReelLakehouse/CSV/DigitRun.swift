/// Runs of ASCII digits read eight bytes at a time (SWAR: one 64-bit load,
/// a handful of adds and masks to find the run's length, three multiplies to
/// turn up to eight digits into their value), with no branch per digit.
/// This is what makes the numeric-row fast path (`NumericRowFastPath`)
/// several times quicker than a byte-by-byte loop, whose length-dependent
/// branches mispredict on every field of varying width.
///
/// Callers guarantee that `p + i ..< p + i + 24` is readable.
enum DigitRun {
    /// Longest run whose value is computed (10^18 < 2^63).
    static let maxDigits = 18

    /// 10^k for k in 0...18 (a literal, so no lazy initialisation on the hot path).
    static let powersOfTen: InlineArray<19, UInt64> = [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000,
        10_000_000_000, 100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000,
        1_000_000_000_000_000, 10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
    ]

    /// The value and length of the digits that start the 8 bytes of `word`
    /// (little-endian, first byte lowest); 8 when all eight are digits.
    @inline(__always)
    static func leadingDigits(_ word: UInt64) -> (value: UInt64, count: Int) {
        // Digit bytes become 0...9; any other byte becomes > 9 (a byte below
        // '0' borrows from the next byte, but only bytes after a non-digit
        // are disturbed, and only the first non-digit matters).
        let t = word &- 0x3030_3030_3030_3030
        let nonDigit = ((t &+ 0x7676_7676_7676_7676) | t) & 0x8080_8080_8080_8080
        let count = nonDigit.trailingZeroBitCount >> 3
        guard count > 0 else { return (0, 0) }
        // Keep the digits, shifted up so the missing ones read as leading zeros.
        return (value(t << UInt64(64 - 8 * count)), count)
    }

    /// The value of eight digit values 0...9, one per byte, the most
    /// significant in the lowest byte (leading zeros allowed): three
    /// multiplies combine neighbouring digits, pairs, then quads.
    @inline(__always)
    static func value(_ digitBytes: UInt64) -> UInt64 {
        var d = digitBytes
        d = ((d & 0x0F0F_0F0F_0F0F_0F0F) &* 2561) >> 8
        d = ((d & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
        return ((d & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
    }

    /// The value of the `count` (1...8) ASCII digits that end just before
    /// `p + end`, known to be digits; reads the 8 bytes before `end`.
    @inline(__always)
    static func value(_ p: UnsafeRawPointer, end: Int, count: Int) -> UInt64 {
        // One or two digits (a rating, a timestamp's leading pair): no multiplies chained.
        if count <= 2 {
            let last = UInt64(p.load(fromByteOffset: end - 1, as: UInt8.self) &- 0x30)
            return count == 1 ? last : UInt64(p.load(fromByteOffset: end - 2, as: UInt8.self) &- 0x30) &* 10 &+ last
        }
        let keep = UInt64.max << UInt64(8 * (8 - count))
        let word = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: end - 8, as: UInt64.self)) & keep
        return value(word &- (0x3030_3030_3030_3030 & keep))
    }

    /// The digits at `p[i...]`: their value and count. A count above
    /// `maxDigits` means "too long" (the value is then meaningless).
    @inline(__always)
    static func read(_ p: UnsafeRawPointer, _ i: Int) -> (value: UInt64, count: Int) {
        let (v1, n1) = leadingDigits(UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
        if n1 < 8 { return (v1, n1) }
        let (v2, n2) = leadingDigits(UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)))
        let v = v1 &* powersOfTen[n2] &+ v2
        if n2 < 8 { return (v, 8 + n2) }
        let (v3, n3) = leadingDigits(UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self)))
        guard n3 <= maxDigits - 16 else { return (0, maxDigits + 1) }
        return (v &* powersOfTen[n3] &+ v3, 16 + n3)
    }
}
