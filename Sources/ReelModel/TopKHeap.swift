/// A bounded min-heap of (score, item) in caller-owned memory: the root is
/// the worst kept entry, so a candidate only touches the heap when it beats
/// the root. "Worse" means a lower score, or an equal score and a higher item
/// row — the same order as `TopK.reference`, so ties keep the lower row.
struct TopKHeap {
    let scores: UnsafeMutablePointer<Float>
    let items: UnsafeMutablePointer<Int32>
    let capacity: Int
    var count = 0

    init(scores: UnsafeMutablePointer<Float>, items: UnsafeMutablePointer<Int32>, capacity: Int) {
        self.scores = scores
        self.items = items
        self.capacity = capacity
    }

    /// The score a candidate must exceed to enter: the root's once full.
    @inline(__always) var threshold: Float { count < capacity ? -.infinity : scores[0] }

    @inline(__always) func worse(_ i: Int, _ j: Int) -> Bool {
        scores[i] < scores[j] || (scores[i] == scores[j] && items[i] > items[j])
    }

    @inline(__always) func swapAt(_ i: Int, _ j: Int) {
        let s = scores[i]; scores[i] = scores[j]; scores[j] = s
        let t = items[i]; items[i] = items[j]; items[j] = t
    }

    /// Adds a candidate that beats `threshold` (items arrive in ascending
    /// row order, so an equal score never displaces a kept entry).
    @inline(__always) mutating func push(_ score: Float, _ item: Int32) {
        if count < capacity {
            var i = count
            scores[i] = score; items[i] = item
            count += 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard worse(i, parent) else { break }
                swapAt(i, parent)
                i = parent
            }
        } else {
            scores[0] = score; items[0] = item
            siftDown(0, count)
        }
    }

    @inline(__always) func siftDown(_ start: Int, _ n: Int) {
        var i = start
        while true {
            let l = 2 * i + 1
            guard l < n else { return }
            var w = l
            if l + 1 < n, worse(l + 1, l) { w = l + 1 }
            guard worse(w, i) else { return }
            swapAt(w, i)
            i = w
        }
    }

    /// Writes the entries best first into `outItems`/`outScores` (length
    /// `capacity`), padding with -1 / -inf, and empties the heap.
    mutating func drain(into outItems: UnsafeMutablePointer<Int32>, _ outScores: UnsafeMutablePointer<Float>) {
        for j in count..<capacity { outItems[j] = -1; outScores[j] = -.infinity }
        var n = count
        while n > 0 {
            n -= 1
            outItems[n] = items[0]; outScores[n] = scores[0]
            swapAt(0, n)
            siftDown(0, n)
        }
        count = 0
    }
}
