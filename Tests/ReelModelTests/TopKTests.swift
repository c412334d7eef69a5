import Testing
import ReelCore
@testable import ReelModel

@Suite struct TopKTests {
    /// Runs the kernel and the reference on the same random problem and
    /// demands the same item rows and (to FMA rounding) the same scores.
    func compare(
        queries: Int, items: Int, rank: Int, k: Int, excludeEvery: Int?, threads: Int, seed: UInt64,
        integer: Bool = false
    ) {
        var g = SplitMix64(seed: seed)
        func value() -> Float { integer ? Float(Int(g.next() % 5)) - 2 : Float(g.nextGaussian()) }
        let q = (0..<queries * rank).map { _ in value() }
        let v = (0..<items * rank).map { _ in value() }
        var offsets: [Int64] = [0], list: [Int32] = []
        for u in 0..<queries {
            if let e = excludeEvery { for m in stride(from: u % e, to: items, by: e) { list.append(Int32(m)) } }
            offsets.append(Int64(list.count))
        }
        q.withUnsafeBufferPointer { qb in
            v.withUnsafeBufferPointer { vb in
                offsets.withUnsafeBufferPointer { ob in
                    list.withUnsafeBufferPointer { lb in
                        let ex = excludeEvery == nil ? nil : ExcludeLists(offsets: ob, items: lb)
                        let fast = TopK.compute(
                            queries: qb, queryCount: queries, items: vb, itemCount: items,
                            rank: rank, k: k, exclude: ex, threads: threads)
                        let slow = TopK.reference(
                            queries: qb, queryCount: queries, items: vb, itemCount: items,
                            rank: rank, k: k, exclude: ex)
                        #expect(fast.k == k)
                        #expect(fast.movies == slow.movies, "rank \(rank) k \(k) queries \(queries) items \(items)")
                        #expect(fast.scores.count == slow.scores.count)
                        for i in 0..<min(fast.scores.count, slow.scores.count) {
                            let (a, b) = (fast.scores[i], slow.scores[i])
                            #expect(a == b || abs(a - b) <= 1e-4 * max(1, abs(b)), "score \(i): \(a) vs \(b)")
                        }
                    }
                }
            }
        }
    }

    @Test(arguments: [1, 7, 16, 33, 64])
    func equalsReferenceAtEveryRank(rank: Int) {
        compare(queries: 70, items: 203, rank: rank, k: 10, excludeEvery: 3, threads: 2, seed: UInt64(rank))
    }

    @Test func tiesKeepTheLowerItemRow() {
        // Small integer factors make many exactly equal scores (exact in FMA too).
        compare(queries: 9, items: 50, rank: 3, k: 20, excludeEvery: nil, threads: 1, seed: 11, integer: true)
        compare(queries: 9, items: 50, rank: 3, k: 20, excludeEvery: 4, threads: 2, seed: 12, integer: true)
    }

    @Test func padsWhenFewerItemsThanKAreEligible() {
        compare(queries: 5, items: 12, rank: 8, k: 15, excludeEvery: 2, threads: 2, seed: 3)
        let q: [Float] = [1, 0], v: [Float] = [1, 0, 2, 0]
        let offsets: [Int64] = [0, 1], list: [Int32] = [1]
        let r = q.withUnsafeBufferPointer { qb in
            v.withUnsafeBufferPointer { vb in
                offsets.withUnsafeBufferPointer { ob in
                    list.withUnsafeBufferPointer { lb in
                        TopK.compute(
                            queries: qb, queryCount: 1, items: vb, itemCount: 2, rank: 2, k: 3,
                            exclude: ExcludeLists(offsets: ob, items: lb), threads: 1)
                    }
                }
            }
        }
        #expect(r.movies == [0, -1, -1])
        #expect(r.scores == [1, -.infinity, -.infinity])
    }

    @Test func manyItemsAcrossChunksAndThreadCounts() {
        // More than one L2 chunk of items (rank 64 ⇒ 64 panels = 1,024 items per chunk).
        compare(queries: 130, items: 2_500, rank: 64, k: 25, excludeEvery: 7, threads: 2, seed: 5)
        compare(queries: 3, items: 2_500, rank: 5, k: 100, excludeEvery: nil, threads: 1, seed: 6)
    }

    @Test func unsortedExclusionListsAreStillHonoured() {
        let q: [Float] = [1], v: [Float] = [5, 4, 3, 2, 1]
        let offsets: [Int64] = [0, 2], list: [Int32] = [3, 0]
        let r = q.withUnsafeBufferPointer { qb in
            v.withUnsafeBufferPointer { vb in
                offsets.withUnsafeBufferPointer { ob in
                    list.withUnsafeBufferPointer { lb in
                        TopK.compute(
                            queries: qb, queryCount: 1, items: vb, itemCount: 5, rank: 1, k: 3,
                            exclude: ExcludeLists(offsets: ob, items: lb), threads: 1)
                    }
                }
            }
        }
        #expect(r.movies == [1, 2, 4])
    }
}
