import ReelCore
import ReelSilver

/// What the validation split was and how it was made, for the report.
public struct ValidationInfo: Sendable, Codable, Equatable {
    /// The rule that made it, e.g. `temporal 0.8 of train` or `leave-last-5 of train`.
    public var rule: String
    /// The validation cut (temporal) or the newest validation-train time (leave-last-n).
    public var cut: String
    public var trainRatings: Int
    /// Users with a relevant validation rating.
    public var users: Int
    /// Users the candidates were scored on (a seeded sample when `users` is larger than `EvaluationParams.validationUsers`).
    public var scoredUsers: Int
    /// Set when the first rule left too few users and the split was widened or fell back to the per-user rule,
    /// or when even the last rule is small (the choice is then noisy).
    public var note: String?
}

/// Carves the validation split out of the training data by the same rule as
/// the test split, widening it (temporal: an earlier cut) and finally falling
/// back to the per-user rule when it holds too few users to decide.
enum ValidationCarve {
    struct Carved {
        let split: EvaluationSplit
        let users: EvaluationUsers
        let info: ValidationInfo
    }

    /// Below `params.minValidationUsers` (500) users with a relevant validation rating,
    /// paired CIs between strong lists are wider than the differences that matter
    /// (field notes: ±0.01 NDCG@10 at ~900 users).
    static func carve(_ train: SilverRatings, params: EvaluationParams) throws -> Carved {
        let minimumUsers = params.minValidationUsers
        var attempts: [(EvaluationParams, String)] = []
        switch params.split {
        case .temporal:
            // The same quantile of the training period first, then later... earlier cuts.
            for fraction in [params.fraction, 0.7, 0.6, 0.5] where fraction <= params.fraction {
                var p = params
                p.fraction = fraction
                attempts.append((p, "temporal \(Console.fixed(fraction, 2)) of train"))
            }
            var p = params
            p.split = .leaveLastN
            attempts.append((p, "leave-last-\(params.holdout) of train"))
        case .leaveLastN:
            attempts.append((params, "leave-last-\(params.holdout) of train"))
        }
        var tried: [String] = []
        var last: Carved?
        for (p, rule) in attempts {
            guard let split = try? EvaluationSplit.make(train, params: p) else { tried.append("\(rule): no split"); continue }
            let users = EvaluationUsers(
                split: split, relevantThreshold: p.relevantThreshold,
                sample: params.validationUsers, seed: params.implicit.seed)
            let info = ValidationInfo(
                rule: rule, cut: Clock.iso8601(split.cutTime), trainRatings: split.train.ratingCount,
                users: users.totalCount, scoredUsers: users.count, note: nil)
            last = Carved(split: split, users: users, info: info)
            if users.totalCount >= minimumUsers { break }
            tried.append("\(rule): \(users.totalCount) users")
        }
        guard var carved = last else {
            throw ReelError(.invalidInput, "no validation split could be carved from the training data (\(tried.joined(separator: "; ")))")
        }
        var notes: [String] = []
        if !tried.isEmpty {
            notes.append(
                "widened: " + tried.joined(separator: "; ")
                    + " had fewer than \(minimumUsers) users with a relevant rating, so \(carved.info.rule) was used")
        }
        if carved.info.users < minimumUsers {
            notes.append("only \(carved.info.users) validation users (< \(minimumUsers)): the choice is noisy")
        }
        if !notes.isEmpty {
            var info = carved.info
            info.note = notes.joined(separator: "; ")
            carved = Carved(split: carved.split, users: carved.users, info: info)
        }
        return carved
    }
}
