import Foundation
import ReelCore
import ReelSettings
import Testing
@testable import ReelModel
@testable import ReelPipeline

@Suite("Tuning schedule and tuned settings")
struct TuningScheduleTests {
    static let day: Int64 = 86_400

    static func record(ratings: Int, at time: Int64) -> TuningRecord {
        let trial = TuningTrial(
            point: 3, rung: 2, rank: 96, lambda: 50, alpha: 0.5, confidence: .log,
            recencyHalfLifeDays: 365, iterations: 8, ndcg: 0.2, seconds: 1, work: 0.1)
        return TuningRecord(
            tuningID: "t1", createdAt: Clock.iso8601(time), createdAtSeconds: time, silverVersion: "v",
            silverRatings: ratings, seed: 42, budget: "3.00x", workUsed: 2.5, seconds: 10, rungs: [4, 8, 15],
            validation: TuningValidation(rule: "temporal", cut: "", trainRatings: 1, users: 1, relevantRatings: 1, note: nil),
            baselineNDCG: 0.1, chosen: TunedParams(trial), chosenNDCG: 0.2, trials: [trial], note: nil)
    }

    @Test func neverTunedIsDue() {
        let d = TuningSchedule().decide(last: nil, ratings: 100, now: 0, forced: false)
        #expect(d.due && d.reason == "never tuned")
    }

    @Test func growthOverTenPercentIsDue() {
        let s = TuningSchedule(growth: 0.1, maxAgeDays: 7)
        let last = Self.record(ratings: 1000, at: 1_000_000)
        #expect(!s.decide(last: last, ratings: 1100, now: 1_000_000 + Self.day, forced: false).due)
        let grown = s.decide(last: last, ratings: 1101, now: 1_000_000 + Self.day, forced: false)
        #expect(grown.due && grown.reason.contains("grew"))
    }

    @Test func weeklyIsDue() {
        let s = TuningSchedule(growth: 0.1, maxAgeDays: 7)
        let last = Self.record(ratings: 1000, at: 1_000_000)
        #expect(!s.decide(last: last, ratings: 1000, now: 1_000_000 + 6 * Self.day, forced: false).due)
        #expect(s.decide(last: last, ratings: 1000, now: 1_000_000 + 7 * Self.day, forced: false).due)
        // No age rule with 0.
        #expect(!TuningSchedule(growth: 0.1, maxAgeDays: 0).decide(last: last, ratings: 1000, now: 1_000_000 + 400 * Self.day, forced: false).due)
    }

    @Test func forcedAlwaysAndDisabledNeverOnItsOwn() {
        let last = Self.record(ratings: 1000, at: 1_000_000)
        #expect(TuningSchedule().decide(last: last, ratings: 1000, now: 1_000_000, forced: true).due)
        let off = TuningSchedule(enabled: false)
        #expect(!off.decide(last: nil, ratings: 1000, now: 0, forced: false).due)
        #expect(off.decide(last: nil, ratings: 1000, now: 0, forced: true).due)
    }

    @Test func tunedValuesReplaceUnpinnedSettingsAndSayWhereFrom() throws {
        let dir = try TestDirectory()
        let path = Path.join(dir.path, "reel.toml")
        // The shipped file (every default) plus a non-default alpha: alpha is pinned, the rest follow tuning.
        try FileSystem.writeAtomically(path, text: ReelConfig.defaultTOML().replacingFirst("alpha = 1.0", with: "alpha = 2.0"))
        let config = try ReelConfig.load(path: path, environment: ["REEL_MODEL_IMPLICIT_ITERATIONS": "15"])
        let tuned = try config.applyingTuning(Self.record(ratings: 1, at: 0), path: "output/tuning/t1/tuning.json")
        #expect(tuned.int(.modelRank) == 96)
        #expect(tuned.double(.modelImplicitLambda) == 50)
        #expect(tuned.string(.modelConfidence) == "log")
        #expect(tuned.double(.modelRecencyHalfLifeDays) == 365)
        #expect(tuned.source(.modelRank) == .tuning("output/tuning/t1/tuning.json"))
        #expect(tuned.double(.modelAlpha) == 2)  // non-default in the file: pinned
        #expect(tuned.int(.modelImplicitIterations) == 15)  // environment: pinned
        #expect(tuned.render().contains("tuned: output/tuning/t1/tuning.json"))
        let params = tuned.alsParams(mode: .implicit)
        #expect(params.rank == 96 && params.confidence == .log && params.recencyHalfLifeDays == 365)
        // Explicit ALS keeps the stars whatever the implicit settings say.
        #expect(tuned.alsParams(mode: .explicit).confidence == .raw)
    }

    @Test func pinListAndApplySwitch() throws {
        var config = ReelConfig()
        try config.set(.tuningPin, .string("rank, lambda"), source: .commandLine)
        let tuned = try config.applyingTuning(Self.record(ratings: 1, at: 0), path: "p")
        #expect(tuned.int(.modelRank) == 64 && tuned.double(.modelImplicitLambda) == 20)
        #expect(tuned.double(.modelAlpha) == 0.5)
        #expect(try TuningRun.pinned(config) == ["model.rank", "model.implicit_lambda"])
        try config.set(.tuningPin, .string("rnak"), source: .commandLine)
        #expect(throws: ReelError.self) { try config.applyingTuning(Self.record(ratings: 1, at: 0), path: "p") }
        var off = ReelConfig()
        try off.set(.tuningApply, .boolean(false), source: .commandLine)
        #expect(try off.applyingTuning(Self.record(ratings: 1, at: 0), path: "p").int(.modelRank) == 64)
    }
}

/// A temporary directory removed when the value is released.
final class TestDirectory {
    let path: String
    init() throws {
        path = "/tmp/reel-tuning-test-\(Clock.nanos())"
        try FileSystem.createDirectory(path)
    }
    deinit { try? FileSystem.removeTree(path) }
}

extension String {
    func replacingFirst(_ a: String, with b: String) -> String {
        guard let r = range(of: a) else { return self }
        return replacingCharacters(in: r, with: b)
    }
}
