import ReelCore
import ReelSilver
import ReelServing

/// One candidate's validation scores, for the report.
public struct CandidateScore: Sendable, Codable, Equatable {
    /// Unique label (`ServingCandidate.label`) and canonical list name.
    public var label: String
    public var name: String
    public var family: String
    public var ndcg: Double
    public var recall: Double
    public var precision: Double
    public var map: Double
    public var coverage: Double
    /// Paired CI of NDCG@k: this candidate − the best candidate (nil for the best itself).
    public var vsBest: PairedCI?
}

/// What UC1 serves and why: chosen every run on a validation split carved
/// from the training data (docs/model.md, "What is served and why").
public struct CandidateChoice: Sendable, Codable, Equatable {
    public var validation: ValidationInfo
    /// Every candidate's validation scores, in grid order (simplest family first).
    public var candidates: [CandidateScore]
    /// The candidate with the best validation NDCG@k.
    public var best: String
    /// The served candidate and its label.
    public var chosen: ServingCandidate
    public var chosenLabel: String
    /// One sentence: why this candidate is served.
    public var reason: String
    /// True when `serving.pin` chose, not the rule; `autoChoice` is what the rule would have served.
    public var pinned: Bool
    public var autoChoice: String?
    /// True when a baseline (popular, trending-*) is served: the model did not
    /// beat it on validation. Exported as `reel_quality_serving_baseline`.
    public var servingBaseline: Bool
    /// Validation NDCG@k of the model's own order minus the best baseline's, when both were scored.
    public var modelVsBestBaseline: PairedCI?
}

/// Chooses the served candidate on validation: score every candidate of
/// `CandidateGrid` (plus activity blends built from the blends' per-user
/// scores), then apply the adoption rule (`adopt`).
enum CandidateSelection {
    struct Outcome {
        let choice: CandidateChoice
        /// The model trained on the validation split's training part (a warm start for the test model).
        let model: ModelFactors?
    }

    static func choose(train: SilverRatings, genres: [UInt32], params: EvaluationParams) throws -> Outcome {
        let configured = ServingBlend(weights: params.hybrid, window: params.window)
        let pin = try params.pinnedCandidate()
        let carved: ValidationCarve.Carved
        do {
            carved = try ValidationCarve.carve(train, params: params)
        } catch {
            let chosen = pin ?? .model
            let note =
                "no validation split could be carved from the training data (\((error as? ReelError)?.message ?? "\(error)")); serving \(pin == nil ? "the model's order" : "the pinned \(chosen.label)")"
            Console.warn("evaluate", note)
            return Outcome(
                choice: CandidateChoice(
                    validation: ValidationInfo(rule: "none", cut: "", trainRatings: 0, users: 0, scoredUsers: 0, note: note),
                    candidates: [], best: chosen.label, chosen: chosen, chosenLabel: chosen.label,
                    reason: note, pinned: pin != nil, autoChoice: nil,
                    servingBaseline: chosen.family.isBaseline, modelVsBestBaseline: nil),
                model: nil)
        }
        let users = carved.users, split = carved.split, k = params.k
        var grid = CandidateGrid.candidates(tune: params.tuneBlend, configured: configured, itemBased: params.itemKNN)
        if let pin, !grid.contains(pin) { grid.insert(pin, at: grid.firstIndex { $0.family > pin.family } ?? grid.count) }
        Console.info(
            "evaluate",
            "validation: \(carved.info.rule) at \(carved.info.cut), \(Console.count(split.train.ratingCount)) ratings, \(Console.count(users.count)) of \(Console.count(users.totalCount)) users; \(grid.count) candidates"
        )

        let model = try ALS.train(split.train, params: params.implicit, log: { _ in })
        let width = params.hybridCandidates
        let lists = users.modelLists(model, k: width, threads: params.implicit.threads)
        let context = CandidateContext(
            ratings: split.train, users: users.rows,
            popularity: Evaluation.popularity(of: split.train, at: split.cutTime),
            genres: genres, model: (lists.movies, lists.scores, width), threads: params.implicit.threads)
        var scored = CandidateScoring.score(grid, context: context, users: users, k: k)
        if params.tuneBlend { scored += activityBlends(scored, context: context, users: users, k: k) }

        let (auto, reason) = adopt(scored)
        var chosenIndex = auto
        var why = reason
        if let pin {
            chosenIndex = scored.firstIndex { $0.candidate == pin }!
            why = "pinned by serving.pin = \(params.pin); the rule would serve \(scored[auto].candidate.label) (\(reason))"
        }
        let best = bestIndex(scored)
        let chosen = scored[chosenIndex].candidate
        let catalog = users.catalog.count
        let scores = scored.enumerated().map { i, s in
            let m = s.mean
            return CandidateScore(
                label: s.candidate.label, name: s.candidate.name, family: "\(s.candidate.family)",
                ndcg: m.ndcg, recall: m.recall, precision: m.precision, map: m.averagePrecision, coverage: s.coverage,
                vsBest: i == best ? nil : PairedCI.of(s.ndcg, scored[best].ndcg))
        }
        _ = catalog
        let baselineBest = scored.indices.filter { scored[$0].candidate.family.isBaseline }.max { scored[$0].mean.ndcg < scored[$1].mean.ndcg }
        let modelIndex = scored.firstIndex { $0.candidate == .model }
        let modelVsBaseline = baselineBest.flatMap { b in modelIndex.map { PairedCI.of(scored[$0].ndcg, scored[b].ndcg) } }
        Console.info("evaluate", "serving \(chosen.label): \(why)")
        return Outcome(
            choice: CandidateChoice(
                validation: carved.info, candidates: scores, best: scored[best].candidate.label,
                chosen: chosen, chosenLabel: chosen.label, reason: why, pinned: pin != nil,
                autoChoice: pin == nil ? nil : scored[auto].candidate.label,
                servingBaseline: chosen.family.isBaseline, modelVsBestBaseline: modelVsBaseline),
            model: model)
    }

    /// The best validation NDCG@k; ties go to the simpler family, then to the earlier candidate.
    static func bestIndex(_ scored: [ScoredCandidate]) -> Int {
        var best = 0
        for i in scored.indices.dropFirst() {
            let a = scored[i].mean.ndcg, b = scored[best].mean.ndcg
            if a > b || (a == b && scored[i].candidate.family < scored[best].candidate.family) { best = i }
        }
        return best
    }

    /// The adoption rule: take the candidate with the best validation NDCG@k,
    /// then walk the families from the simplest (popular < trending < model <
    /// blend < activity blend < item-based); the first family whose best
    /// candidate the paired 95% CI of (best − it) does not separate from the
    /// best — lower bound ≤ 0 — is served. So a more complex candidate is
    /// served only when it is significantly better than every simpler family.
    /// The CIs are Bonferroni-widened over the candidates scored: the best of
    /// ~80 noisy candidates always beats the model by a little, and at 95% one
    /// in twenty such gains is luck.
    static func adopt(_ scored: [ScoredCandidate]) -> (index: Int, reason: String) {
        let best = bestIndex(scored)
        let top = scored[best]
        let m = scored.count
        var beaten: [String] = []
        for family in CandidateFamily.allCases where family <= top.candidate.family {
            let members = scored.indices.filter { scored[$0].candidate.family == family }
            guard
                let c = members.max(by: { scored[$0].mean.ndcg < scored[$1].mean.ndcg || (scored[$0].mean.ndcg == scored[$1].mean.ndcg && $0 > $1) })
            else { continue }
            if c == best { break }
            let ci = PairedCI.of(top.ndcg, scored[c].ndcg, comparisons: m)
            if ci.low <= 0 {
                return (
                    c,
                    "\(top.candidate.label) has the best validation NDCG@10 (\(Console.fixed(top.mean.ndcg, 4))) but is no better than the simpler \(scored[c].candidate.label) (\(Console.fixed(scored[c].mean.ndcg, 4)); paired CI of the difference \(ci.text), Bonferroni over \(m) candidates, includes 0)"
                )
            }
            beaten.append("\(scored[c].candidate.label) by \(ci.text)")
        }
        let over = beaten.isEmpty ? "" : "; it beats " + beaten.joined(separator: ", ") + " (paired CIs of NDCG@10, Bonferroni over \(m) candidates)"
        return (best, "best validation NDCG@10 (\(Console.fixed(top.mean.ndcg, 4)))" + over)
    }

    /// Activity blends: for each window, diversity and threshold, the blend
    /// weight that scores best for the light users and the one for the heavy
    /// users (the model's order counts as weight 0), combined per user from the
    /// blends' own per-user scores — no list is computed twice. Only pairs
    /// whose two weights differ are new candidates.
    static func activityBlends(_ scored: [ScoredCandidate], context: CandidateContext, users: EvaluationUsers, k: Int) -> [ScoredCandidate] {
        let counts = users.rows.map { u in Int(context.ratings.userOffsets[Int(u) + 1] - context.ratings.userOffsets[Int(u)]) }
        guard let modelIndex = scored.firstIndex(where: { $0.candidate == .model }) else { return [] }
        var out: [ScoredCandidate] = []
        for window in TrendingWindow.allCases {
            for diversity in CandidateGrid.diversities {
                // Weight → scored index, with the model's order (or its diversity-only variant) as 0.
                var options: [(Float, Int)] = []
                for (i, s) in scored.enumerated() {
                    if case .blend(let b) = s.candidate, b.window == window, b.weights.diversity == diversity, b.weights.trending > 0 {
                        options.append((b.weights.trending, i))
                    }
                }
                guard !options.isEmpty else { continue }
                if diversity == 0 { options.insert((0, modelIndex), at: 0) }
                for threshold in CandidateGrid.activityThresholds {
                    let light = counts.indices.filter { counts[$0] <= threshold }
                    guard !light.isEmpty, light.count < counts.count else { continue }
                    let heavy = counts.indices.filter { counts[$0] > threshold }
                    func bestOption(_ group: [Int]) -> (Float, Int) {
                        options.max { a, b in
                            let x = group.reduce(0.0) { $0 + scored[a.1].ndcg[$1] }, y = group.reduce(0.0) { $0 + scored[b.1].ndcg[$1] }
                            return x < y || (x == y && a.0 > b.0)
                        }!
                    }
                    let (wl, il) = bestOption(light), (wh, ih) = bestOption(heavy)
                    guard wl != wh else { continue }
                    let candidate = ServingCandidate.activityBlend(
                        ActivityBlend(
                            window: window, threshold: threshold, lightTrending: wl,
                            heavyTrending: wh, diversity: diversity))
                    var lists = [Int32](repeating: -1, count: users.count * k)
                    for i in 0..<users.count {
                        let from = counts[i] <= threshold ? scored[il].lists : scored[ih].lists
                        for j in 0..<k { lists[i * k + j] = from[i * k + j] }
                    }
                    out.append(CandidateScoring.score(candidate, lists: lists, users: users, k: k, seconds: 0))
                }
            }
        }
        return out
    }
}
