import ReelCore

/// How an interaction counts towards trending, and how it decays.
///
/// Contract (docs/01_data_contracts.md, UC2): an event at time t inside window
/// W ending at T contributes `weight × 2^(−(T − t) / halfLife(W))`, with the
/// half-life a quarter of the window (6 h for 24h, 42 h for 7d, 7.5 d for 30d),
/// so the newest activity dominates but the whole window still counts.
/// Weights: rating 1.0 (also the bronze ratings), click 0.5, view 0.2.
public struct PopularityRules: Sendable, Equatable {
    public var ratingWeight: Float = 1.0
    public var clickWeight: Float = 0.5
    public var viewWeight: Float = 0.2
    /// Half-life as a fraction of the window length.
    public var halfLifeFraction: Double = 0.25

    public init() {}

    public func halfLife(_ window: TrendingWindow) -> Double {
        Double(window.seconds) * halfLifeFraction
    }
}

/// Accumulates decayed per-movie popularity for every trending window.
/// Used by the ETL (silver popularity), by the evaluation (popularity as of
/// the split time) and by event ingest, so all three agree.
public struct PopularityAccumulator: Sendable {
    public let movieCount: Int
    public let endTime: Int64
    public let rules: PopularityRules
    public private(set) var scores: [Float]
    public private(set) var counts: [Int32]
    private let inverseHalfLives: [Double]

    public init(movieCount: Int, endTime: Int64, rules: PopularityRules = PopularityRules()) {
        self.movieCount = movieCount
        self.endTime = endTime
        self.rules = rules
        let windows = TrendingWindow.allCases.count
        scores = [Float](repeating: 0, count: windows * movieCount)
        counts = [Int32](repeating: 0, count: windows * movieCount)
        inverseHalfLives = TrendingWindow.allCases.map { 1 / rules.halfLife($0) }
    }

    /// Adds one event of `weight` for movie row `movie` at time `time`.
    /// Events after `endTime` or outside a window are ignored for that window.
    public mutating func add(movie: Int, time: Int64, weight: Float) {
        let age = endTime - time
        guard age >= 0 else { return }
        for w in TrendingWindow.allCases where age < w.seconds {
            let decay = Float(_exp2(-Double(age) * inverseHalfLives[w.rawValue]))
            scores[w.rawValue * movieCount + movie] += weight * decay
            counts[w.rawValue * movieCount + movie] += 1
        }
    }

    public var result: SilverPopularity {
        SilverPopularity(endTime: endTime, scores: scores, counts: counts)
    }
}

#if canImport(Glibc)
import Glibc
func _exp2(_ x: Double) -> Double { Glibc.exp2(x) }
#endif
