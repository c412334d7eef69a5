import ReelCore
import ReelSilver

/// A train/test split of the silver ratings (docs/model.md, "Split").
///
/// Train keeps the same user and movie rows as the input. Test keeps only
/// pairs whose user and movie both have a training rating — a model cannot
/// know anything else — and a rated (user, movie) pair is never in both.
public struct EvaluationSplit: Sendable {
    public let train: SilverRatings
    /// Temporal: the cut (first test timestamp). Leave-last-N: the newest
    /// training timestamp (what "now" is for the trending baselines).
    public let cutTime: Int64
    /// Test pairs per user row (CSR over user rows), movie rows ascending.
    public let testOffsets: [Int64]
    public let testMovies: [Int32]
    public let testRatings: [Float]
    public let testTimes: [Int64]
    /// Test ratings dropped because their user or movie has no training rating.
    public let droppedColdTestRatings: Int

    public var testCount: Int { testMovies.count }

    /// Splits `ratings` as `params` says.
    public static func make(_ ratings: SilverRatings, params: EvaluationParams) throws -> EvaluationSplit {
        guard ratings.ratingCount > 0 else { throw ReelError(.invalidInput, "evaluation needs ratings, and silver has none") }
        var isTest = [Bool](repeating: false, count: ratings.ratingCount)
        let cut: Int64
        switch params.split {
        case .temporal:
            cut = temporalCut(ratings.userTimes, fraction: params.fraction)
            for i in 0..<ratings.ratingCount { isTest[i] = ratings.userTimes[i] >= cut }
        case .leaveLastN:
            var newestTrain = Int64.min
            var order: [Int] = []
            for u in 0..<ratings.userCount {
                let range = Int(ratings.userOffsets[u])..<Int(ratings.userOffsets[u + 1])
                guard range.count > params.holdout else {
                    for j in range { newestTrain = max(newestTrain, ratings.userTimes[j]) }
                    continue
                }
                order.removeAll(keepingCapacity: true)
                order.append(contentsOf: range)
                // Newest last; equal times by movie row, so the split is deterministic.
                order.sort { (ratings.userTimes[$0], ratings.userMovies[$0]) < (ratings.userTimes[$1], ratings.userMovies[$1]) }
                for j in order.suffix(params.holdout) { isTest[j] = true }
                for j in order.dropLast(params.holdout) { newestTrain = max(newestTrain, ratings.userTimes[j]) }
            }
            cut = newestTrain == Int64.min ? 0 : newestTrain
        }
        let train = ratings.subset(keep: isTest.map { !$0 })
        guard train.ratingCount > 0 else {
            throw ReelError(.invalidInput, "the evaluation split left no training ratings; use a larger --fraction")
        }
        var offsets: [Int64] = [0], movies: [Int32] = [], values: [Float] = [], times: [Int64] = []
        var dropped = 0
        for u in 0..<ratings.userCount {
            let userKnown = train.userOffsets[u + 1] > train.userOffsets[u]
            for j in Int(ratings.userOffsets[u])..<Int(ratings.userOffsets[u + 1]) where isTest[j] {
                let m = Int(ratings.userMovies[j])
                if userKnown && train.movieOffsets[m + 1] > train.movieOffsets[m] {
                    movies.append(ratings.userMovies[j]); values.append(ratings.userRatings[j]); times.append(ratings.userTimes[j])
                } else {
                    dropped += 1
                }
            }
            offsets.append(Int64(movies.count))
        }
        return EvaluationSplit(
            train: train, cutTime: cut, testOffsets: offsets, testMovies: movies,
            testRatings: values, testTimes: times, droppedColdTestRatings: dropped)
    }

    /// The `fraction` quantile of the timestamps: the value at sorted index
    /// ⌊fraction · n⌋. Every rating at exactly that second goes to test, so
    /// ties at the cut never straddle train and test, and train is strictly
    /// before the cut.
    static func temporalCut(_ times: [Int64], fraction: Double) -> Int64 {
        var sorted = times
        sorted.sort()
        let index = min(sorted.count - 1, max(0, Int(fraction * Double(sorted.count))))
        return sorted[index]
    }

    /// Test pairs of user row `u`.
    func testRange(_ u: Int) -> Range<Int> { Int(testOffsets[u])..<Int(testOffsets[u + 1]) }
}
