import ReelCore

/// Walker's alias method: draws an index with probability proportional to its
/// weight in O(1) — one random number, one table lookup. The generator draws
/// every rated movie from one of these (global popularity, or popularity ×
/// affinity for one latent dimension), so the cost per rating stays constant
/// however skewed the weights are.
struct AliasTable: Sendable {
    /// Probability (scaled to 2^32) of keeping column i rather than its alias.
    private let keep: [UInt32]
    private let alias: [Int32]

    var count: Int { keep.count }

    /// Builds the table with Vose's algorithm. Zero weights are never drawn;
    /// at least one weight must be positive.
    init(weights: [Double]) {
        let n = weights.count
        let total = weights.reduce(0, +)
        precondition(n > 0 && total > 0, "alias table needs a positive weight")
        var scaled = weights.map { $0 * Double(n) / total }
        var keep = [UInt32](repeating: UInt32.max, count: n)
        var alias = [Int32](repeating: 0, count: n)
        for i in 0..<n { alias[i] = Int32(i) }
        let anyPositive = weights.firstIndex { $0 > 0 }!
        var small: [Int] = [], large: [Int] = []
        for i in 0..<n { if scaled[i] < 1 { small.append(i) } else { large.append(i) } }
        while let s = small.popLast() {
            guard let l = large.last else {
                // Rounding left a column just under 1: it keeps itself
                // (a zero weight still never draws itself).
                keep[s] = weights[s] > 0 ? UInt32.max : 0
                alias[s] = Int32(weights[s] > 0 ? s : anyPositive)
                continue
            }
            keep[s] = UInt32(min(scaled[s] * 4_294_967_296.0, 4_294_967_295.0))
            alias[s] = Int32(l)
            scaled[l] -= 1 - scaled[s]
            if scaled[l] < 1 {
                large.removeLast()
                small.append(l)
            }
        }
        // Any column left in `large` keeps itself (keep = max).
        self.keep = keep
        self.alias = alias
    }

    /// An index drawn with probability proportional to its weight.
    @inline(__always)
    func sample(_ rng: inout SplitMix64) -> Int {
        let r = rng.next()
        let column = Int(truncatingIfNeeded: ((r >> 32) &* UInt64(keep.count)) >> 32)
        return UInt32(truncatingIfNeeded: r) < keep[column] ? column : Int(alias[column])
    }
}
