import ReelCore
import ReelModel
import ReelSettings

/// When the nightly job tunes (docs/model.md, "Tuning"): never tuned yet,
/// silver grew by more than `growth` since the last tuning, or the last
/// tuning is `maxAgeDays` old; `reel nightly --tune` forces it and
/// `tuning.nightly = false` leaves tuning to `reel tune` alone.
public struct TuningSchedule: Sendable, Equatable {
    public var enabled: Bool
    /// Fraction of new ratings that makes the last choice stale (0.1 = 10%).
    public var growth: Double
    /// Age in days after which the nightly tunes again (0: no age rule).
    public var maxAgeDays: Int

    public init(enabled: Bool = true, growth: Double = 0.1, maxAgeDays: Int = 7) {
        self.enabled = enabled
        self.growth = growth
        self.maxAgeDays = maxAgeDays
    }

    public init(config: ReelConfig) {
        self.init(
            enabled: config.bool(.tuningNightly), growth: config.double(.tuningGrowth),
            maxAgeDays: config.int(.tuningMaxAgeDays))
    }

    public struct Decision: Sendable, Equatable {
        public var due: Bool
        public var reason: String
    }

    /// Whether to tune now, given the last record, silver's rating count and the time.
    public func decide(last: TuningRecord?, ratings: Int, now: Int64, forced: Bool) -> Decision {
        if forced { return Decision(due: true, reason: "forced (--tune)") }
        guard enabled else { return Decision(due: false, reason: "tuning.nightly = false; `reel tune` or `reel nightly --tune` tunes") }
        guard let last else { return Decision(due: true, reason: "never tuned") }
        let grown = last.silverRatings > 0 ? Double(ratings - last.silverRatings) / Double(last.silverRatings) : 1
        let ageDays = Double(now - last.createdAtSeconds) / 86_400
        let facts =
            "last tuned \(last.createdAt) on \(Console.count(last.silverRatings)) ratings; silver has \(Console.count(ratings)) (\(grown >= 0 ? "+" : "")\(Console.fixed(100 * grown, 1))%)"
        if grown > growth {
            return Decision(due: true, reason: "data grew by more than \(Console.fixed(100 * growth, 0))%: " + facts)
        }
        if maxAgeDays > 0 && ageDays >= Double(maxAgeDays) {
            return Decision(due: true, reason: "last tuning is \(Console.fixed(ageDays, 1)) days old (≥ \(maxAgeDays)): " + facts)
        }
        return Decision(due: false, reason: "not due: " + facts + ", \(Console.fixed(ageDays, 1)) days ago")
    }
}
