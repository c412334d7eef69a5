import Foundation
import Testing

/// Small, fast model settings for debug builds (the defaults are for real data).
let fastModel = [
    "REEL_MODEL_RANK": "8", "REEL_MODEL_IMPLICIT_ITERATIONS": "3", "REEL_MODEL_EXPLICIT_ITERATIONS": "3",
    "REEL_TUNING_NIGHTLY": "false",
]  // the tune stage has its own tests (TuneCommandTests, TuningScheduleTests)

/// synth → etl → train → evaluate → publish, then the CLI and a real daemon
/// over real HTTP, then a new release published under concurrent load.
@Suite(.serialized) struct PipelineEndToEndTests {
    @Test func stagesChainWithoutArgumentsAndEveryRouteAnswers() throws {
        let home = try makeHome("pipeline")
        for stage in [["synth", "--preset", "tiny", "--seed", "7"], ["bronze", "validate"], ["etl"], ["train"], ["evaluate"], ["publish"]] {
            try ReelBinary.ok(stage + ["--quiet"], root: home, env: fastModel)
        }
        // CLI lookups: found (0), not found (2), JSON identical in shape to the daemon's.
        // `als` stays an alias of the model's candidate name, which the answer gives as its source.
        for mode in ["als", "implicit-als", "IMPLICIT-ALS"] {
            let topk = try ReelBinary.ok(["topk", "--user", "1", "--k", "5", "--mode", mode, "--json"], root: home)
            let named = try #require(try JSONSerialization.jsonObject(with: Data(topk.stdout.utf8)) as? [String: Any])
            #expect(named["source"] as? String == "implicit-als", "--mode \(mode)")
        }
        #expect(try ReelBinary.run(["topk", "--user", "1", "--mode", "alsx"], root: home).status == 64)
        let topk = try ReelBinary.ok(["topk", "--user", "1", "--k", "5", "--mode", "als", "--json"], root: home)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(topk.stdout.utf8)) as? [String: Any])
        #expect((body["items"] as? [Any])?.count == 5)
        #expect(try ReelBinary.run(["movie", "999999"], root: home).status == 2)
        #expect(try ReelBinary.run(["similar", "--movie", "1", "--k", "3"], root: home).status == 0)
        #expect(try ReelBinary.ok(["verify", "output/current"], root: home).status == 0)

        let daemon = try Daemon(root: home)
        let (s1, rec) = try HTTP.json("\(daemon.base)/v1/users/1/recommendations?k=5")
        #expect(s1 == 200)
        #expect((rec["items"] as? [[String: Any]])?.first?["title"] is String)
        #expect(rec["items"] as? [[String: Any]] == nil || (rec["items"] as! [[String: Any]]).count == 5)
        let (s2, hybrid) = try HTTP.json("\(daemon.base)/v1/users/1/recommendations?k=5&mode=hybrid")
        #expect(s2 == 200 && hybrid["source"] as? String == "hybrid")
        let (s4, named) = try HTTP.json("\(daemon.base)/v1/users/1/recommendations?k=5&mode=implicit-als")
        #expect(s4 == 200 && named["source"] as? String == "implicit-als", "the model's order by its candidate name")
        #expect(try HTTP.get("\(daemon.base)/v1/users/1/recommendations?mode=alsx").status == 400)
        let (s3, fallback) = try HTTP.json("\(daemon.base)/v1/users/999999/recommendations")
        #expect(s3 == 200 && fallback["source"] as? String == "fallback")
        #expect(try HTTP.get("\(daemon.base)/v1/trending?window=30d&k=3").status == 200)
        #expect(try HTTP.get("\(daemon.base)/v1/movies/1").status == 200)
        #expect(try HTTP.get("\(daemon.base)/v1/movies/1/similar?k=3").status == 200)
        #expect(try HTTP.get("\(daemon.base)/v1/movies/abc").status == 400)
        #expect(try HTTP.get("\(daemon.base)/v1/users/1/recommendations?k=0").status == 400)
        #expect(try HTTP.get("\(daemon.base)/nope").status == 404)
        #expect(try HTTP.get("\(daemon.base)/readyz").status == 200)
        let metrics = try HTTP.get("\(daemon.base)/metrics")
        #expect(metrics.status == 200 && metrics.body.contains("reel_"))
        let (_, release1) = try HTTP.json("\(daemon.base)/v1/release")
        let firstID = try #require(release1["id"] as? String ?? release1["releaseID"] as? String)

        // A new release while four clients keep requesting: zero failures, new id visible.
        let failures = LockedCounter()
        let group = DispatchGroup()
        for client in 0..<4 {
            group.enter()
            DispatchQueue.global().async {
                defer { group.leave() }
                for _ in 0..<6 {
                    let urls = (0..<25).map { "\(daemon.base)/v1/users/\(1 + (client * 25 + $0) % 100)/recommendations?k=5" }
                    let statuses = (try? HTTP.statuses(urls)) ?? []
                    failures.add(urls.count - statuses.filter { $0 == 200 }.count)
                }
            }
        }
        try ReelBinary.ok(["train", "--seed", "99", "--quiet"], root: home, env: fastModel)
        try ReelBinary.ok(["publish", "--quiet"], root: home, env: fastModel)
        group.wait()
        #expect(failures.value == 0, "\(failures.value) requests failed during the swap")
        var secondID = firstID
        let deadline = Date().addingTimeInterval(10)
        while secondID == firstID && Date() < deadline {
            let (_, r) = try HTTP.json("\(daemon.base)/v1/release")
            secondID = r["id"] as? String ?? r["releaseID"] as? String ?? firstID
            usleep(100_000)
        }
        #expect(secondID != firstID, "the daemon still serves \(firstID)")
        #expect(daemon.stop() == 0, "reel serve did not exit cleanly on SIGTERM")
    }
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add(_ n: Int) { lock.lock(); count += n; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
