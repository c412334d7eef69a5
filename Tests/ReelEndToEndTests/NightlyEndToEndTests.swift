import Foundation
import Testing

/// `reel nightly` as cron runs it, on tiny synthetic data.
@Suite(.serialized) struct NightlyEndToEndTests {
    @Test func fullRunThenSkipsThenRerunsDownstreamOfAChange() throws {
        let home = try makeHome("nightly")
        try ReelBinary.ok(["synth", "--preset", "tiny", "--quiet"], root: home)
        try ReelBinary.ok(["nightly", "--quiet"], root: home, env: fastModel)
        #expect(
            try nightlyStatuses(home) == [
                "validate": "ran", "ingest": "skipped", "etl": "ran", "tune": "skipped", "train": "ran", "evaluate": "ran", "publish": "ran",
                "prune": "ran",
            ])
        let first = try #require(currentRelease(home))
        #expect(FileManager.default.fileExists(atPath: home + "/output/metrics/reel_nightly.prom"))

        try ReelBinary.ok(["nightly", "--quiet"], root: home, env: fastModel)
        #expect(
            try nightlyStatuses(home) == [
                "validate": "skipped", "ingest": "skipped", "etl": "skipped", "tune": "skipped", "train": "skipped", "evaluate": "skipped",
                "publish": "skipped", "prune": "ran",
            ])
        // Nothing changed, yet the metrics still describe the silver and release in use.
        let prom = try String(contentsOfFile: home + "/output/metrics/reel_nightly.prom", encoding: .utf8)
        #expect(prom.contains("reel_nightly_rows{table=\"ratings\",kind=\"read\"}"))
        #expect(prom.contains("reel_nightly_release_size_bytes"))
        #expect(prom.contains("reel_nightly_model_metric{metric=\"ndcg_at_10\"}"))
        #expect(currentRelease(home) == first)

        // A model setting changes: ETL is untouched, everything from train on re-runs.
        var env = fastModel
        env["REEL_MODEL_SEED"] = "7"
        try ReelBinary.ok(["nightly", "--quiet"], root: home, env: env)
        #expect(
            try nightlyStatuses(home) == [
                "validate": "skipped", "ingest": "skipped", "etl": "skipped", "tune": "skipped", "train": "ran", "evaluate": "ran", "publish": "ran",
                "prune": "ran",
            ])
        #expect(currentRelease(home) != first)

        // New bronze data: everything re-runs.
        try ReelBinary.ok(["synth", "--preset", "tiny", "--seed", "5", "--force", "--quiet"], root: home)
        try ReelBinary.ok(["nightly", "--quiet", "--force-publish"], root: home, env: env)
        #expect(
            try nightlyStatuses(home) == [
                "validate": "ran", "ingest": "skipped", "etl": "ran", "tune": "skipped", "train": "ran", "evaluate": "ran", "publish": "ran",
                "prune": "ran",
            ])

        let list = try ReelBinary.ok(["runs", "list"], root: home)
        #expect(list.stdout.split(separator: "\n").count == 5)
    }

    @Test(arguments: ["validate", "etl", "train", "evaluate", "publish"])
    func injectedFailureKeepsThePreviousRelease(stage: String) throws {
        let home = try makeHome("fail-\(stage)")
        try ReelBinary.ok(["synth", "--preset", "tiny", "--quiet"], root: home)
        try ReelBinary.ok(["nightly", "--quiet"], root: home, env: fastModel)
        let before = try #require(currentRelease(home))
        var env = fastModel
        env["REEL_FAIL_STAGE"] = stage
        let r = try ReelBinary.run(["nightly", "--force", "--quiet"], root: home, env: env)
        #expect(r.status == 1)
        #expect(r.stderr.contains("stage '\(stage)'"), "\(r.stderr)")
        #expect(currentRelease(home) == before)
        #expect(try nightlyStatuses(home)[stage] == "failed")
        #expect(try ReelBinary.run(["verify", "output/current"], root: home).status == 0)
    }

    @Test func aConcurrentRunIsRefused() throws {
        let home = try makeHome("lock")
        try ReelBinary.ok(["init", "--quiet"], root: home)
        // Hold the lock the way a running nightly does (flock on output/.reel.lock).
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = [home + "/output/.reel.lock", "sleep", "30"]
        try holder.run()
        defer { holder.terminate() }
        usleep(300_000)
        let r = try ReelBinary.run(["nightly"], root: home)
        #expect(r.status == 3)
        #expect(r.stderr.contains("another Reel run"))
    }

    @Test func theQualityGateBlocksAWorseModel() throws {
        let home = try makeHome("gate")
        try ReelBinary.ok(
            ["synth", "--preset", "small", "--users", "300", "--movies", "200", "--ratings", "20000", "--static", "--quiet"], root: home)
        try ReelBinary.ok(["nightly", "--quiet"], root: home, env: fastModel)
        let before = try #require(currentRelease(home))
        // A crippled model (rank 1, regularised to nothing): clearly worse on this data.
        var env = fastModel
        env["REEL_MODEL_IMPLICIT_LAMBDA"] = "100000"
        env["REEL_MODEL_RANK"] = "1"
        let r = try ReelBinary.run(["nightly", "--quiet"], root: home, env: env)
        #expect(r.status == 4, "\(r.stderr)")
        #expect(r.stderr.contains("quality gate blocked"))
        #expect(currentRelease(home) == before)
        #expect(try nightlyStatuses(home)["publish"] == "blocked")
        // output/models/latest is the refused model now: a manual publish honours the gate too.
        let manual = try ReelBinary.run(["publish", "--quiet"], root: home)
        #expect(manual.status == 4, "\(manual.stderr)")
        #expect(manual.stderr.contains("--force-publish"))
        #expect(currentRelease(home) == before)
        let forced = try ReelBinary.run(["nightly", "--quiet", "--force-publish"], root: home, env: env)
        #expect(forced.status == 0)
        #expect(currentRelease(home) != before)
    }
}
