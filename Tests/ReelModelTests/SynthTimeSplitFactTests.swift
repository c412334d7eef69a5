import Foundation
import Testing
import ReelCore
@testable import ReelLakehouse
@testable import ReelSilver
@testable import ReelModel

/// The real-MovieLens facts the default synthetic data must reproduce
/// (docs/model.md, "Synthetic data dynamics"), measured with the
/// evaluation's own split, users and candidate code: on the global time split
/// 30-day trending beats all-time popularity by ≥ 30% NDCG@10; on the
/// per-user split trending is weak. At a scale with many movies per release
/// year, so that the catalogue size cannot hide a trend that is too diffuse.
@Suite struct SynthTimeSplitFactTests {
    static func silver(users: Int, movies: Int, ratings: Int, seed: UInt64) throws -> SilverRatings {
        var config = SynthConfig(users: users, movies: movies, ratings: ratings, seed: seed, rank: 8, threads: 2)
        config.ratingsPerBlock = 50_000
        let dir = NSTemporaryDirectory() + "reel-synth-fact-\(getpid())-\(seed)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try Synth.generate(config: config, to: dir, force: true)
        // ratings.csv: userId,movieId,rating,timestamp — parsed as bytes (debug builds are slow on Strings).
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/ratings.csv")))
        var row: [Int64: Int] = [:]
        var triples: [(user: Int, movie: Int, rating: Float, time: Int64)] = []
        triples.reserveCapacity(ratings)
        var i = bytes.firstIndex(of: 10)! + 1
        var fields = [Int64](repeating: 0, count: 5)
        while i < bytes.count {
            var f = 0
            fields[0] = 0; fields[1] = 0; fields[2] = 0; fields[3] = 0; fields[4] = 0
            while i < bytes.count && bytes[i] != 10 {
                let c = bytes[i]
                if c == 44 || c == 46 { f += 1 } else { fields[f] = fields[f] * 10 + Int64(c - 48) }
                i += 1
            }
            i += 1
            // The rating has one decimal ("4.5"): fields 2 and 3, then the timestamp.
            let m =
                row[fields[1]]
                ?? {
                    let r = row.count; row[fields[1]] = r; return r
                }()
            triples.append((Int(fields[0]) - 1, m, Float(fields[2]) + Float(fields[3]) / 10, fields[4]))
        }
        return SilverRatings.fromTriples(users: users, movies: row.count, triples)
    }

    /// NDCG@10 of each baseline on `split`, per user (same users).
    static func baselines(_ ratings: SilverRatings, _ params: EvaluationParams) throws -> (popular: [Double], trending: [Double]) {
        let split = try EvaluationSplit.make(ratings, params: params)
        let users = EvaluationUsers(split: split, relevantThreshold: params.relevantThreshold)
        let context = CandidateContext(
            ratings: split.train, users: users.rows,
            popularity: Evaluation.popularity(of: split.train, at: split.cutTime),
            genres: [UInt32](repeating: 1, count: ratings.movieCount), model: nil, threads: 2)
        let scored = CandidateScoring.score([.popular, .trending(.month)], context: context, users: users, k: params.k)
        return (scored[0].ndcg, scored[1].ndcg)
    }

    static func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(max(1, x.count)) }

    @Test func trendingBeatsPopularOnTheTimeSplitAndIsWeakPerUser() throws {
        let ratings = try Self.silver(users: 12_000, movies: 6_000, ratings: 480_000, seed: 42)
        let time = try Self.baselines(ratings, EvaluationParams(split: .temporal))
        let (popular, trending) = time
        print(
            "synth fact, time split: trending-30d \(Self.mean(trending)), popular \(Self.mean(popular)), \(popular.count) users, CI \(PairedCI.of(trending, popular).text)"
        )
        #expect(popular.count >= 100, "judged users on the time split: \(popular.count)")
        #expect(
            Self.mean(trending) >= 1.3 * Self.mean(popular),
            "time split: trending-30d \(Self.mean(trending)) vs popular \(Self.mean(popular)) over \(popular.count) users")
        #expect(PairedCI.of(trending, popular).low > 0, "\(PairedCI.of(trending, popular).text)")

        let perUser = try Self.baselines(ratings, EvaluationParams(split: .leaveLastN, holdout: 10))
        let (p, t) = perUser
        print("synth fact, per-user split: trending-30d \(Self.mean(t)), popular \(Self.mean(p)), \(p.count) users")
        #expect(Self.mean(t) < 0.5 * Self.mean(p), "per-user split: trending-30d \(Self.mean(t)) vs popular \(Self.mean(p))")
    }
}
