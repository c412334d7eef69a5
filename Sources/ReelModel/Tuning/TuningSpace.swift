import ReelCore

/// One point of the implicit-ALS search space (iterations are the search's
/// resource: every point is trained to each rung's iteration count in turn).
public struct TuningPoint: Sendable, Codable, Equatable, Hashable {
    public var rank: Int
    public var lambda: Float
    public var alpha: Float
    public var confidence: ALSParams.Confidence
    public var recencyHalfLifeDays: Double

    public init(rank: Int, lambda: Float, alpha: Float, confidence: ALSParams.Confidence, recencyHalfLifeDays: Double) {
        self.rank = rank
        self.lambda = lambda
        self.alpha = alpha
        self.confidence = confidence
        self.recencyHalfLifeDays = recencyHalfLifeDays
    }

    /// The point of a configured parameter set.
    public init(_ p: ALSParams) {
        self.init(rank: p.rank, lambda: p.lambda, alpha: p.alpha, confidence: p.confidence, recencyHalfLifeDays: p.recencyHalfLifeDays)
    }

    /// `base` with this point's values and `iterations`.
    public func params(_ base: ALSParams, iterations: Int) -> ALSParams {
        base.overriding(
            rank: rank, lambda: lambda, alpha: alpha, iterations: iterations,
            confidence: confidence, recencyHalfLifeDays: recencyHalfLifeDays)
    }

    public var summary: String {
        "rank \(rank), λ \(lambda), α \(alpha), \(confidence.rawValue)" + (recencyHalfLifeDays > 0 ? ", half-life \(Int(recencyHalfLifeDays)) d" : "")
    }
}

/// The values `reel tune` draws from (docs/model.md, "Tuning"). Grids rather
/// than continuous ranges: a few well-spread values per knob cover what
/// matters (λ and α move NDCG on a log scale) and keep the record readable.
public enum TuningSpace {
    public static let ranks = [32, 48, 64, 96, 128]
    /// Unscaled implicit λ; with confidence ≈ rating the best values on real
    /// MovieLens sit far above the `implicit` library's 0.01 (field notes).
    public static let lambdas: [Float] = [2, 5, 10, 20, 50, 100, 200]
    public static let alphas: [Float] = [0.25, 0.5, 1, 2, 4]
    public static let confidences = ALSParams.Confidence.allCases
    public static let halfLives: [Double] = [0, 30, 90, 365, 1095]

    /// Number of distinct points in the space.
    public static var size: Int { ranks.count * lambdas.count * alphas.count * confidences.count * halfLives.count }

    /// `count` distinct points: `first` (the configured parameters), its
    /// neighbours, and uniform draws without repetition from `seed`. Same seed,
    /// same list. Knobs whose setting key is in `pinned` (`model.rank`, …) keep
    /// `first`'s value.
    ///
    /// Why neighbours: a 3x budget trains about eight points at rung 0, and
    /// eight uniform draws from a 2,625-point space rarely land near a good
    /// configuration. The configured point is a sensible one, so the points
    /// one knob away from it (λ first: it moves NDCG most) are the likeliest
    /// improvements; they alternate with random draws, which keep the search
    /// able to leave the neighbourhood when the data call for it.
    public static func sample(count: Int, seed: UInt64, first: TuningPoint, pinned: Set<String> = []) -> [TuningPoint] {
        var g = SplitMix64(seed: seed)
        var seen: Set<TuningPoint> = [first]
        var out = [first]
        let n = min(count, size + 1)
        func pinnedKnobs(_ q: TuningPoint) -> TuningPoint {
            var p = q
            if pinned.contains("model.rank") { p.rank = first.rank }
            if pinned.contains("model.implicit_lambda") { p.lambda = first.lambda }
            if pinned.contains("model.alpha") { p.alpha = first.alpha }
            if pinned.contains("model.confidence") { p.confidence = first.confidence }
            if pinned.contains("model.recency_half_life_days") { p.recencyHalfLifeDays = first.recencyHalfLifeDays }
            return p
        }
        var attempts = 0
        func randomPoint() -> TuningPoint? {
            while attempts < 100 * n {
                attempts += 1
                func pick<T>(_ a: [T]) -> T { a[Int(g.next() % UInt64(a.count))] }
                let p = pinnedKnobs(
                    TuningPoint(
                        rank: pick(ranks), lambda: pick(lambdas), alpha: pick(alphas),
                        confidence: pick(confidences), recencyHalfLifeDays: pick(halfLives)))
                if !seen.contains(p) { return p }
            }
            return nil
        }
        var near = neighbours(of: first).map(pinnedKnobs).filter { seen.insert($0).inserted }
        // The two λ neighbours first, then a random draw and a neighbour in turn.
        var takeNeighbour = true
        while out.count < n {
            let fromNeighbours = !near.isEmpty && (out.count < 3 || takeNeighbour)
            if fromNeighbours {
                out.append(near.removeFirst())
            } else if let p = randomPoint() {
                seen.insert(p)
                out.append(p)
            } else if !near.isEmpty {
                out.append(near.removeFirst())
            } else {
                break
            }
            if out.count >= 3 { takeNeighbour.toggle() }
        }
        return out
    }

    /// The points one knob away from `p`, most influential knob first: λ two
    /// grid steps up and down, the other confidence transforms, rank and α two
    /// steps either way, then a recency half-life.
    static func neighbours(of p: TuningPoint) -> [TuningPoint] {
        func steps<T: Comparable>(_ grid: [T], _ value: T) -> [T] {
            let i = grid.firstIndex { $0 >= value } ?? grid.count - 1
            return [i + 2, i - 2].filter { grid.indices.contains($0) }.map { grid[$0] }
        }
        var out: [TuningPoint] = []
        for v in steps(lambdas, p.lambda) { var q = p; q.lambda = v; out.append(q) }
        for c in confidences where c != p.confidence { var q = p; q.confidence = c; out.append(q) }
        for v in steps(ranks, p.rank) { var q = p; q.rank = v; out.append(q) }
        for v in steps(alphas, p.alpha) { var q = p; q.alpha = v; out.append(q) }
        for v in steps(halfLives, p.recencyHalfLifeDays) { var q = p; q.recencyHalfLifeDays = v; out.append(q) }
        return out
    }
}
