import ReelCore

/// One recommender's scores on the split.
public struct ModeResult: Sendable, Codable, Equatable {
    /// `explicit-als`, `implicit-als`, `hybrid`, `popular`, `trending-7d`, `trending-30d`.
    public var mode: String
    /// What the mode is, for the table and the run record.
    public var summary: String
    /// Rating prediction error on every test rating (rating predictors only).
    public var rmse: Double?
    public var mae: Double?
    public var precision: Double
    public var recall: Double
    public var ndcg: Double
    public var map: Double
    /// Distinct recommended movies ÷ catalog movies (movies with a training rating).
    public var coverage: Double
    /// Wall time to train (when it trains) and rank.
    public var seconds: Double

    public init(mode: String, summary: String, rmse: Double?, mae: Double?, precision: Double, recall: Double,
                ndcg: Double, map: Double, coverage: Double, seconds: Double) {
        self.mode = mode
        self.summary = summary
        self.rmse = rmse
        self.mae = mae
        self.precision = precision
        self.recall = recall
        self.ndcg = ndcg
        self.map = map
        self.coverage = coverage
        self.seconds = seconds
    }
}

/// What the split held.
public struct SplitSummary: Sendable, Codable, Equatable {
    public var split: String
    public var cutTime: Int64
    public var cutTimeISO: String
    public var trainRatings: Int
    public var testRatings: Int
    /// Test ratings dropped because their user or movie is not in train.
    public var droppedColdTestRatings: Int
    public var relevantTestRatings: Int
    /// Users with at least one relevant test rating: the ranking metrics' population.
    public var evaluatedUsers: Int
    public var catalogMovies: Int
}

/// The result of `Evaluation.run`: every mode side by side on one split.
/// Lands in `evaluation.json` and the run record; the nightly quality gate
/// reads `defaultMode`'s NDCG@k.
public struct EvaluationReport: Sendable, Codable, Equatable {
    public var params: EvaluationParams
    public var split: SplitSummary
    public var results: [ModeResult]
    /// The mode UC1 serves by default: `hybrid` when the blend search chose a
    /// blend other than the model's own order, else `implicit-als`.
    public var defaultMode: String
    public var createdAt: String
    /// How the served blend was chosen (nil in reports from before the blend search).
    public var blend: BlendChoice?

    public init(params: EvaluationParams, split: SplitSummary, results: [ModeResult], defaultMode: String,
                createdAt: String, blend: BlendChoice?) {
        self.params = params
        self.split = split
        self.results = results
        self.defaultMode = defaultMode
        self.createdAt = createdAt
        self.blend = blend
    }

    /// The blend UC1 serves, when the evaluation chose one (the model's own order is none).
    public var servedBlend: ServingBlend? {
        guard defaultMode == "hybrid", let chosen = blend?.chosen, !chosen.isPureModel else { return nil }
        return chosen
    }

    public func result(_ mode: String) -> ModeResult? { results.first { $0.mode == mode } }

    /// NDCG@k of the default mode (the quality gate's number).
    public var ndcg: Double { result(defaultMode)?.ndcg ?? 0 }

    public func json() -> String { JSONText.encode(self) }

    /// The side-by-side table printed by `reel evaluate`.
    public func table() -> String {
        let k = params.k
        let header = ["mode", "RMSE", "MAE", "P@\(k)", "R@\(k)", "NDCG@\(k)", "MAP@\(k)", "coverage", "time"]
        var rows = [header]
        let bestNDCG = results.map(\.ndcg).max() ?? 0
        for r in results {
            func opt(_ x: Double?) -> String { x.map { Console.fixed($0, 4) } ?? "-" }
            rows.append([r.mode + (r.mode == defaultMode ? " *" : ""), opt(r.rmse), opt(r.mae),
                         Console.fixed(r.precision, 4), Console.fixed(r.recall, 4),
                         Console.fixed(r.ndcg, 4) + (r.ndcg == bestNDCG ? "+" : " "),
                         Console.fixed(r.map, 4), Console.fixed(r.coverage, 3), Console.duration(r.seconds)])
        }
        let widths = (0..<header.count).map { c in rows.map { $0[c].count }.max() ?? 0 }
        var out = ""
        for row in rows {
            for (c, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                out += c == 0 ? cell + pad : "  " + pad + cell
            }
            out += "\n"
        }
        let s = split
        out += "\n\(s.split) split at \(s.cutTimeISO): \(Console.count(s.trainRatings)) train / \(Console.count(s.testRatings)) test ratings "
        out += "(\(Console.count(s.droppedColdTestRatings)) cold dropped), \(Console.count(s.evaluatedUsers)) users with a relevant test movie (rating ≥ \(Console.fixed(Double(params.relevantThreshold), 1))), "
        out += "\(Console.count(s.catalogMovies)) catalog movies.\n* = default (UC1) mode, + = best NDCG@\(k).\n"
        if let b = blend {
            let w = b.chosen.weights
            out += "Blend (chosen on a validation split at \(b.validationCut), \(Console.count(b.validationUsers)) users, \(b.grid.count) points): "
            out += "model \(w.model), trending \(b.chosen.window.label) \(w.trending), diversity \(w.diversity); "
            out += "validation NDCG@\(k) \(Console.fixed(b.validationNDCG, 4)) vs \(Console.fixed(b.modelOnlyNDCG, 4)) for the model's order "
            out += "(best point's paired t \(Console.fixed(min(b.gainT, 999), 2))).\n"
            if let note = b.note { out += "Blend note: \(note)\n" }
        }
        return out
    }
}
