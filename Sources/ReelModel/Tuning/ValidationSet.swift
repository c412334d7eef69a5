import ReelCore
import ReelSilver

/// The data a hyper-parameter search trains and scores on, carved from the
/// training data only (docs/model.md, "Tuning").
///
/// The evaluation's own split is made first and only its train part is used:
/// the evaluation's test ratings never take part in a choice, so the
/// `implicit-als` row of `reel evaluate` stays an honest estimate of the tuned
/// model. Inside that part, validation follows the same global time rule
/// (train before the `fraction` quantile, validate on what users rated after
/// it). A time cut can leave few users with a relevant rating after it; below
/// `minimumUsers` the per-user rule (each user's last `holdout` ratings) is
/// used instead, and `note` says so.
///
/// Scoring reuses the evaluation's machinery (`EvaluationSplit`,
/// `EvaluationUsers`, `RankingMetrics`), so a validation NDCG@k means exactly
/// what the report's NDCG@k means.
public struct ValidationSet: @unchecked Sendable {
    /// `temporal` or `leave-last-n`: the rule that made the validation split.
    public let rule: String
    /// What the models are trained on.
    public let train: SilverRatings
    /// The validation cut (temporal) or the newest training time (per user).
    public let cutTime: Int64
    /// Users with at least one relevant validation rating.
    public var userCount: Int { users.count }
    public let validationRatings: Int
    /// Why the rule differs from the global time rule, when it does.
    public let note: String?
    public let k: Int
    let users: EvaluationUsers

    /// Carves the validation split out of `ratings` as described above.
    public static func make(ratings: SilverRatings, params: EvaluationParams, minimumUsers: Int) throws -> ValidationSet {
        var outer = params
        outer.split = .temporal
        let evaluationTrain = try EvaluationSplit.make(ratings, params: outer).train
        let temporal = try EvaluationSplit.make(evaluationTrain, params: outer)
        // Scored on a seeded sample of at most `validationUsers`, as the candidate choice is: every
        // trial scores its model on them, and scoring all of a large fallback split (e.g. 15,000
        // users' last ratings) cost as much as a quarter of a training run per trial, which left
        // the 3x budget room for the configured point alone (docs/model.md, section 13).
        let temporalUsers = EvaluationUsers(
            split: temporal, relevantThreshold: params.relevantThreshold,
            sample: params.validationUsers, seed: params.implicit.seed)
        if temporalUsers.totalCount >= minimumUsers {
            return ValidationSet(rule: EvaluationParams.Split.temporal.rawValue, split: temporal, users: temporalUsers, note: nil, k: params.k)
        }
        var perUser = params
        perUser.split = .leaveLastN
        let fallback = try EvaluationSplit.make(evaluationTrain, params: perUser)
        let fallbackUsers = EvaluationUsers(
            split: fallback, relevantThreshold: params.relevantThreshold,
            sample: params.validationUsers, seed: params.implicit.seed)
        let why = "the global time split left \(temporalUsers.totalCount) validation users (< \(minimumUsers))"
        if fallbackUsers.totalCount > temporalUsers.totalCount {
            return ValidationSet(
                rule: EvaluationParams.Split.leaveLastN.rawValue, split: fallback, users: fallbackUsers,
                note: why + "; validated on each user's last \(params.holdout) ratings instead", k: params.k)
        }
        guard temporalUsers.count > 0 else {
            throw ReelError(
                .invalidInput,
                "tuning needs validation users with a relevant rating (≥ \(params.relevantThreshold)), and neither the time split nor the per-user split of the training data has any"
            )
        }
        return ValidationSet(
            rule: EvaluationParams.Split.temporal.rawValue, split: temporal, users: temporalUsers,
            note: why + "; the per-user split has no more, so the time split is kept", k: params.k)
    }

    init(rule: String, split: EvaluationSplit, users: EvaluationUsers, note: String?, k: Int) {
        self.rule = rule
        self.train = split.train
        self.cutTime = split.cutTime
        self.users = users
        self.validationRatings = users.relevant.reduce(0) { $0 + $1.count }
        self.note = note
        self.k = k
    }

    /// Mean NDCG@k of `model`'s top-k (training movies excluded) over the validation users.
    public func ndcg(_ model: ModelFactors, threads: Int) -> Double {
        ndcg(lists: users.modelLists(model, k: k, threads: threads).movies)
    }

    /// Mean NDCG@k of per-user lists laid out `userCount × k` in `userRows` order.
    public func ndcg(lists: [Int32]) -> Double {
        var sum = 0.0
        for i in 0..<users.count {
            sum += RankingMetrics.evaluate(list: lists[i * k..<(i + 1) * k], relevant: users.relevant[i], k: k).ndcg
        }
        return sum / Double(max(1, users.count))
    }

    /// The evaluated user rows, ascending (for models that rank users themselves).
    public var userRows: [Int32] { users.rows }
}
