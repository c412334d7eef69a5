#if canImport(Glibc)
import Glibc
#endif
import Testing
import ReelCore
import ReelSilver
@testable import ReelModel

/// Figures, not a timed test: item-knn against implicit ALS and all-time
/// popularity on the evaluation's own splits (`EvaluationSplit`,
/// `EvaluationUsers`, `RankingMetrics`), on the silver of a Reel home made
/// with `reel synth` + `reel etl`. Skipped unless REEL_KNN_HOME is set:
///
///     REEL_KNN_HOME=/tmp/reel-synth swift test --filter ItemKNNComparison
@Suite(.enabled(if: getenv("REEL_KNN_HOME") != nil)) struct ItemKNNComparison {
    @Test func itemKNNAgainstALSAndPopular() throws {
        let home = ReelHome(root: String(cString: getenv("REEL_KNN_HOME")))
        let silver = try SilverSnapshot.open(home: home)
        for split in [EvaluationParams.Split.temporal, .leaveLastN] {
            var params = EvaluationParams(split: split)
            params.implicit.threads = 2
            let s = try EvaluationSplit.make(silver.ratings, params: params)
            let users = EvaluationUsers(split: s, relevantThreshold: params.relevantThreshold)
            func ndcg(_ lists: [Int32], width: Int) -> Double {
                var sum = 0.0
                for i in 0..<users.count {
                    sum += RankingMetrics.evaluate(list: lists[i * width..<i * width + params.k], relevant: users.relevant[i], k: params.k).ndcg
                }
                return sum / Double(users.count)
            }
            var t = Clock.monotonic()
            let als = try ALS.train(s.train, params: params.implicit, log: { _ in })
            let alsNDCG = ndcg(users.modelLists(als, k: params.k, threads: 2).movies, width: params.k)
            let alsSeconds = Clock.monotonic() - t
            t = Clock.monotonic()
            let knn = try ItemKNN.train(s.train, params: ItemKNNParams(threads: 2))
            let knnLists = knn.recommend(users: users.rows, ratings: s.train, k: params.k).movies
            let knnNDCG = ndcg(knnLists, width: params.k)
            let knnSeconds = Clock.monotonic() - t
            print(
                "item-knn comparison, \(split.rawValue) split, \(users.count) users, \(s.train.ratingCount) train ratings: "
                    + "implicit-als NDCG@10 \(Console.fixed(alsNDCG, 4)) (\(Console.fixed(alsSeconds, 1)) s), "
                    + "item-knn \(Console.fixed(knnNDCG, 4)) (\(Console.fixed(knnSeconds, 1)) s, \(knn.eligibleMovies) movies)")
            #expect(knnNDCG > 0)
        }
    }
}
