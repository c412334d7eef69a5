/// The set of event ids already in bronze plus those accepted so far in this
/// run: open addressing with linear probing over one flat array of 128-bit
/// keys (16 bytes per slot, at most half full). A Swift `Set` of a struct
/// would hash through a protocol and resize in small steps; this costs one
/// multiply and usually one cache line per lookup.
struct EventIDSet {
    private var slots: [UInt64]  // slot i holds (slots[2i], slots[2i+1]); (0, 0) is empty
    private var mask: Int
    private var hasZero = false  // the all-zero id cannot live in a slot
    private(set) var count = 0

    init(expected: Int = 1024) {
        var capacity = 16
        while capacity < expected * 2 { capacity <<= 1 }
        slots = [UInt64](repeating: 0, count: capacity * 2)
        mask = capacity - 1
    }

    @inline(__always)
    private static func hash(_ high: UInt64, _ low: UInt64) -> Int {
        var h = high &* 0x9E37_79B9_7F4A_7C15 ^ low &* 0xC2B2_AE3D_27D4_EB4F
        h ^= h >> 29
        return Int(truncatingIfNeeded: h)
    }

    /// Adds the id; returns false when it was already present (a duplicate).
    @inline(__always)
    mutating func insert(_ high: UInt64, _ low: UInt64) -> Bool {
        if high == 0 && low == 0 {
            if hasZero { return false }
            hasZero = true
            count += 1
            return true
        }
        if (count + 1) * 2 > mask + 1 { grow() }
        let mask = self.mask
        let inserted: Bool = slots.withUnsafeMutableBufferPointer { s in
            var i = Self.hash(high, low) & mask
            while true {
                let h = s[2 * i], l = s[2 * i + 1]
                if h == 0 && l == 0 {
                    s[2 * i] = high
                    s[2 * i + 1] = low
                    return true
                }
                if h == high && l == low { return false }
                i = (i + 1) & mask
            }
        }
        if inserted { count += 1 }
        return inserted
    }

    func contains(_ high: UInt64, _ low: UInt64) -> Bool {
        if high == 0 && low == 0 { return hasZero }
        return slots.withUnsafeBufferPointer { s in
            var i = Self.hash(high, low) & mask
            while true {
                let h = s[2 * i], l = s[2 * i + 1]
                if h == 0 && l == 0 { return false }
                if h == high && l == low { return true }
                i = (i + 1) & mask
            }
        }
    }

    private mutating func grow() {
        let old = slots
        let capacity = (mask + 1) * 2
        slots = [UInt64](repeating: 0, count: capacity * 2)
        mask = capacity - 1
        let zero = hasZero
        count = 0
        hasZero = false
        for i in stride(from: 0, to: old.count, by: 2) where old[i] != 0 || old[i + 1] != 0 {
            _ = insert(old[i], old[i + 1])
        }
        if zero { hasZero = true; count += 1 }
    }
}
