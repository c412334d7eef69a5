import ReelCore
import ReelServing

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

    public init(
        mode: String, summary: String, rmse: Double?, mae: Double?, precision: Double, recall: Double,
        ndcg: Double, map: Double, coverage: Double, seconds: Double
    ) {
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

/// Paired CIs of one mode against one baseline on the test split.
public struct BaselineComparison: Sendable, Codable, Equatable {
    public var mode: String
    public var baseline: String
    /// Differences mode − baseline, per metric.
    public var metrics: MetricCIs
}

/// The result of `Evaluation.run`: every mode side by side on one split, with
/// paired CIs against every baseline and the validation choice of what is
/// served. Lands in `evaluation.json` and the run record; the nightly quality
/// gate reads `defaultMode`'s NDCG@k.
public struct EvaluationReport: Sendable, Codable, Equatable {
    public var params: EvaluationParams
    public var split: SplitSummary
    public var results: [ModeResult]
    /// The list UC1 serves by default: the chosen candidate's name
    /// (`implicit-als`, `hybrid`, `popular`, `trending-24h|7d|30d`).
    public var defaultMode: String
    public var createdAt: String
    /// What is served and why (nil in reports from before the candidate choice).
    public var choice: CandidateChoice?
    /// Every mode against every baseline: paired 95% CIs per metric (test split).
    public var comparisons: [BaselineComparison]
    /// The same evaluation under the other protocol (`reel evaluate --split both`).
    public var otherProtocols: [EvaluationReport]?

    public init(
        params: EvaluationParams, split: SplitSummary, results: [ModeResult], defaultMode: String,
        createdAt: String, choice: CandidateChoice?, comparisons: [BaselineComparison] = [],
        otherProtocols: [EvaluationReport]? = nil
    ) {
        self.params = params
        self.split = split
        self.results = results
        self.defaultMode = defaultMode
        self.createdAt = createdAt
        self.choice = choice
        self.comparisons = comparisons
        self.otherProtocols = otherProtocols
    }

    enum CodingKeys: String, CodingKey {
        case params, split, results, defaultMode, createdAt, choice, comparisons, otherProtocols
    }

    /// Reports from before the candidate choice have no `choice` and no `comparisons`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            params: try c.decode(EvaluationParams.self, forKey: .params), split: try c.decode(SplitSummary.self, forKey: .split),
            results: try c.decode([ModeResult].self, forKey: .results), defaultMode: try c.decode(String.self, forKey: .defaultMode),
            createdAt: try c.decode(String.self, forKey: .createdAt),
            choice: try c.decodeIfPresent(CandidateChoice.self, forKey: .choice),
            comparisons: try c.decodeIfPresent([BaselineComparison].self, forKey: .comparisons) ?? [],
            otherProtocols: try c.decodeIfPresent([EvaluationReport].self, forKey: .otherProtocols))
    }

    /// The candidate UC1 serves: the choice's, else the model's own order.
    public var servedCandidate: ServingCandidate { choice?.chosen ?? .model }

    /// The blend UC1 serves, when the served candidate is one blend for everyone.
    public var servedBlend: ServingBlend? {
        if case .blend(let b) = servedCandidate, !b.isPureModel { return b }
        return nil
    }

    /// True when a baseline is served because the model did not beat it.
    public var servingBaseline: Bool { servedCandidate.family.isBaseline }

    public func result(_ mode: String) -> ModeResult? { results.first { $0.mode == mode } }

    /// NDCG@k of the default mode (the quality gate's number).
    public var ndcg: Double { result(defaultMode)?.ndcg ?? 0 }

    public func json() -> String { JSONText.encode(self) }

    /// The report printed by `reel evaluate`: the modes side by side, the
    /// paired CIs against every baseline, and what is served and why.
    public func table() -> String {
        let k = params.k
        var out = "== \(split.split) split ==\n"
        let header = ["mode", "RMSE", "MAE", "P@\(k)", "R@\(k)", "NDCG@\(k)", "MAP@\(k)", "coverage", "time"]
        var rows = [header]
        let bestNDCG = results.map(\.ndcg).max() ?? 0
        for r in results {
            func opt(_ x: Double?) -> String { x.map { Console.fixed($0, 4) } ?? "-" }
            rows.append([
                r.mode + (r.mode == defaultMode ? " *" : ""), opt(r.rmse), opt(r.mae),
                Console.fixed(r.precision, 4), Console.fixed(r.recall, 4),
                Console.fixed(r.ndcg, 4) + (r.ndcg == bestNDCG ? "+" : " "),
                Console.fixed(r.map, 4), Console.fixed(r.coverage, 3), Console.duration(r.seconds),
            ])
        }
        out += Self.align(rows)
        let s = split
        out += "\n\(s.split) split at \(s.cutTimeISO): \(Console.count(s.trainRatings)) train / \(Console.count(s.testRatings)) test ratings "
        out +=
            "(\(Console.count(s.droppedColdTestRatings)) cold dropped), \(Console.count(s.evaluatedUsers)) users with a relevant test movie (rating ≥ \(Console.fixed(Double(params.relevantThreshold), 1))), "
        out += "\(Console.count(s.catalogMovies)) catalog movies.\n* = served by default (UC1), + = best NDCG@\(k).\n"
        if !comparisons.isEmpty {
            out += "\nPaired 95% CIs against every baseline (mode − baseline, test split):\n"
            var ci = [["mode", "baseline", "NDCG@\(k)", "R@\(k)", "P@\(k)", "MAP@\(k)", "coverage"]]
            for c in comparisons {
                let m = c.metrics
                ci.append([c.mode, c.baseline, m.ndcg.text, m.recall.text, m.precision.text, m.map.text, m.coverage.text])
            }
            out += Self.align(ci)
        }
        if let c = choice {
            out +=
                "\nServed: \(c.chosenLabel)\(c.pinned ? " (PINNED by serving.pin)" : "")\(c.servingBaseline ? " — a BASELINE: the model did not beat it on validation" : "").\n"
            out += "Why: \(c.reason).\n"
            let v = c.validation
            out +=
                "Validation: \(v.rule), cut \(v.cut), \(Console.count(v.trainRatings)) train ratings, \(Console.count(v.scoredUsers)) of \(Console.count(v.users)) users scored, \(c.candidates.count) candidates.\n"
            if let note = v.note { out += "Validation note: \(note)\n" }
            if let m = c.modelVsBestBaseline { out += "Model's order − best baseline on validation (NDCG@\(k)): \(m.text)\n" }
            // The best of each family, and the served candidate.
            var shown: [CandidateScore] = []
            for family in Set(c.candidates.map(\.family)) {
                if let top = c.candidates.filter({ $0.family == family }).max(by: { $0.ndcg < $1.ndcg }) { shown.append(top) }
            }
            if let served = c.candidates.first(where: { $0.label == c.chosenLabel }), !shown.contains(served) { shown.append(served) }
            shown.sort { $0.ndcg > $1.ndcg }
            var vrows = [["candidate (best of each family)", "family", "NDCG@\(k)", "R@\(k)", "coverage", "− best (95% CI)"]]
            for x in shown {
                vrows.append([
                    x.label + (x.label == c.chosenLabel ? " *" : ""), x.family, Console.fixed(x.ndcg, 4), Console.fixed(x.recall, 4),
                    Console.fixed(x.coverage, 3), x.vsBest?.text ?? "best",
                ])
            }
            out += Self.align(vrows)
        }
        for other in otherProtocols ?? [] { out += "\n" + other.table() }
        return out
    }

    static func align(_ rows: [[String]]) -> String {
        guard let n = rows.map(\.count).max() else { return "" }
        var widths = [Int](repeating: 0, count: n)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        var out = ""
        for row in rows {
            for (c, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                out += c == 0 ? cell + pad : "  " + pad + cell
            }
            out += "\n"
        }
        return out
    }
}
