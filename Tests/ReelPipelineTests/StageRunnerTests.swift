import Foundation
import ReelSettings
import Testing
import ReelCore
@testable import ReelPipeline

func tempHome() -> ReelHome {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reel-pipe-\(UUID().uuidString.prefix(8))").path
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return ReelHome(root: dir)
}

/// Counts runs per stage; inputs are plain values the test changes.
final class Harness: @unchecked Sendable {
    var inputs: [String: UInt64] = ["a": 1, "b": 2, "c": 3]
    var runs: [String: Int] = [:]
    var failures: [String: Int] = [:]
    /// Stages that report nothing to do, with the reason.
    var idle: [String: String] = [:]

    func stages() -> [Stage] {
        // b depends on a's input, c on b's: fingerprints chain like the real pipeline.
        ["a", "b", "c"].map { name in
            Stage(
                name: name,
                fingerprint: { [self] in
                    switch name {
                    case "a": return inputs["a"]!
                    case "b": return inputs["a"]! &* 31 &+ inputs["b"]!
                    default: return (inputs["a"]! &* 31 &+ inputs["b"]!) &* 31 &+ inputs["c"]!
                    }
                }, nothingToDo: { [self] in idle[name] },
                run: { [self] record in
                    if let left = failures[name], left > 0 {
                        failures[name] = left - 1
                        throw ReelError(.io, "disk hiccup")
                    }
                    runs[name, default: 0] += 1
                    record.metrics["\(name)_runs"] = Double(runs[name]!)
                    return "ok"
                })
        }
    }
}

@Suite struct StageRunnerTests {
    @Test func secondRunWithNothingChangedSkipsEveryStage() throws {
        let home = tempHome(), h = Harness()
        let runner = StageRunner(home: home)
        var r1 = RunRecord(runID: "r1", startedAt: Clock.iso8601(Clock.now()))
        try runner.run(h.stages(), selection: StageSelection(), record: &r1)
        #expect(h.runs == ["a": 1, "b": 1, "c": 1])
        var r2 = RunRecord(runID: "r2", startedAt: Clock.iso8601(Clock.now()))
        try runner.run(h.stages(), selection: StageSelection(), record: &r2)
        #expect(h.runs == ["a": 1, "b": 1, "c": 1])
        #expect(r2.stages.map(\.status) == ["skipped", "skipped", "skipped"])
        #expect(r2.outcome == "success")
        #expect(try runner.store.load("r2") == r2)
    }

    @Test func changedInputRerunsExactlyTheStagesDownstream() throws {
        let home = tempHome(), h = Harness()
        let runner = StageRunner(home: home)
        var r = RunRecord(runID: "r1", startedAt: "x")
        try runner.run(h.stages(), selection: StageSelection(), record: &r)
        h.inputs["b"] = 20
        var r2 = RunRecord(runID: "r2", startedAt: "x")
        try runner.run(h.stages(), selection: StageSelection(), record: &r2)
        #expect(h.runs == ["a": 1, "b": 2, "c": 2])
        #expect(r2.stages.map(\.status) == ["skipped", "ran", "ran"])
    }

    @Test func aStageWithNothingToDoIsSkippedEvenWhenForced() throws {
        let home = tempHome(), h = Harness()
        let runner = StageRunner(home: home)
        h.idle["a"] = "no inbox"
        var s = StageSelection(); s.force = true
        var r = RunRecord(runID: "r1", startedAt: "x")
        try runner.run(h.stages(), selection: s, record: &r)
        #expect(h.runs == ["b": 1, "c": 1])
        #expect(r.stages.map(\.status) == ["skipped", "ran", "ran"])
        #expect(r.stages[0].detail == "no inbox")
        #expect(r.fingerprints["a"] == nil)
    }

    @Test func nightlyStageNamesAreItsStages() {
        let nightly = Nightly(home: tempHome(), config: ReelConfig(), options: NightlyOptions())
        #expect(nightly.stages(runID: "r").map(\.name) == Nightly.stageNames)
        #expect(Nightly.stageNames.firstIndex(of: "ingest") == Nightly.stageNames.firstIndex(of: "validate")! + 1)
    }

    @Test func forceFromAndOnly() throws {
        let home = tempHome(), h = Harness()
        let runner = StageRunner(home: home)
        var r = RunRecord(runID: "r1", startedAt: "x")
        try runner.run(h.stages(), selection: StageSelection(), record: &r)
        var s = StageSelection(); s.force = true; s.from = "b"
        var r2 = RunRecord(runID: "r2", startedAt: "x")
        try runner.run(h.stages(), selection: s, record: &r2)
        #expect(h.runs == ["a": 1, "b": 2, "c": 2])
        var o = StageSelection(); o.force = true; o.only = "a"
        var r3 = RunRecord(runID: "r3", startedAt: "x")
        try runner.run(h.stages(), selection: o, record: &r3)
        #expect(h.runs == ["a": 2, "b": 2, "c": 2])
        var bad = StageSelection(); bad.only = "zzz"
        var r4 = RunRecord(runID: "r4", startedAt: "x")
        #expect(throws: ReelError.self) { try runner.run(h.stages(), selection: bad, record: &r4) }
    }

    @Test func failureNamesTheStageAndIsRecorded() throws {
        let home = tempHome(), h = Harness()
        let runner = StageRunner(home: home)
        var s = StageSelection(); s.injectFailure = "b"
        var r = RunRecord(runID: "r1", startedAt: "x")
        #expect(throws: ReelError.self) { try runner.run(h.stages(), selection: s, record: &r) }
        #expect(r.outcome == "failed")
        #expect(r.failedStage == "b")
        #expect(h.runs["c"] == nil)
        let saved = try runner.store.load("r1")
        #expect(saved.failedStage == "b")
        #expect(saved.stages.last?.status == "failed")
    }

    @Test func transientIOErrorsAreRetriedBoundedly() throws {
        let home = tempHome(), h = Harness()
        let runner = StageRunner(home: home)
        var s = StageSelection(); s.retries = 2; s.retryDelay = 0
        h.failures["a"] = 2
        var r = RunRecord(runID: "r1", startedAt: "x")
        try runner.run(h.stages(), selection: s, record: &r)
        #expect(r.stages[0].attempts == 3)
        h.failures["b"] = 3
        h.inputs["b"] = 99
        var r2 = RunRecord(runID: "r2", startedAt: "x")
        #expect(throws: ReelError.self) { try runner.run(h.stages(), selection: s, record: &r2) }
        #expect(r2.failedStage == "b")
    }
}

@Suite struct RunToolsTests {
    @Test func lockIsExclusiveAndReleasedOnDeinit() throws {
        let home = tempHome()
        var first: FileLock? = try RunLock.acquire(home: home, purpose: "test")
        do {
            _ = try RunLock.acquire(home: home, purpose: "second")
            Issue.record("second lock succeeded")
        } catch let e as ReelError {
            #expect(e.kind == .locked)
            #expect(e.exitCode == 3)
            #expect(e.message.contains("pid"))
        }
        first = nil
        _ = first
        let again = try RunLock.acquire(home: home, purpose: "third")
        _ = again
    }

    @Test func prometheusTextGroupsFamiliesAndEscapes() throws {
        var p = PrometheusTextfile()
        p.add("reel_a", help: "A.", labels: [("stage", "etl")], value: 1.5)
        p.add("reel_a", help: "A.", labels: [("stage", "q\"x")], value: 2)
        p.add("reel_b", help: "B.", value: 3)
        let text = p.render()
        #expect(
            text == """
                # HELP reel_a A.
                # TYPE reel_a gauge
                reel_a{stage="etl"} 1.5
                reel_a{stage="q\\"x"} 2
                # HELP reel_b B.
                # TYPE reel_b gauge
                reel_b 3

                """)
    }

    @Test func compareShowsDeltas() {
        var a = RunRecord(runID: "a", startedAt: "x"), b = RunRecord(runID: "b", startedAt: "x")
        a.metrics["ndcg_at_10"] = 0.2; b.metrics["ndcg_at_10"] = 0.25
        a.params["model.rank"] = "64"; b.params["model.rank"] = "32"
        let text = RunReport.compare(a, b)
        #expect(text.contains("+0.0500 (+25.0%)"))
        #expect(text.contains("changed"))
    }
}
