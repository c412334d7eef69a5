import ReelCore
import ReelSilver
import ReelServing

/// UC2: trending lists from silver popularity (decayed, weighted event counts
/// per window, ending at the newest event in the data), globally and per genre.
///
/// A list holds only movies with activity in its window (score > 0), best
/// first, ties to the lower movie row, padded with -1 — a short list is
/// honest, a list topped up with inactive movies is not.
struct TrendingLists {
    var movies: [Int32]
    var scores: [Float]
    /// Per window, each movie's score divided by the window's top score.
    var popularity: [Float]

    init(popularity source: SilverPopularity, genres: [UInt32], trendingK: Int, genreCount: Int) {
        let movieCount = genres.count
        let windows = ReleaseFormat.windowCount
        let lists = windows * (1 + genreCount)
        movies = [Int32](repeating: -1, count: lists * trendingK)
        scores = [Float](repeating: 0, count: lists * trendingK)
        popularity = [Float](repeating: 0, count: windows * movieCount)
        for w in 0..<windows {
            let s = source.scores[w * movieCount..<(w + 1) * movieCount]
            let base = s.startIndex
            let top = s.max() ?? 0
            if top > 0 {
                for m in 0..<movieCount { popularity[w * movieCount + m] = min(1, max(0, s[base + m] / top)) }
            }
            var ranked = (0..<movieCount).filter { s[base + $0] > 0 }
            ranked.sort { a, b in s[base + a] != s[base + b] ? s[base + a] > s[base + b] : a < b }
            // The global list, then one pass per genre over the same ranking.
            for list in 0...genreCount {
                let mask: UInt32 = list == 0 ? 0 : 1 << UInt32(list - 1)
                let at = ReleaseFormat.trendingList(window: w, genre: list == 0 ? nil : list - 1, genreCount: genreCount) * trendingK
                var filled = 0
                for m in ranked where filled < trendingK && (mask == 0 || genres[m] & mask != 0) {
                    movies[at + filled] = Int32(m)
                    scores[at + filled] = s[base + m]
                    filled += 1
                }
            }
        }
    }
}
