import Foundation
import Testing

/// The served blend from the evaluation report to the daemon: publish
/// precomputes the blend the report chose, and the daemon and the CLI serve
/// it by default — the same list a request naming those weights gets.
@Suite(.serialized) struct BlendEndToEndTests {
    /// Synth data has no trends, so the search keeps the model's order there;
    /// this test plants a chosen blend in the report the way `reel evaluate` writes it.
    @Test func publishedBlendIsTheDefaultOfDaemonAndCLI() throws {
        let home = try makeHome("blend")
        for stage in [["synth", "--preset", "tiny", "--seed", "3"], ["etl"], ["train"], ["evaluate"]] {
            try ReelBinary.ok(stage + ["--quiet"], root: home, env: fastModel)
        }
        let models = home + "/output/models"
        let run = try #require(
            try FileManager.default.contentsOfDirectory(atPath: models)
                .filter { FileManager.default.fileExists(atPath: "\(models)/\($0)/evaluation.json") }.sorted().last)
        let reportPath = "\(models)/\(run)/evaluation.json"
        var report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reportPath))) as? [String: Any])
        var choice = try #require(report["choice"] as? [String: Any], "evaluate writes its candidate choice")
        choice["chosen"] = [
            "kind": "blend", "name": "hybrid",
            "blend": ["model": 0.7, "trending": 0.3, "diversity": 0.1, "window": "30d"] as [String: Any],
        ]
        report["choice"] = choice
        report["defaultMode"] = "hybrid"
        try JSONSerialization.data(withJSONObject: report).write(to: URL(fileURLWithPath: reportPath))

        try ReelBinary.ok(["publish", "--quiet"], root: home, env: fastModel)
        let daemon = try Daemon(root: home)
        defer { _ = daemon.stop() }
        let (_, release) = try HTTP.json("\(daemon.base)/v1/release")
        let serving = try #require((release["metadata"] as? [String: Any])?["serving"] as? [String: Any], "\(release)")
        #expect(serving["defaultMode"] as? String == "hybrid")

        var checked = 0
        for user in 1...20 {
            let (s, byDefault) = try HTTP.json("\(daemon.base)/v1/users/\(user)/recommendations?k=8")
            guard s == 200, byDefault["source"] as? String != "fallback" else { continue }
            #expect(byDefault["source"] as? String == "hybrid")
            #expect(byDefault["weights"] as? [String: Double] == ["model": 0.7, "trending": 0.3, "diversity": 0.1])
            // Precomputed at publish = re-ranked per request with the same weights (a different k, same prefix).
            let (_, named) = try HTTP.json(
                "\(daemon.base)/v1/users/\(user)/recommendations?k=5&mode=hybrid&w_model=0.7&w_trending=0.3&w_diversity=0.1")
            let (_, perturbed) = try HTTP.json(
                "\(daemon.base)/v1/users/\(user)/recommendations?k=8&mode=hybrid&w_model=0.7&w_trending=0.3&w_diversity=0.1000001")
            func ids(_ o: [String: Any]) -> [Int] { (o["items"] as? [[String: Any]] ?? []).compactMap { $0["movieId"] as? Int } }
            #expect(Array(ids(byDefault).prefix(5)) == ids(named))
            #expect(ids(byDefault) == ids(perturbed), "user \(user): stored blend differs from the request-time re-rank")
            let cli = try ReelBinary.ok(["topk", "--user", "\(user)", "--k", "8", "--json"], root: home)
            let cliBody = try #require(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [String: Any])
            #expect(ids(cliBody) == ids(byDefault))
            let (_, als) = try HTTP.json("\(daemon.base)/v1/users/\(user)/recommendations?k=8&mode=als")
            #expect(als["source"] as? String == "implicit-als")
            checked += 1
        }
        #expect(checked >= 5, "too few users with stored lists to compare")
        // --no-blend publishes the model's order as the default again.
        try ReelBinary.ok(["publish", "--no-blend", "--quiet"], root: home, env: fastModel)
        let deadline = Date().addingTimeInterval(10)
        var source = ""
        while Date() < deadline {
            let (_, r) = try HTTP.json("\(daemon.base)/v1/users/1/recommendations?k=3")
            source = r["source"] as? String ?? ""
            if source == "implicit-als" { break }
            usleep(100_000)
        }
        #expect(source == "implicit-als")
    }

    /// A served baseline: publish stores every user's trending list minus what they rated, and the
    /// daemon serves it by default with `source` = the candidate's name.
    @Test func publishedBaselineIsServedWithItsName() throws {
        let home = try makeHome("baseline")
        for stage in [["synth", "--preset", "tiny", "--seed", "4"], ["etl"], ["train"], ["evaluate", "--pin", "trending-30d"]] {
            try ReelBinary.ok(stage + ["--quiet"], root: home, env: fastModel)
        }
        try ReelBinary.ok(["publish", "--quiet"], root: home, env: fastModel)
        let daemon = try Daemon(root: home)
        defer { _ = daemon.stop() }
        let (_, release) = try HTTP.json("\(daemon.base)/v1/release")
        let serving = try #require((release["metadata"] as? [String: Any])?["serving"] as? [String: Any], "\(release)")
        #expect(serving["defaultMode"] as? String == "trending-30d" && serving["baseline"] as? Bool == true)
        var checked = 0
        for user in 1...10 {
            let (s, body) = try HTTP.json("\(daemon.base)/v1/users/\(user)/recommendations?k=5")
            guard s == 200, body["source"] as? String != "fallback" else { continue }
            #expect(body["source"] as? String == "trending-30d", "\(body)")
            let (_, als) = try HTTP.json("\(daemon.base)/v1/users/\(user)/recommendations?k=5&mode=als")
            #expect(als["source"] as? String == "implicit-als")
            checked += 1
        }
        #expect(checked >= 5)
    }
}
