import ReelCore
#if canImport(Glibc)
import Glibc
#endif

/// The mean of paired per-user differences `a − b` with its 95% confidence
/// interval — how the report says whether one list is *really* better than
/// another on the same users, not just by a little on average.
///
/// Pairing matters: two strong lists' NDCG@10 vary a lot from user to user but
/// together, so the spread of the differences (not of each list) decides. The
/// interval is mean ± t₀.₉₇₅,ₙ₋₁ · s / √n with s the sample standard deviation
/// of the differences (Student's t; the normal 1.96 from a few hundred users on).
public struct PairedCI: Sendable, Codable, Equatable {
    /// mean(a − b).
    public var mean: Double
    /// The 95% interval of the mean difference.
    public var low: Double
    public var high: Double
    /// Paired users.
    public var users: Int
    /// mean / mean(b): the difference relative to the reference list (nil when mean(b) is 0).
    public var relative: Double?

    public init(mean: Double, low: Double, high: Double, users: Int, relative: Double?) {
        self.mean = mean
        self.low = low
        self.high = high
        self.users = users
        self.relative = relative
    }

    /// True when the interval excludes 0: `a` is better (mean > 0) or worse.
    public var isSignificant: Bool { low > 0 || high < 0 }

    /// The paired interval of `a − b` (same users in the same order).
    /// Fewer than two users give a zero-width interval at the mean.
    /// - Parameter comparisons: when the pair was picked as the best of this
    ///   many, the interval is widened by Bonferroni (coverage 1 − 0.05/m, from
    ///   the normal quantile) so that picking the luckiest does not pass for a gain.
    public static func of<A: Collection, B: Collection>(_ a: A, _ b: B, comparisons: Int = 1) -> PairedCI
    where A.Element == Double, B.Element == Double {
        precondition(a.count == b.count, "paired samples differ in length")
        let n = a.count
        guard n > 0 else { return PairedCI(mean: 0, low: 0, high: 0, users: 0, relative: nil) }
        var sumD = 0.0, sumB = 0.0
        for (x, y) in zip(a, b) { sumD += x - y; sumB += y }
        let mean = sumD / Double(n)
        let meanB = sumB / Double(n)
        let relative = meanB != 0 ? mean / meanB : nil
        guard n > 1 else { return PairedCI(mean: mean, low: mean, high: mean, users: n, relative: relative) }
        var squares = 0.0
        for (x, y) in zip(a, b) { let d = x - y - mean; squares += d * d }
        let critical =
            comparisons > 1
            ? max(studentT975(degreesOfFreedom: n - 1), normalQuantile(1 - 0.025 / Double(comparisons)))
            : studentT975(degreesOfFreedom: n - 1)
        let half = critical * (squares / Double(n - 1) / Double(n)).squareRoot()
        return PairedCI(mean: mean, low: mean - half, high: mean + half, users: n, relative: relative)
    }

    /// The 0.975 quantile of Student's t: exact table values up to 30 degrees
    /// of freedom, then the Cornish–Fisher expansion around the normal 1.95996
    /// (error < 1e-4 from 30 on).
    static func studentT975(degreesOfFreedom df: Int) -> Double {
        precondition(df >= 1)
        if df <= table.count { return table[df - 1] }
        let z = 1.959963984540054, v = Double(df)
        let z3 = z * z * z, z5 = z3 * z * z
        return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v)
    }

    /// Φ⁻¹(p) for p in (0.5, 1) (Abramowitz & Stegun 26.2.23, error < 4.5e-4).
    static func normalQuantile(_ p: Double) -> Double {
        precondition(p > 0.5 && p < 1)
        let t = (-2 * log(1 - p)).squareRoot()
        return t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t)
    }

    private static let table: [Double] = [
        12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
        2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
        2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
    ]

    /// "+0.0123 [+0.0051, +0.0195]" for tables.
    public var text: String {
        func s(_ x: Double) -> String { (x >= 0 ? "+" : "") + Console.fixed(x, 4) }
        return "\(s(mean)) [\(s(low)), \(s(high))]"
    }
}
