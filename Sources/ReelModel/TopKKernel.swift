import ReelCore
/// The fast path of `TopK.compute`: register-blocked scoring of 4 queries ×
/// 16 items with `SIMD16` FMA accumulators, items packed 16-wide, a
/// per-query candidate buffer touched only when a score beats its threshold, and
/// excluded items masked before selection. The score matrix is never
/// materialised: a tile of 64 queries walks the items in L2-sized chunks.
enum TopKKernel {
    /// Queries per tile (a thread's unit of work) and per register block.
    static let tileQueries = 64
    static let blockQueries = 4
    /// Bytes of packed item factors per chunk (kept in L2 while a tile's
    /// 16 register blocks stream over it).
    static let chunkBytes = 256 * 1024

    static func run(
        queries: UnsafeBufferPointer<Float>, queryCount: Int,
        items: UnsafeBufferPointer<Float>, itemCount: Int,
        rank: Int, k: Int, exclude: ExcludeLists?, threads: Int
    ) -> TopKResult {
        guard k > 0, queryCount > 0 else { return TopKResult(k: max(k, 0), movies: [], scores: []) }
        var movies = [Int32](repeating: -1, count: queryCount * k)
        var scores = [Float](repeating: -.infinity, count: queryCount * k)
        guard itemCount > 0 else { return TopKResult(k: k, movies: movies, scores: scores) }
        let panels = (itemCount + 15) / 16
        let packed = FloatBuffer(count: panels * rank * 16)
        defer { packed.free() }
        for m in 0..<itemCount {
            let p = packed.base + (m / 16) * rank * 16 + (m % 16)
            for d in 0..<rank { p[d * 16] = items[m * rank + d] }
        }
        let excluded = SortedExclusions(exclude, queryCount: queryCount)
        let job = Job(
            queries: SendablePointer(queries.baseAddress ?? UnsafePointer(packed.base)), queryCount: queryCount,
            packed: packed, itemCount: itemCount, panels: panels, rank: rank, k: k,
            excludedOffsets: excluded.offsets, excludedItems: excluded.items,
            chunkPanels: max(1, chunkBytes / max(1, rank * 16 * 4)))
        movies.withUnsafeMutableBufferPointer { mv in
            scores.withUnsafeMutableBufferPointer { sv in
                let outMovies = SendablePointer(mv.baseAddress!), outScores = SendablePointer(sv.baseAddress!)
                let tiles = (queryCount + tileQueries - 1) / tileQueries
                let workers = max(1, min(threads, tiles))
                let scratch = (0..<workers).map { _ in TileScratch(rank: rank, k: k) }
                Parallel.forEachChunk(count: queryCount, chunkSize: tileQueries, threads: workers) { _, rows, worker in
                    job.scoreTile(rows, scratch: scratch[worker], outMovies: outMovies, outScores: outScores)
                }
                for s in scratch { s.free() }
            }
        }
        excluded.free()
        return TopKResult(k: k, movies: movies, scores: scores)
    }

    /// Everything a tile needs, shared read-only by the workers.
    struct Job: @unchecked Sendable {
        let queries: SendablePointer<Float>
        let queryCount: Int
        let packed: FloatBuffer
        let itemCount: Int
        let panels: Int
        let rank: Int
        let k: Int
        let excludedOffsets: UnsafePointer<Int64>?
        let excludedItems: UnsafePointer<Int32>?
        let chunkPanels: Int

        func scoreTile(_ rows: Range<Int>, scratch: TileScratch, outMovies: SendablePointer<Int32>, outScores: SendablePointer<Float>) {
            let n = rows.count
            let capacity = TopKCandidates.capacity(k: k)
            let blocks = (n + 3) / 4
            // Queries of the tile, interleaved [block][d][4] so a block's 4
            // broadcasts per dimension are adjacent; missing queries are zero.
            let qp = scratch.queries
            qp.update(repeating: 0, count: blocks * rank * 4)
            for (i, q) in rows.enumerated() {
                let dst = qp + (i / 4) * rank * 4 + (i % 4)
                let src = queries.base + q * rank
                for d in 0..<rank { dst[d * 4] = src[d] }
            }
            let lists = scratch.lists
            for i in 0..<n {
                lists[i] = TopKCandidates(scores: scratch.heapScores + i * capacity, items: scratch.heapItems + i * capacity, k: k)
            }
            let cursor = scratch.cursors
            for (i, q) in rows.enumerated() {
                cursor[2 * i] = excludedOffsets.map { Int($0[q]) } ?? 0
                cursor[2 * i + 1] = excludedOffsets.map { Int($0[q + 1]) } ?? 0
            }
            let lastValid = itemCount - (panels - 1) * 16
            let lastPanelInvalid: UInt32 = lastValid >= 16 ? 0 : ~((1 << UInt32(lastValid)) - 1) & 0xFFFF
            let laneScores = scratch.laneScores
            var thresholds = SIMD4<Float>()
            var chunk = 0
            while chunk < panels {
                let chunkEnd = min(panels, chunk + chunkPanels)
                for b in 0..<blocks {
                    let qb = qp + b * rank * 4
                    let users = min(4, n - b * 4)
                    for p in chunk..<chunkEnd {
                        let acc = scoreBlock(qb, packed.base + p * rank * 16)
                        let base = p * 16
                        // Lanes to drop per query: past the last item, or excluded.
                        var dropped = SIMD4<UInt32>(repeating: p == panels - 1 ? lastPanelInvalid : 0)
                        if let ex = excludedItems {
                            for a in 0..<users {
                                let i = b * 4 + a
                                var c = cursor[2 * i]
                                let end = cursor[2 * i + 1]
                                while c < end, Int(ex[c]) < base + 16 {
                                    let item = Int(ex[c])
                                    if item >= base { dropped[a] |= 1 << UInt32(item - base) }
                                    c += 1
                                }
                                cursor[2 * i] = c
                            }
                        }
                        // Fast rejection of the whole block: count lanes whose score
                        // minus the query's threshold has its sign bit set (Swift's
                        // `.>` on SIMD16<Float> is a scalar loop; this is 4 subtracts,
                        // shifts and one horizontal add). Missing queries use +inf.
                        for a in 0..<4 { thresholds[a] = a < users ? lists[b * 4 + a].threshold : .infinity }
                        let n0 = VectorKernels.notAbove(acc.a0, thresholds[0]), n1 = VectorKernels.notAbove(acc.a1, thresholds[1])
                        let n2 = VectorKernels.notAbove(acc.a2, thresholds[2]), n3 = VectorKernels.notAbove(acc.a3, thresholds[3])
                        if (n0 &+ n1 &+ n2 &+ n3).wrappedSum() == 64 { continue }
                        for a in 0..<users {
                            let i = b * 4 + a
                            let na = a == 0 ? n0 : a == 1 ? n1 : a == 2 ? n2 : n3
                            if na.wrappedSum() == 16 { continue }
                            VectorKernels.store(acc.lane(a), laneScores)
                            let drop = dropped[a]
                            for l in 0..<16 where drop & (1 << UInt32(l)) == 0 && laneScores[l] > lists[i].threshold {
                                lists[i].push(laneScores[l], Int32(base + l))
                            }
                        }
                    }
                }
                chunk = chunkEnd
            }
            for (i, q) in rows.enumerated() {
                lists[i].drain(into: outMovies.base + q * k, outScores.base + q * k)
            }
        }

        /// 4 queries × 16 items: per dimension one 16-wide load and four
        /// broadcast FMAs, accumulators in registers, no horizontal sums.
        @inline(__always) func scoreBlock(_ q: UnsafePointer<Float>, _ v: UnsafePointer<Float>) -> Block {
            var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
            var qp = q, vp = v
            for _ in 0..<rank {
                let x = VectorKernels.load(vp)
                a0.addProduct(SIMD16(repeating: qp[0]), x)
                a1.addProduct(SIMD16(repeating: qp[1]), x)
                a2.addProduct(SIMD16(repeating: qp[2]), x)
                a3.addProduct(SIMD16(repeating: qp[3]), x)
                qp += 4
                vp += 16
            }
            return Block(a0: a0, a1: a1, a2: a2, a3: a3)
        }
    }

    struct Block {
        var a0, a1, a2, a3: SIMD16<Float>
        @inline(__always) func lane(_ a: Int) -> SIMD16<Float> {
            switch a {
            case 0: return a0;
            case 1: return a1;
            case 2: return a2;
            default: return a3
            }
        }
    }

    /// Per-worker memory, allocated once per call.
    struct TileScratch: @unchecked Sendable {
        let queries: UnsafeMutablePointer<Float>
        let heapScores: UnsafeMutablePointer<Float>
        let heapItems: UnsafeMutablePointer<Int32>
        let cursors: UnsafeMutablePointer<Int>
        let lists: UnsafeMutablePointer<TopKCandidates>
        let laneScores: UnsafeMutablePointer<Float>
        private let floats: FloatBuffer

        init(rank: Int, k: Int) {
            let capacity = TopKCandidates.capacity(k: k)
            let n = TopKKernel.tileQueries
            floats = FloatBuffer(count: n * (rank + capacity) + 16)
            queries = floats.base
            heapScores = floats.base + n * rank
            laneScores = heapScores + n * capacity
            heapItems = .allocate(capacity: n * capacity)
            cursors = .allocate(capacity: n * 2)
            lists = .allocate(capacity: n)
        }

        func free() { floats.free(); heapItems.deallocate(); cursors.deallocate(); lists.deallocate() }
    }
}

/// Exclusion lists with every row ascending, as the kernel's cursors need.
/// The silver CSR already is; an unsorted list is sorted into a private copy
/// instead of being silently mis-masked.
struct SortedExclusions {
    let offsets: UnsafePointer<Int64>?
    let items: UnsafePointer<Int32>?
    private let owned: UnsafeMutablePointer<Int32>?

    init(_ exclude: ExcludeLists?, queryCount: Int) {
        guard let exclude, let off = exclude.offsets.baseAddress, exclude.offsets.count > queryCount else {
            offsets = nil; items = nil; owned = nil; return
        }
        offsets = off
        let total = Int(off[queryCount])
        var sorted = true
        for q in 0..<queryCount where sorted {
            var i = Int(off[q]) + 1
            while i < Int(off[q + 1]) { if exclude.items[i - 1] > exclude.items[i] { sorted = false; break }; i += 1 }
        }
        if sorted || total == 0 {
            items = exclude.items.baseAddress; owned = nil
        } else {
            let copy = UnsafeMutablePointer<Int32>.allocate(capacity: total)
            for i in 0..<total { copy[i] = exclude.items[i] }
            for q in 0..<queryCount {
                var row = UnsafeMutableBufferPointer(start: copy + Int(off[q]), count: Int(off[q + 1] - off[q]))
                row.sort()
            }
            items = UnsafePointer(copy); owned = copy
        }
    }

    func free() { owned?.deallocate() }
}
