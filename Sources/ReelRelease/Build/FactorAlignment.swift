import ReelCore
import ReelSilver
import ReelModel

/// Model factors lined up with silver rows by external id.
///
/// The model may have been trained on a different silver version (or come
/// from elsewhere), so rows are matched by movieId/userId, never assumed.
/// Movies without factors become no item at all (never recommended, no
/// similar list); users without factors get no stored list (the daemon
/// falls back to trending); factor rows unknown to silver are ignored.
struct FactorAlignment {
    let rank: Int
    /// Factors of the movies that have them, in silver row order (`items × rank`).
    var itemFactors: [Float] = []
    /// Item → silver movie row.
    var itemMovieRows: [Int32] = []
    /// Silver movie row → item, or -1.
    var movieItems: [Int32]
    /// Factors of the silver users that have them, in silver row order (`queries × rank`).
    var queryFactors: [Float] = []
    /// Query → silver user row.
    var queryUserRows: [Int32] = []
    /// Factor users that are not in silver.
    var unknownUsers = 0
    var unknownMovies = 0

    var itemCount: Int { itemMovieRows.count }
    var queryCount: Int { queryUserRows.count }

    init(ratings: SilverRatings, factors: ModelFactors) throws {
        rank = factors.rank
        guard rank >= 1, rank <= 1 << 16,
            factors.userFactors.count == factors.userIDs.count * rank,
            factors.movieFactors.count == factors.movieIDs.count * rank
        else {
            throw ReelError(.invalidInput, "model factors: matrix sizes disagree with rank \(factors.rank) and the id maps")
        }
        if let bad = factors.movieFactors.firstIndex(where: { !$0.isFinite }) {
            throw ReelError(.invalidInput, "model factors: movie \(factors.movieIDs[bad / rank]) has a non-finite factor")
        }
        if let bad = factors.userFactors.firstIndex(where: { !$0.isFinite }) {
            throw ReelError(.invalidInput, "model factors: user \(factors.userIDs[bad / rank]) has a non-finite factor")
        }
        let movieFactorRow = try Self.rowMap(factors.movieIDs, what: "movieId")
        let userFactorRow = try Self.rowMap(factors.userIDs, what: "userId")

        movieItems = [Int32](repeating: -1, count: ratings.movieCount)
        itemFactors.reserveCapacity(min(ratings.movieCount, factors.movieIDs.count) * rank)
        for (row, id) in ratings.movieIDs.enumerated() {
            guard let f = movieFactorRow[id] else { continue }
            movieItems[row] = Int32(itemMovieRows.count)
            itemMovieRows.append(Int32(row))
            itemFactors.append(contentsOf: factors.movieFactors[f * rank..<(f + 1) * rank])
        }
        unknownMovies = factors.movieIDs.count - itemCount
        queryFactors.reserveCapacity(min(ratings.userCount, factors.userIDs.count) * rank)
        for (row, id) in ratings.userIDs.enumerated() {
            guard let f = userFactorRow[id] else { continue }
            queryUserRows.append(Int32(row))
            queryFactors.append(contentsOf: factors.userFactors[f * rank..<(f + 1) * rank])
        }
        unknownUsers = factors.userIDs.count - queryCount
    }

    /// The movies each query user has rated, as ascending item numbers (CSR),
    /// so `TopK` masks them before selection.
    func seenItems(_ ratings: SilverRatings) -> (offsets: [Int64], items: [Int32]) {
        var offsets: [Int64] = [0]
        offsets.reserveCapacity(queryCount + 1)
        var items: [Int32] = []
        items.reserveCapacity(ratings.ratingCount)
        for u in queryUserRows {
            for j in Int(ratings.userOffsets[Int(u)])..<Int(ratings.userOffsets[Int(u) + 1]) {
                let item = movieItems[Int(ratings.userMovies[j])]
                if item >= 0 { items.append(item) }
            }
            offsets.append(Int64(items.count))
        }
        return (offsets, items)
    }

    /// Item factors scaled to unit length (zero vectors stay zero), for cosine similarity.
    func normalisedItems() -> [Float] {
        var out = itemFactors
        for i in 0..<itemCount {
            var norm: Float = 0
            for d in 0..<rank { norm += out[i * rank + d] * out[i * rank + d] }
            guard norm > 0 else { continue }
            let scale = 1 / norm.squareRoot()
            for d in 0..<rank { out[i * rank + d] *= scale }
        }
        return out
    }

    private static func rowMap(_ ids: [Int32], what: String) throws -> [Int32: Int] {
        var map: [Int32: Int] = [:]
        map.reserveCapacity(ids.count)
        for (row, id) in ids.enumerated() {
            guard map.updateValue(row, forKey: id) == nil else {
                throw ReelError(.invalidInput, "model factors: \(what) \(id) appears twice")
            }
        }
        return map
    }
}
