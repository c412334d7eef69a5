import ReelCore
import ReelModel
import ReelServing

/// The fold-in sections `reel publish` adds (format 1.1): the training's
/// `FoldInParams`, YᵀY of the published movie factors and, optionally, the
/// users' factors for folding new ratings in on top of a known user.
///
/// Skipped (with a log line) when the factors carry no training record to read
/// λ, α and the mode from, e.g. factors produced elsewhere: a fold-in with
/// guessed parameters would not be the row training produces.
enum FoldInSections {
    /// The ALS parameters recorded in a factors file's metadata, or nil.
    static func trainingParams(_ metadataJSON: String) -> ALSParams? {
        struct Record: Decodable { var params: ALSParams }
        return try? JSONText.decode(Record.self, from: metadataJSON).params
    }

    static func add(
        to contents: inout ReleaseContents, factors: ModelFactors, aligned: FactorAlignment,
        options: ReleaseOptions
    ) {
        guard options.foldIn else { return }
        guard let params = trainingParams(factors.metadataJSON), params.lambda > 0 else {
            Console.info(
                "publish",
                "fold-in: the model records no ALS parameters with lambda > 0; the release gets no fold-in sections (POST /v1/recommendations answers 404)"
            )
            return
        }
        let rank = contents.rank
        contents.foldInParams = FoldInParams(params).section
        contents.foldInGram = FoldInModel.gram(
            of: contents.movieFactors, rows: contents.movieCount, rank: rank,
            threads: options.threads)
        if options.foldInUsers {
            var users = [Float](repeating: 0, count: contents.userCount * rank)
            for (q, row) in aligned.queryUserRows.enumerated() {
                let r = Int(row)
                users.replaceSubrange(r * rank..<(r + 1) * rank, with: aligned.queryFactors[q * rank..<(q + 1) * rank])
            }
            contents.foldInUsers = users
        }
        let bytes = 4 * (contents.foldInGram.count + contents.foldInUsers.count + 4)
        Console.info(
            "publish",
            "fold-in: \(params.mode.rawValue) ALS, lambda \(params.lambda), alpha \(params.alpha); sections add \(Console.count(bytes)) bytes\(options.foldInUsers ? " (user factors included)" : "")"
        )
    }
}
