import Foundation
import Testing
import ReelCore
@testable import ReelLakehouse

/// The time line of the default synthetic data (docs/model.md, "Synthetic data
/// dynamics"): release dates, popularity life cycles, sign-up bursts and
/// ml-25m's rating distribution — and the static switch that turns it off.
@Suite struct SynthDynamicsTests {
    typealias S = SynthTestSupport

    struct Rating { let user: Int; let movie: Int; let halves: Int; let time: Int64 }

    static let config: SynthConfig = {
        var c = S.config(seed: 11, users: 1_500, movies: 1_200, ratings: 90_000)
        c.rank = 6
        c.ratingsPerBlock = 20_000
        return c
    }()

    /// One generated data set shared by the suite's checks (generation is the slow part).
    static let data: (ratings: [Rating], planted: SynthPlanted, dir: String) = {
        let dir = S.tempDir("synth-dynamics")
        _ = try! Synth.generate(config: config, to: dir)
        let planted = try! Synth.plantedFactors(config: config)
        var row: [Int32: Int] = [:]
        for (i, id) in planted.movieIDs.enumerated() { row[id] = i }
        let ratings = S.dataLines(dir + "/ratings.csv").map { line -> Rating in
            let f = line.split(separator: ",")
            return Rating(user: Int(f[0])! - 1, movie: row[Int32(f[1])!]!, halves: Int(Double(f[2])! * 2), time: Int64(f[3])!)
        }
        return (ratings, planted, dir)
    }()

    @Test func sameSeedSameBytesAndStaticDiffers() throws {
        let a = S.tempDir("synth-dyn-a"), b = S.tempDir("synth-dyn-b"), c = S.tempDir("synth-dyn-static")
        var one = S.config(seed: 5)
        one.threads = 1
        let ma = try Synth.generate(config: one, to: a)
        let mb = try Synth.generate(config: S.config(seed: 5, threads: 2), to: b)
        #expect(ma.files == mb.files)
        var old = S.config(seed: 5)
        old.dynamics = false
        let mc = try Synth.generate(config: old, to: c)
        #expect(mc.files["ratings.csv"]!.xxh3 != ma.files["ratings.csv"]!.xxh3)
        #expect(mc.source.hasSuffix("--seed 5 --static"))
        // The planted truth is the same: only when and which movies change.
        let p1 = try Synth.plantedFactors(config: S.config(seed: 5)), p2 = try Synth.plantedFactors(config: old)
        #expect(p1.userFactors == p2.userFactors && p1.movieFactors == p2.movieFactors && p1.popularity == p2.popularity)
        #expect(p2.releaseTimes.allSatisfy { ($0 - SynthTimeline.start) % 86_400 == 0 })
        #expect(Set(p1.releaseTimes).count > Set(p2.releaseTimes).count, "release days spread within the year")
    }

    @Test func everyUserRatesTwentyAndNobodyBeforeRelease() {
        let (ratings, planted, _) = Self.data
        var perUser = [Int](repeating: 0, count: Self.config.users)
        var early = 0
        for r in ratings {
            perUser[r.user] += 1
            if r.time < planted.releaseTimes[r.movie] { early += 1 }
            #expect(r.time >= SynthTimeline.start && r.time <= SynthModel.end)
        }
        #expect(early == 0, "\(early) ratings before the movie's release")
        #expect(perUser.allSatisfy { $0 >= SynthConfig.minRatingsPerUser })
        #expect(ratings.count == Self.config.ratings)
        // Tags follow the same time line.
        for line in S.dataLines(Self.data.dir + "/tags.csv") {
            let f = S.fields(line)!
            let m = planted.movieIDs.firstIndex(of: Int32(f[1])!)!
            #expect(Int64(f[3])! >= planted.releaseTimes[m])
        }
    }

    @Test func ratingsFollowTheMovieLensDistribution() {
        let ratings = Self.data.ratings
        var counts = [Int](repeating: 0, count: 11)
        for r in ratings { counts[r.halves] += 1 }
        for (i, target) in SynthTimeline.ratingShares.enumerated() {
            let share = Double(counts[i + 1]) / Double(ratings.count)
            #expect(abs(share - target) < 0.02, "\(Double(i + 1) / 2) stars: \(share) vs ml-25m \(target)")
        }
        let mean = ratings.reduce(0.0) { $0 + Double($1.halves) / 2 } / Double(ratings.count)
        #expect(abs(mean - 3.53) < 0.08, "mean rating \(mean)")
    }

    @Test func usersRateMostInTheirFirstDay() {
        let (ratings, planted, _) = Self.data
        var first = [Int64](repeating: .max, count: Self.config.users)
        for r in ratings { first[r.user] = min(first[r.user], r.time) }
        var firstDay = [Int](repeating: 0, count: Self.config.users), total = [Int](repeating: 0, count: Self.config.users)
        for r in ratings {
            total[r.user] += 1
            if r.time - first[r.user] < 86_400 { firstDay[r.user] += 1 }
        }
        let share = zip(firstDay, total).reduce(0.0) { $0 + Double($1.0) / Double($1.1) } / Double(Self.config.users)
        let burstUsers = firstDay.filter { $0 >= 15 }.count
        #expect(share > 0.5, "mean share of a user's ratings in their first day: \(share)")
        #expect(Double(burstUsers) > 0.9 * Double(Self.config.users), "users with ≥ 15 ratings on day one: \(burstUsers)")
        // ...and yet many users come back: sessions after the first day.
        #expect(firstDay.enumerated().filter { $0.element < total[$0.offset] }.count > Self.config.users / 2)
        // Users sign up over the whole period.
        let years = Set(first.map { Clock.date($0).prefix(4) })
        #expect(years.count >= 20, "sign-up years: \(years.sorted())")
        #expect(planted.userStarts.count == Self.config.users)
    }

    @Test func popularityRisesAfterReleaseThenDecays() {
        let (ratings, planted, _) = Self.data
        // Ratings of movies released in the period, by age in weeks since release.
        var byWeek = [Int](repeating: 0, count: 160)
        var exposure = [Int](repeating: 0, count: 160)
        for m in planted.releaseTimes.indices where planted.releaseTimes[m] > SynthTimeline.start && planted.popularity[m] > 0 {
            // Weeks this movie could be rated in (the data ends on SynthModel.end).
            let weeks = max(0, min(160, Int((SynthModel.end - planted.releaseTimes[m]) / (7 * 86_400))))
            for w in 0..<weeks { exposure[w] += 1 }
        }
        for r in ratings where planted.releaseTimes[r.movie] > SynthTimeline.start {
            let w = Int((r.time - planted.releaseTimes[r.movie]) / (7 * 86_400))
            if w < 160 { byWeek[w] += 1 }
        }
        func rate(_ weeks: Range<Int>) -> Double {
            Double(weeks.reduce(0) { $0 + byWeek[$1] }) / Double(max(1, weeks.reduce(0) { $0 + exposure[$1] }))
        }
        let launch = rate(0..<1), peak = rate(1..<3), year = rate(52..<104), later = rate(104..<160)
        #expect(peak > launch, "rating rate rises after release: week 0 \(launch), weeks 1–2 \(peak)")
        #expect(peak > 4 * year, "then decays: weeks 1–2 \(peak) vs second year \(year)")
        #expect(later > 0, "a long tail: movies are still rated years later")
    }
}
