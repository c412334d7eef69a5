import ReelCore
import ReelModel

/// Runs `TopK.compute` over many query rows in blocks, writing each block's
/// lists straight into the release's fixed-stride arrays (item numbers mapped
/// to movie rows, padding normalised to -1 / 0) and reporting progress.
enum BlockedTopK {
    /// - Parameters:
    ///   - queries: `queryCount × rank` factors.
    ///   - queryRows: release row of each query (where its list goes in `movies`/`scores`).
    ///   - itemRows: movie row of each item.
    ///   - seen: CSR of items to exclude per query (ascending), or nil.
    static func run(
        stage: String, queries: [Float], queryRows: [Int32], items: [Float], itemRows: [Int32],
        rank: Int, k: Int, seen: (offsets: [Int64], items: [Int32])?,
        options: ReleaseOptions, movies: inout [Int32], scores: inout [Float]
    ) {
        let queryCount = queryRows.count
        let itemCount = itemRows.count
        guard queryCount > 0, itemCount > 0 else { return }
        let progress = Progress(stage: stage, total: queryCount, unit: "rows")
        queries.withUnsafeBufferPointer { q in
            items.withUnsafeBufferPointer { it in
                var start = 0
                while start < queryCount {
                    let n = min(options.queryBlock, queryCount - start)
                    let block = UnsafeBufferPointer(rebasing: q[start * rank..<(start + n) * rank])
                    let result: TopKResult
                    if let seen {
                        result = seen.offsets.withUnsafeBufferPointer { off in
                            seen.items.withUnsafeBufferPointer { ex in
                                TopK.compute(
                                    queries: block, queryCount: n, items: it, itemCount: itemCount,
                                    rank: rank, k: k,
                                    exclude: ExcludeLists(offsets: UnsafeBufferPointer(rebasing: off[start...(start + n)]), items: ex),
                                    threads: options.threads)
                            }
                        }
                    } else {
                        result = TopK.compute(
                            queries: block, queryCount: n, items: it, itemCount: itemCount,
                            rank: rank, k: k, exclude: nil, threads: options.threads)
                    }
                    for i in 0..<n {
                        let base = Int(queryRows[start + i]) * k
                        for j in 0..<k {
                            let item = result.movies[i * k + j]
                            guard item >= 0, Int(item) < itemCount else { break }
                            movies[base + j] = itemRows[Int(item)]
                            scores[base + j] = result.scores[i * k + j]
                        }
                    }
                    start += n
                    progress.advance(n)
                }
            }
        }
        progress.finish()
    }
}
