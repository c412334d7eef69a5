import NIOCore
import ReelCore
import ReelServing

/// What `reel movie --search` prints: the daemon's `/v1/movies?q=` body with
/// `--json`, otherwise a table. Same searcher, same ranking as the daemon.
public enum WebPrinter {
    public static func search<Store: RecommendationStore>(
        _ query: String, k: Int, from store: Store,
        json: Bool
    ) throws -> (text: String, count: Int) {
        guard (1...WebRoutes.maxSearchK).contains(k) else {
            throw ReelError(.usage, "--k must be between 1 and \(WebRoutes.maxSearchK) for a title search; got \(k)")
        }
        var search = TitleSearch()
        let bytes = Array(query.utf8)
        bytes.withUnsafeBytes { text in
            if let index = store.web?.titleIndex {
                search.search(text, k: k, index: index)
            } else {
                search.scan(
                    text, k: k, movieCount: store.movieCount, title: { store.movie(row: $0).title },
                    ratingCount: { store.movie(row: $0).ratingCount })
            }
        }
        if json {
            var buffer = ByteBufferAllocator().buffer(capacity: 4096)
            WebJSON.writeSearch(query: bytes, results: search.results, release: ServedRelease(store), into: &buffer)
            return (String(buffer: buffer) + "\n", search.results.count)
        }
        var text = "search \"\(query)\" · release \(store.releaseID)\n"
        for (i, match) in search.results.enumerated() {
            let movie = store.movie(row: Int(match.row))
            let year = movie.year > 0 ? " (\(movie.year))" : ""
            text +=
                "\(pad("\(i + 1)", 3)) \(pad("\(movie.id)", 8)) \(movie.titleString)\(year)  [\(match.kind.label), \(movie.ratingCount) ratings]\n"
        }
        if search.results.isEmpty { text += "no title matches\n" }
        return (text, search.results.count)
    }

    private static func pad(_ s: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - s.count)) + s
    }
}
