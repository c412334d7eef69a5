import ReelCore
import ReelSilver
import Testing
@testable import ReelModel

@Suite("Tuning search")
struct TuningSearchTests {
    static let data = plantedRatings(users: 200, movies: 60, perUser: 15, seed: 11)
    static let base = ALSParams(mode: .implicit, rank: 32, lambda: 5, iterations: 8, threads: 2)

    static func search(seed: UInt64, budget: TuningBudget, minimumWork: Double = 0) throws -> TuningRecord {
        var o = TuningOptions()
        o.seed = seed
        o.budget = budget
        o.minimumWork = minimumWork
        o.minimumUsers = 50
        return try TuningSearch.run(ratings: data, silverVersion: "test", base: base, evaluation: EvaluationParams(), options: o)
    }

    @Test func sameSeedSameTrialsAndChoice() throws {
        let a = try Self.search(seed: 5, budget: .multiple(6)), b = try Self.search(seed: 5, budget: .multiple(6))
        func strip(_ r: TuningRecord) -> [TuningTrial] {
            r.trials.map {
                var t = $0; t.seconds = 0; return t
            }
        }
        #expect(strip(a) == strip(b))
        #expect(a.chosen == b.chosen && a.chosenNDCG == b.chosenNDCG && a.workUsed == b.workUsed)
        #expect(a.trials.count > 3)
        // Another seed samples other points.
        let c = try Self.search(seed: 6, budget: .multiple(6))
        #expect(c.trials.map(\.tuningPoint) != a.trials.map(\.tuningPoint))
    }

    @Test func theWorkBudgetHoldsAndTheConfiguredPointRunsToTheEnd() throws {
        let r = try Self.search(seed: 5, budget: .multiple(6))
        #expect(r.workUsed <= 6 + 1e-9)
        #expect(r.rungs == [2, 4, 8])
        let configured = r.trials.filter { $0.point == 0 }
        #expect(configured.map(\.iterations) == [2, 4, 8])
        #expect(r.baselineNDCG == configured.last!.ndcg)
        // The choice is the best trial, never worse than the configured settings.
        #expect(r.chosenNDCG == r.trials.map(\.ndcg).max())
        #expect(r.chosenNDCG >= r.baselineNDCG)
        // Successive halving: fewer trials per rung.
        let perRung = (0..<3).map { rung in r.trials.filter { $0.rung == rung }.count }
        #expect(perRung[0] > perRung[1] && perRung[1] >= perRung[2])
    }

    /// Where a training run is cheap the work floor raises the multiple: more points are
    /// tried, the record says so, and the raised budget holds.
    @Test func theWorkFloorRaisesASmallMultiple() throws {
        let plain = try Self.search(seed: 5, budget: .multiple(1))
        let floored = try Self.search(seed: 5, budget: .multiple(1), minimumWork: 1e12)
        #expect(!plain.budget.contains("raised"))
        #expect(floored.budget.hasPrefix("1.00x raised to ") && floored.budget.contains("1000 GFLOP floor"))
        #expect(Set(floored.trials.map(\.point)).count > Set(plain.trials.map(\.point)).count)
        // A floor below the multiple changes nothing.
        let low = try Self.search(seed: 5, budget: .multiple(1), minimumWork: 1)
        #expect(low.trials.map(\.tuningPoint) == plain.trials.map(\.tuningPoint) && low.budget == plain.budget)
    }

    @Test func aTinyBudgetFinishesAndRecordsTrials() throws {
        let r = try Self.search(seed: 5, budget: .multiple(0.01))
        #expect(!r.trials.isEmpty)
        #expect(r.trials.allSatisfy { $0.point == 0 })
        #expect(r.chosen.rank == Self.base.rank && r.chosen.iterations == Self.base.iterations)
        let s = try Self.search(seed: 5, budget: .seconds(0.001))
        #expect(!s.trials.isEmpty && s.note != nil)
    }

    @Test func pinnedKnobsStayAsConfigured() throws {
        var o = TuningOptions()
        o.minimumUsers = 50
        o.pinned = ["model.rank", "model.implicit_iterations"]
        let r = try TuningSearch.run(ratings: Self.data, silverVersion: "t", base: Self.base, evaluation: EvaluationParams(), options: o)
        #expect(r.trials.allSatisfy { $0.rank == Self.base.rank })
        #expect(r.chosen.rank == 32 && r.chosen.iterations == 8)
    }

    /// With every trial costing its iterations / 15 of a training run, the plan for rungs
    /// 4/8/15 counts the configured point once: one point costs exactly one run, six fit
    /// in 3.4x (6·4 + 3·4 + 2·7 = 50 iterations), seven need 65 (7·4 + 4·4 + 3·7).
    @Test func thePlanCountsTheConfiguredPointOnce() {
        let points = TuningSpace.sample(count: 20, seed: 1, first: TuningPoint(Self.base))
        func plan(_ budget: Double) -> Int {
            TuningSearch.plan(points: points, rungs: [4, 8, 15], eta: 3, budget: budget) { _, iterations in Double(iterations) / 15 }
        }
        #expect(plan(1.01) == 1)
        #expect(plan(2.01) == 2)
        #expect(plan(50.0 / 15 + 0.01) == 6)
        #expect(plan(65.0 / 15 - 0.01) == 6)
        #expect(plan(65.0 / 15 + 0.01) == 7)
        #expect(plan(1000) == 20)
    }

    @Test func budgetParsing() throws {
        #expect(try TuningBudget(parsing: "3x") == .multiple(3))
        #expect(try TuningBudget(parsing: "2.5") == .multiple(2.5))
        #expect(try TuningBudget(parsing: "600s") == .seconds(600))
        #expect(throws: ReelError.self) { try TuningBudget(parsing: "soon") }
        #expect(throws: ReelError.self) { try TuningBudget(parsing: "-1x") }
    }

    @Test func sampledPointsAreDistinctAndStartWithTheConfigured() {
        let first = TuningPoint(Self.base)
        let points = TuningSpace.sample(count: 30, seed: 1, first: first)
        #expect(points.count == 30 && points[0] == first && Set(points).count == 30)
    }

    @Test func neighboursOfTheConfiguredPointComeFirstAndAlternateWithDraws() {
        let first = TuningPoint(rank: 64, lambda: 20, alpha: 1, confidence: .raw, recencyHalfLifeDays: 0)
        let points = TuningSpace.sample(count: 12, seed: 3, first: first)
        // λ two grid steps up and down, then a random draw and a neighbour in turn.
        #expect(points[1] == TuningPoint(rank: 64, lambda: 100, alpha: 1, confidence: .raw, recencyHalfLifeDays: 0))
        #expect(points[2] == TuningPoint(rank: 64, lambda: 5, alpha: 1, confidence: .raw, recencyHalfLifeDays: 0))
        #expect(points[4] == TuningPoint(rank: 64, lambda: 20, alpha: 1, confidence: .positive, recencyHalfLifeDays: 0))
        #expect(points[6].confidence == .log && points[8].rank == 128)
        let near = Set(TuningSpace.neighbours(of: first))
        #expect(near.count == 9)
        #expect(!near.contains(points[3]) && !near.contains(points[5]))
        // Another seed changes the draws, not the neighbours.
        let other = TuningSpace.sample(count: 12, seed: 4, first: first)
        #expect(other[1] == points[1] && other[4] == points[4] && other[3] != points[3])
        // A pinned knob is not moved by its neighbours either.
        let pinned = TuningSpace.sample(count: 12, seed: 3, first: first, pinned: ["model.implicit_lambda"])
        #expect(pinned.allSatisfy { $0.lambda == 20 } && Set(pinned).count == 12)
    }

    @Test func validationFallsBackToThePerUserSplitWhenTheTimeSplitIsThin() throws {
        let v = try ValidationSet.make(ratings: Self.data, params: EvaluationParams(), minimumUsers: 100_000)
        #expect(v.rule == "leave-last-n" && v.note != nil)
        let t = try ValidationSet.make(ratings: Self.data, params: EvaluationParams(), minimumUsers: 10)
        #expect(t.rule == "temporal" && t.note == nil && t.userCount >= 10)
    }
}
