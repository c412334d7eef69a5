import ReelCore
import ReelSilver

/// How much search `reel tune` may do.
///
/// `multiple` (the default, `--budget 3x`) counts *work*, not seconds: each
/// trial's cost is estimated from its rank, iterations and the ratings it
/// trains on (`WorkModel`), in units of one training run of the configured
/// parameters on all of silver. Counting work keeps the search deterministic
/// for a seed — the same trials run on a quiet or a busy machine — and bounds
/// its time by the same multiple of a training run. `seconds` (`--budget 300s`)
/// stops on the clock instead, which is not deterministic.
public enum TuningBudget: Sendable, Equatable, CustomStringConvertible {
    case multiple(Double)
    case seconds(Double)

    /// Parses `3x`, `3` (a multiple of one training run) or `300s`.
    public init(parsing text: String) throws {
        let t = text.lowercased()
        let bad = ReelError(.usage, "budget '\(text)' is not a multiple of one training run (e.g. 3x) or seconds (e.g. 300s)")
        if t.hasSuffix("s") {
            guard let v = Double(t.dropLast()), v.isFinite, v > 0 else { throw bad }
            self = .seconds(v)
        } else {
            guard let v = Double(t.hasSuffix("x") ? String(t.dropLast()) : t), v.isFinite, v > 0 else { throw bad }
            self = .multiple(v)
        }
    }

    public var description: String {
        switch self {
        case .multiple(let m): return "\(Console.fixed(m, 2))x"
        case .seconds(let s): return "\(Console.fixed(s, 0))s"
        }
    }
}

/// Estimated floating-point work of implicit ALS with the CG solver, used to
/// plan and bound the search. Per iteration and side: the Gram matrix
/// (rows·r²), per row `cgSteps + 1` products with it (r² each) and per rating
/// the right-hand side plus two vector operations per CG step (r each); the
/// loss adds one Gram matrix and one pass over the ratings.
public struct WorkModel: Sendable {
    public let cgSteps: Int

    public init(cgSteps: Int) { self.cgSteps = cgSteps }

    public func iteration(rank: Int, ratings: Int, rows: Int) -> Double {
        let r = Double(rank), s = Double(cgSteps)
        return Double(rows) * r * r * (s + 3) + Double(ratings) * r * (4 * s + 7)
    }

    /// Top-k scoring of `users` against `movies`.
    public func scoring(rank: Int, users: Int, movies: Int) -> Double {
        Double(users) * Double(movies) * Double(rank)
    }
}
