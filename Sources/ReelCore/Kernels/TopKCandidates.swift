/// A user's running top-k candidates in caller-owned memory.
///
/// Candidates that beat `threshold` are appended to a buffer of `2k + 32`
/// entries; when it fills, a quickselect keeps the best k and the k-th best
/// score becomes the new threshold. That costs O(1) amortised per candidate,
/// against O(log k) with branchy sifting for a heap, which dominated the
/// scoring kernel at k = 100. Order: higher score first, then the lower
/// item row — `TopK.reference`'s order. Items arrive in ascending row order,
/// so a candidate equal to the threshold is never better than a kept entry.
public struct TopKCandidates {
    public let scores: UnsafeMutablePointer<Float>
    public let items: UnsafeMutablePointer<Int32>
    public let k: Int
    public let capacity: Int
    public var count = 0
    /// A candidate must score strictly above this to enter.
    public var threshold: Float = -.infinity

    @inlinable public static func capacity(k: Int) -> Int { 2 * k + 32 }

    @inlinable public init(scores: UnsafeMutablePointer<Float>, items: UnsafeMutablePointer<Int32>, k: Int) {
        self.scores = scores
        self.items = items
        self.k = k
        capacity = Self.capacity(k: k)
    }

    @inlinable @inline(__always) public mutating func push(_ score: Float, _ item: Int32) {
        scores[count] = score
        items[count] = item
        count &+= 1
        if count == capacity { keepBest() }
    }

    /// Keeps the best k in [0, k) and raises the threshold to the k-th best.
    @inlinable public mutating func keepBest() {
        select(k - 1, count)
        count = k
        threshold = scores[k - 1]
    }

    @inlinable @inline(__always) public func better(_ i: Int, _ j: Int) -> Bool {
        scores[i] > scores[j] || (scores[i] == scores[j] && items[i] < items[j])
    }

    @inlinable @inline(__always) public func swapAt(_ i: Int, _ j: Int) {
        let s = scores[i]; scores[i] = scores[j]; scores[j] = s
        let t = items[i]; items[i] = items[j]; items[j] = t
    }

    /// Quickselect over [0, n): afterwards position `target` holds the entry
    /// of that rank and every entry before it is better.
    @inlinable public func select(_ target: Int, _ n: Int) {
        var lo = 0, hi = n - 1
        while lo < hi {
            // Median of three as the pivot, moved to `hi`.
            let mid = lo + (hi - lo) / 2
            if better(mid, lo) { swapAt(mid, lo) }
            if better(hi, lo) { swapAt(hi, lo) }
            if better(mid, hi) { swapAt(mid, hi) }
            var store = lo
            for i in lo..<hi where better(i, hi) {
                swapAt(i, store)
                store += 1
            }
            swapAt(store, hi)
            if store == target { return }
            if store < target { lo = store + 1 } else { hi = store - 1 }
        }
    }

    /// Writes the best k, best first, into `outItems`/`outScores` (length k),
    /// padding with -1 / -inf, and empties the buffer.
    @inlinable public mutating func drain(into outItems: UnsafeMutablePointer<Int32>, _ outScores: UnsafeMutablePointer<Float>) {
        if count > k { select(k - 1, count); count = k }
        for j in count..<k { outItems[j] = -1; outScores[j] = -.infinity }
        // Heap sort on the kept entries: a min-heap by `better`, popped from the back.
        var i = count / 2 - 1
        while i >= 0 { siftDown(i, count); i -= 1 }
        var n = count
        while n > 0 {
            n -= 1
            outItems[n] = items[0]; outScores[n] = scores[0]
            swapAt(0, n)
            siftDown(0, n)
        }
        count = 0
        threshold = -.infinity
    }

    /// Restores the min-heap (root = worst) below `start` within [0, n).
    @inlinable public func siftDown(_ start: Int, _ n: Int) {
        var i = start
        while true {
            let l = 2 * i + 1
            guard l < n else { return }
            var w = l
            if l + 1 < n, better(l, l + 1) { w = l + 1 }
            guard better(i, w) else { return }
            swapAt(w, i)
            i = w
        }
    }
}
