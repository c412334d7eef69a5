import ReelCore

/// Builds a column chunk's dictionary for fixed-width values (compared by bit
/// pattern, so every float, -0 and NaN payload round-trips exactly): the
/// distinct values in first-seen order and, per value, its dictionary index.
/// Values within a narrow span (ids) are looked up in a table indexed by
/// value; others go through open addressing over flat arrays, where a
/// repeat of the previous value (sorted ids, ratings) skips the hash. Gives
/// up (returns nil) as soon as the dictionary would exceed `maxEntries`, so a
/// near-unique column costs only the prefix it took to find out.
struct FixedWidthDictionaryBuilder<Key: FixedWidthInteger & UnsignedInteger> {
    static func build(_ values: UnsafeBufferPointer<Key>, maxEntries: Int) -> (keys: [Key], indices: [UInt32])? {
        if let span = directSpan(values) { return buildDirect(values, maxEntries: maxEntries, span: span) }
        var capacity = 64
        while capacity < min(values.count, maxEntries) * 2 { capacity <<= 1 }
        var slots = [Int32](repeating: -1, count: capacity)
        var keys: [Key] = []
        keys.reserveCapacity(min(values.count, maxEntries))
        var shift = UInt64(64 - capacity.trailingZeroBitCount)
        var mask = capacity - 1
        var complete = false
        // Uninitialised: a near-unique column gives up after a prefix, and
        // only that prefix of the indices is ever touched.
        let indices = [UInt32](unsafeUninitializedCapacity: values.count) { indices, initialized in
            var previousKey: Key? = nil
            var previousIndex: UInt32 = 0
            for i in 0..<values.count {
                let key = values[i]
                if key == previousKey { indices[i] = previousIndex; continue }
                var slot = Int(truncatingIfNeeded: (UInt64(truncatingIfNeeded: key) &* 0x9E37_79B9_7F4A_7C15) >> shift)
                var index: UInt32
                while true {
                    let s = slots[slot]
                    if s < 0 {
                        guard keys.count < maxEntries else { initialized = 0; return }
                        index = UInt32(keys.count)
                        slots[slot] = Int32(keys.count)
                        keys.append(key)
                        if keys.count * 2 > capacity {
                            capacity <<= 1
                            shift -= 1
                            mask = capacity - 1
                            slots = rehash(keys, capacity: capacity, shift: shift)
                        }
                        break
                    }
                    if keys[Int(s)] == key { index = UInt32(s); break }
                    slot = (slot + 1) & mask
                }
                indices[i] = index
                previousKey = key
                previousIndex = index
            }
            initialized = values.count
            complete = true
        }
        return complete ? (keys, indices) : nil
    }

    private static func rehash(_ keys: [Key], capacity: Int, shift: UInt64) -> [Int32] {
        var slots = [Int32](repeating: -1, count: capacity)
        for (i, key) in keys.enumerated() {
            var slot = Int(truncatingIfNeeded: (UInt64(truncatingIfNeeded: key) &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while slots[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(i)
        }
        return slots
    }

    /// Where a table of one slot per possible value pays: the smallest
    /// value, the low bits all values share (skipped: half-star ratings as
    /// floats differ only above bit 20) and the slot count — when that table
    /// is small next to the values (at most 4 slots per value, and 4 Mi
    /// slots). The movie and user ids and the ratings of the ratings table.
    private static func directSpan(_ values: UnsafeBufferPointer<Key>) -> (low: Key, shift: Int, count: Int)? {
        guard let first = values.first else { return nil }
        var low = first, high = first, differing: Key = 0
        for v in values {
            low = Swift.min(low, v)
            high = Swift.max(high, v)
            differing |= v ^ first
        }
        let shift = differing == 0 ? 0 : differing.trailingZeroBitCount
        let span = (high - low) >> Key(shift)
        guard span < Key(truncatingIfNeeded: 1 << 22), Int(span) < Swift.max(1 << 16, 4 * values.count) else { return nil }
        return (low, shift, Int(span) + 1)
    }

    /// `build` with a table indexed by `(value - low) >> shift` instead of a hash.
    private static func buildDirect(
        _ values: UnsafeBufferPointer<Key>, maxEntries: Int,
        span: (low: Key, shift: Int, count: Int)
    ) -> (keys: [Key], indices: [UInt32])? {
        var slots = [Int32](repeating: -1, count: span.count)
        var keys: [Key] = []
        var complete = false
        let shift = Key(span.shift)
        let indices = [UInt32](unsafeUninitializedCapacity: values.count) { indices, initialized in
            // No "same as the previous value" shortcut here: the table lookup
            // costs about as much as the comparison, without its mispredictions.
            slots.withUnsafeMutableBufferPointer { slots in
                for i in 0..<values.count {
                    let key = values[i]
                    let slot = Int((key &- span.low) >> shift)
                    var index = slots[slot]
                    if index < 0 {
                        guard keys.count < maxEntries else { return }
                        index = Int32(keys.count)
                        slots[slot] = index
                        keys.append(key)
                    }
                    indices[i] = UInt32(index)
                }
                complete = true
            }
            initialized = complete ? values.count : 0
        }
        return complete ? (keys, indices) : nil
    }
}

/// The same for strings: distinct byte strings (as a `ByteArrayColumn`) and
/// per value its index. Hashes with XXH3; gives up past `maxEntries` values or
/// `maxBytes` of dictionary data.
enum ByteArrayDictionaryBuilder {
    static func build(
        _ column: ByteArrayColumn, rows: [Int]?, range: Range<Int>,
        maxEntries: Int, maxBytes: Int
    ) -> (dictionary: ByteArrayColumn, indices: [UInt32])? {
        let count = rows?.count ?? range.count
        var capacity = 64
        while capacity < min(count, maxEntries) * 2 { capacity <<= 1 }
        var slots = [Int32](repeating: -1, count: capacity)
        var hashes: [UInt64] = []
        var dictionary = ByteArrayColumn()
        var indices = [UInt32](repeating: 0, count: count)
        var dictionaryBytes = 0
        return column.bytes.withUnsafeBytes { raw -> (ByteArrayColumn, [UInt32])? in
            let offsets = column.offsets
            func value(_ row: Int) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: raw[Int(offsets[row])..<Int(offsets[row + 1])])
            }
            for i in 0..<count {
                let row = rows?[i] ?? range.lowerBound + i
                let v = value(row)
                let h = XXH3.hash(v)
                var slot = Int(truncatingIfNeeded: h) & (capacity - 1)
                var index: UInt32
                while true {
                    let s = slots[slot]
                    if s < 0 {
                        guard dictionary.count < maxEntries, dictionaryBytes + v.count + 4 <= maxBytes else { return nil }
                        index = UInt32(dictionary.count)
                        slots[slot] = Int32(dictionary.count)
                        dictionary.append(v)
                        hashes.append(h)
                        dictionaryBytes += v.count + 4
                        if dictionary.count * 2 > capacity {
                            capacity <<= 1
                            slots = [Int32](repeating: -1, count: capacity)
                            for (k, hk) in hashes.enumerated() {
                                var t = Int(truncatingIfNeeded: hk) & (capacity - 1)
                                while slots[t] >= 0 { t = (t + 1) & (capacity - 1) }
                                slots[t] = Int32(k)
                            }
                        }
                        break
                    }
                    if hashes[Int(s)] == h && equal(dictionary, Int(s), v) { index = UInt32(s); break }
                    slot = (slot + 1) & (capacity - 1)
                }
                indices[i] = index
            }
            return (dictionary, indices)
        }
    }

    private static func equal(_ dictionary: ByteArrayColumn, _ i: Int, _ v: UnsafeRawBufferPointer) -> Bool {
        let r = dictionary.range(i)
        guard r.count == v.count else { return false }
        return dictionary.bytes.withUnsafeBytes { d in
            r.count == 0 || memcmp(d.baseAddress! + r.lowerBound, v.baseAddress!, r.count) == 0
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
