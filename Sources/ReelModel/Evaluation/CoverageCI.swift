import ReelCore

/// Catalog coverage is a property of *all* lists together (distinct movies
/// recommended ÷ catalog), not a per-user mean, so its paired interval comes
/// from a bootstrap over users: resample the users with replacement (the same
/// draw for both lists), recompute both coverages, and take the 2.5% and
/// 97.5% quantiles of the difference. Deterministic (fixed seed).
enum CoverageCI {
    static let resamples = 200

    /// - Parameters:
    ///   - a, b: `users × k` movie rows (-1 padding) of the two lists.
    ///   - catalog: the catalog size coverage divides by.
    ///   - movieCount: movie rows are `0..<movieCount`.
    static func of(_ a: [Int32], _ b: [Int32], k: Int, catalog: Int, movieCount: Int, seed: UInt64 = 0x00C0_FE4A) -> PairedCI {
        let users = a.count / k
        precondition(b.count == a.count && users * k == a.count)
        guard users > 0, catalog > 0 else { return PairedCI(mean: 0, low: 0, high: 0, users: users, relative: nil) }
        var stampA = [Int32](repeating: -1, count: movieCount), stampB = stampA
        func coverage(_ draw: (Int) -> Int, _ round: Int32) -> (Double, Double) {
            var na = 0, nb = 0
            for i in 0..<users {
                let u = draw(i)
                for j in u * k..<(u + 1) * k {
                    let x = a[j], y = b[j]
                    if x >= 0, stampA[Int(x)] != round { stampA[Int(x)] = round; na += 1 }
                    if y >= 0, stampB[Int(y)] != round { stampB[Int(y)] = round; nb += 1 }
                }
            }
            return (Double(na) / Double(catalog), Double(nb) / Double(catalog))
        }
        let (ca, cb) = coverage({ $0 }, 0)
        var g = SplitMix64(seed: seed)
        var diffs: [Double] = []
        diffs.reserveCapacity(resamples)
        for r in 1...resamples {
            let picks = (0..<users).map { _ in Int(g.next() % UInt64(users)) }
            let (x, y) = coverage({ picks[$0] }, Int32(r))
            diffs.append(x - y)
        }
        diffs.sort()
        let low = diffs[Int(0.025 * Double(resamples))], high = diffs[Int(0.975 * Double(resamples)) - 1]
        return PairedCI(
            mean: ca - cb, low: min(low, ca - cb), high: max(high, ca - cb), users: users,
            relative: cb != 0 ? (ca - cb) / cb : nil)
    }
}
