import NIOCore
import ReelCore
import ReelServing

/// What `reel topk --ratings …` prints: the body of `POST /v1/recommendations`
/// byte for byte with `--json`, else the same table as `reel topk --user`,
/// from the same `FoldInEngine` as the daemon.
public enum FoldInPrinter {
    /// Answers `request` from `store`; errors as `LookupPrinter` maps them
    /// (404 → exit 2, a bad argument → exit 1). The note lists ignored ids.
    public static func render<Store: RecommendationStore>(
        _ request: FoldInRequest, from store: Store,
        json: Bool
    ) throws -> LookupPrinter.Output {
        var engine = FoldInEngine<Store>()
        let answer: FoldInAnswer
        do {
            answer = try engine.answer(request, model: store.makeFoldInModel(), store: store)
        } catch {
            throw error.reelError
        }
        let ignored = engine.ignored
        let note =
            ignored.isEmpty
            ? nil
            : "\(ignored.count) movie id(s) not in release \(store.releaseID) ignored: \(ignored.prefix(20).map(String.init).joined(separator: ", "))\(ignored.count > 20 ? ", …" : "")"
        if json {
            var buffer = ByteBufferAllocator().buffer(capacity: 4096)
            FoldInJSON.write(answer, items: engine.items, ignored: ignored, release: ServedRelease(store), into: &buffer)
            return LookupPrinter.Output(text: String(buffer: buffer) + "\n", note: note)
        }
        var title = answer.userID.map { "user \($0): fold-in" } ?? "fold-in"
        title += answer.updatedStoredUser ? " on top of the stored user" : " of \(request.movieIDs.count - ignored.count) rating(s)"
        title += ", \(answer.mode.rawValue)"
        if let w = answer.weights {
            title +=
                " (model \(Console.fixed(Double(w.model), 2)), trending \(Console.fixed(Double(w.trending), 2)), diversity \(Console.fixed(Double(w.diversity), 2)))"
        }
        return LookupPrinter.Output(
            text: title + " · release \(store.releaseID)\n" + LookupTable.list(engine.items, store: store),
            note: note)
    }

    /// Parses a fold-in JSON document: the POST body (`{"ratings": […], …}`)
    /// or a bare `ratings` list. Errors name `source` and the byte or field.
    public static func parseJSON(_ text: String, source: String) throws -> FoldInRequest {
        var utf8 = Array(text.utf8)
        if let first = utf8.first(where: { $0 > 0x20 }), first == UInt8(ascii: "[") {
            utf8 = Array("{\"ratings\":".utf8) + utf8 + [UInt8(ascii: "}")]
        }
        var body = FoldInBody()
        let failure: LookupFailure? = utf8.withUnsafeBytes { bytes in
            do throws(LookupFailure) {
                try body.parse(bytes)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw ReelError(.invalidInput, "\(source): \(failure.detail)") }
        return FoldInRequest(movieIDs: body.movieIDs, ratings: body.ratings, k: body.k, mode: body.mode)
    }

    /// Parses ratings written as `movieId:rating` pairs, or bare movie ids
    /// (watched/liked), separated by commas, spaces or newlines — the
    /// `--ratings` argument and CSV files (`movieId,rating` per line, an
    /// optional header line starting with a letter, `#` comments).
    public static func parsePairs(_ text: String, source: String, csv: Bool) throws -> (ids: [Int32], ratings: [Float]) {
        var ids: [Int32] = [], ratings: [Float] = []
        func bad(_ line: Int, _ why: String) -> ReelError {
            ReelError(csv ? .invalidInput : .usage, csv ? "\(source) line \(line): \(why)" : "\(source): \(why)")
        }
        func add(_ idText: Substring, _ ratingText: Substring?, line: Int) throws {
            guard let id = Int32(idText.trimmingSpaces), id >= 0 else {
                throw bad(line, "movie id '\(idText)' is not a whole number in 0...\(Int32.max)")
            }
            var rating = FoldInLimits.likedRating
            if let ratingText {
                guard let r = Float(ratingText.trimmingSpaces), r.isFinite else {
                    throw bad(line, "rating '\(ratingText)' for movie \(id) is not a number")
                }
                guard r >= FoldInLimits.minRating, r <= FoldInLimits.maxRating else {
                    throw bad(line, "rating \(r) for movie \(id) is outside 0.5–5.0")
                }
                rating = r
            }
            guard ids.count < FoldInLimits.maxRatings else { throw bad(line, "more than \(FoldInLimits.maxRatings) ratings") }
            ids.append(id)
            ratings.append(rating)
        }
        if csv {
            for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = raw.trimmingSpaces
                if line.isEmpty || line.hasPrefix("#") { continue }
                if i == 0, line.first.map({ $0.isLetter }) == true { continue }
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                guard fields.count <= 2 else { throw bad(i + 1, "expected 'movieId,rating' or 'movieId', got \(fields.count) fields") }
                try add(fields[0], fields.count == 2 ? fields[1] : nil, line: i + 1)
            }
        } else {
            for item in text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" }) {
                let parts = item.split(separator: ":", omittingEmptySubsequences: false)
                guard parts.count <= 2 else { throw bad(0, "'\(item)' is not movieId:rating") }
                try add(parts[0], parts.count == 2 ? parts[1] : nil, line: 0)
            }
        }
        guard !ids.isEmpty else { throw bad(0, "no ratings given") }
        return (ids, ratings)
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return s
    }
}
