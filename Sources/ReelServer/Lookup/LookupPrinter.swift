import NIOCore
import ReelCore
import ReelServing

/// What the lookup commands (`reel topk`, `trending`, `similar`, `movie`)
/// print: the daemon's JSON body byte for byte with `--json`, otherwise a
/// table with titles. The answer comes from the same `LookupEngine`, so the
/// CLI and the daemon cannot disagree.
public enum LookupPrinter {
    /// The printed output, and a note for stderr (e.g. that a user fell back to trending).
    public struct Output: Sendable {
        public var text: String
        public var note: String?
    }

    /// Answers `request` from `store`. A 404 becomes `ReelError(.notFound)`
    /// (exit 2), a bad argument `ReelError(.usage)` (exit 64).
    public static func render<Store: RecommendationStore>(
        _ request: LookupRequest, from store: Store,
        json: Bool
    ) throws -> Output {
        var engine = LookupEngine<Store>()
        let answer: LookupAnswer
        do {
            answer = try engine.answer(request, store: store)
        } catch {
            throw error.reelError
        }
        var note: String?
        if case let .recommendations(userID, .fallback, _) = answer {
            note = "user \(userID) is not in release \(store.releaseID); showing the \(LookupDefaults.window.label) trending list (fallback)"
        }
        if json {
            var buffer = ByteBufferAllocator().buffer(capacity: 4096)
            LookupJSON.write(answer, items: engine.items, release: ServedRelease(store), into: &buffer)
            return Output(text: String(buffer: buffer) + "\n", note: note)
        }
        return Output(text: LookupTable.render(answer, items: engine.items, store: store), note: note)
    }
}

/// The human-readable form of a lookup answer.
enum LookupTable {
    static func render<Store: RecommendationStore>(
        _ answer: LookupAnswer, items: [(movie: Int32, score: Float)],
        store: Store
    ) -> String {
        let release = store.releaseID
        switch answer {
        case let .recommendations(userID, source, weights):
            var title = "user \(userID): \(source.name(in: store))"
            if let weights {
                title += " (model \(fixed(weights.model, 2)), trending \(fixed(weights.trending, 2)), diversity \(fixed(weights.diversity, 2)))"
            }
            if source == .fallback { title += " — not in the release, \(LookupDefaults.window.label) trending" }
            return title + " · release \(release)\n" + list(items, store: store)
        case let .trending(window, genre):
            let scope = genre.map { Genres.all[$0] } ?? "all genres"
            return "trending \(window.label), \(scope) · release \(release)\n" + list(items, store: store)
        case let .similar(row):
            let movie = store.movie(row: row)
            return "similar to \(movie.id) \(movie.titleString)\(year(movie.year, prefix: " (", suffix: ")")) · release \(release)\n"
                + list(items, store: store)
        case let .movie(row):
            let movie = store.movie(row: row)
            let popularity = TrendingWindow.allCases
                .map { "\($0.label) \(fixed(store.popularity(movieRow: row, window: $0), 3))" }
                .joined(separator: "  ")
            let lines = [
                ("movieId", "\(movie.id)"), ("title", movie.titleString), ("year", year(movie.year, prefix: "", suffix: "")),
                ("genres", genres(movie.genres)),
                ("ratings", "\(movie.ratingCount) (mean \(fixed(movie.ratingMean, 2)))"),
                ("popularity", popularity), ("release", release),
            ]
            return lines.map { $0.0 + String(repeating: " ", count: 12 - $0.0.count) + $0.1 }.joined(separator: "\n") + "\n"
        }
    }

    static func list<Store: RecommendationStore>(_ items: [(movie: Int32, score: Float)], store: Store) -> String {
        guard !items.isEmpty else { return "(empty list)\n" }
        let rows = items.enumerated().map { i, item -> [String] in
            let movie = store.movie(row: Int(item.movie))
            return [
                "\(i + 1)", "\(movie.id)", fixed(item.score, 4), year(movie.year, prefix: "", suffix: ""),
                movie.titleString, genres(movie.genres),
            ]
        }
        let header = ["rank", "movieId", "score", "year", "title", "genres"]
        let rightAligned = [true, true, true, true, false, false]
        let widths = header.indices.map { c in
            min(([header] + rows).map { $0[c].count }.max() ?? 0, 48)
        }
        return ([header] + rows).map { row in
            row.indices.map { c in
                let cell = row[c].count > widths[c] ? String(row[c].prefix(widths[c] - 1)) + "…" : row[c]
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                if c == row.count - 1 { return cell }
                return rightAligned[c] ? pad + cell : cell + pad
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    private static func genres(_ mask: UInt32) -> String {
        let names = Genres.names(mask)
        return names.isEmpty ? "-" : names.joined(separator: "|")
    }

    private static func year(_ year: Int16, prefix: String, suffix: String) -> String {
        year == 0 ? (prefix.isEmpty ? "-" : "") : prefix + String(year) + suffix
    }

    private static func fixed(_ value: Float, _ digits: Int) -> String {
        Console.fixed(Double(value), digits)
    }
}
