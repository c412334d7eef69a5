import ReelCore

/// What solving one new user's ALS row needs besides the movie factors: the
/// confidence rule and the regularisation the model was trained with, so a
/// folded-in user is the row training would have produced for those ratings.
///
/// Stored in a release as four floats (`ReleaseFormat.Section.foldInParams`):
/// `[rule, lambda, alpha, 0]`.
public struct FoldInParams: Sendable, Equatable {
    /// How ratings enter the row's normal equations (see `RowSystem`).
    public enum Rule: Int, Sendable, CaseIterable {
        /// Implicit ALS (Hu–Koren–Volinsky), Spark's convention: confidence
        /// c = 1 + α·r, preference 1; the unobserved movies enter through YᵀY.
        case implicitConfidence = 0
        /// Explicit ALS-WR: target r, λ scaled by the row's rating count.
        case explicitWeighted = 1
    }

    public var rule: Rule
    public var lambda: Float
    public var alpha: Float

    public init(rule: Rule, lambda: Float, alpha: Float) {
        self.rule = rule
        self.lambda = lambda
        self.alpha = alpha
    }

    /// The release section.
    public var section: [Float] { [Float(rule.rawValue), lambda, alpha, 0] }

    /// Reads the release section; nil names what is wrong with it.
    public static func parse(_ s: UnsafeBufferPointer<Float>) -> Result<FoldInParams, FoldInParamsProblem> {
        guard s.count == 4 else { return .failure(FoldInParamsProblem(detail: "holds \(s.count) floats, not 4")) }
        guard let rule = Rule.allCases.first(where: { Float($0.rawValue) == s[0] }) else {
            return .failure(FoldInParamsProblem(detail: "rule \(s[0]) is neither 0 (implicit) nor 1 (explicit)"))
        }
        guard s[1].isFinite, s[1] > 0, s[2].isFinite, s[2] >= 0, s[3] == 0 else {
            return .failure(FoldInParamsProblem(detail: "lambda \(s[1]) must be finite and > 0, alpha \(s[2]) finite and ≥ 0, the reserved float 0"))
        }
        return .success(FoldInParams(rule: rule, lambda: s[1], alpha: s[2]))
    }

    /// The normal equations of a row with these ratings (`RowSystem`'s weights).
    func system(
        gram: UnsafePointer<Float>, factors: UnsafePointer<Float>, rows: UnsafePointer<Int32>,
        values: UnsafePointer<Float>, count: Int
    ) -> RowSystem {
        let implicit = rule == .implicitConfidence
        return RowSystem(
            gram: implicit ? gram : nil, diagonal: implicit ? lambda : lambda * Float(count),
            factors: factors, rows: rows, values: values, count: count,
            wScale: implicit ? alpha : 0, wBias: implicit ? 0 : 1,
            tScale: implicit ? alpha : 1, tBias: implicit ? 1 : 0)
    }
}

/// Why a stored `foldInParams` section is refused.
public struct FoldInParamsProblem: Error, Sendable {
    public var detail: String
}
