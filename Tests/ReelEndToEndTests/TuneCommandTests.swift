import Foundation
import Testing

/// `reel tune` through the real binary: a tiny budget finishes, records its
/// trials, and `reel config show` then names the tuning record as the source
/// of the tuned settings; a pinned setting stays as configured.
@Suite struct TuneCommandTests {
    @Test func tinyBudgetRecordsTrialsAndConfigShowSaysTuned() throws {
        let home = try makeHome("tune")
        try ReelBinary.ok(["synth", "--preset", "tiny", "-q"], root: home)
        try ReelBinary.ok(["etl", "-q"], root: home)
        let tune = try ReelBinary.ok(["tune", "--budget", "0.5x", "--min-users", "10", "--seed", "3"], root: home)
        #expect(tune.stdout.contains("chosen:"))
        let show = try ReelBinary.ok(["tune", "--show", "--json"], root: home)
        let record = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        let trials = try #require(record["trials"] as? [[String: Any]])
        #expect(!trials.isEmpty)
        #expect(trials.allSatisfy { $0["ndcg"] is Double && $0["seconds"] is Double })
        let config = try ReelBinary.ok(["config", "show"], root: home, env: ["REEL_MODEL_ALPHA": "3"])
        let rank = try #require(config.stdout.split(separator: "\n").first { $0.hasPrefix("model.rank ") })
        #expect(rank.contains("tuned: ") && rank.contains("output/tuning/"))
        let alpha = try #require(config.stdout.split(separator: "\n").first { $0.hasPrefix("model.alpha ") })
        #expect(alpha.contains("env REEL_MODEL_ALPHA"))
        // A bad budget is a usage error.
        #expect(try ReelBinary.run(["tune", "--budget", "soon"], root: home).status == 64)
    }
}

/// The nightly's tune stage: never tuned → runs; not due → skipped; `--tune` forces it.
@Suite struct NightlyTuneStageTests {
    @Test func theScheduleDecidesAndTuneForces() throws {
        let home = try makeHome("nightly-tune")
        try ReelBinary.ok(["synth", "--preset", "tiny", "--quiet"], root: home)
        let env = ["REEL_TUNING_BUDGET": "0.3x", "REEL_MODEL_EXPLICIT_ITERATIONS": "3"]
        try ReelBinary.ok(["nightly", "--quiet"], root: home, env: env)
        #expect(try nightlyStatuses(home)["tune"] == "ran")
        let show = try ReelBinary.ok(["runs", "show", "--json"], root: home)
        #expect(show.stdout.contains("tuning.record") && show.stdout.contains("tuningValidationNdcgAt10"))
        try ReelBinary.ok(["nightly", "--quiet"], root: home, env: env)
        #expect(try nightlyStatuses(home)["tune"] == "skipped")
        try ReelBinary.ok(["nightly", "--quiet", "--tune"], root: home, env: env)
        #expect(try nightlyStatuses(home)["tune"] == "ran")
    }
}
