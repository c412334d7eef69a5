import Foundation
import Testing

/// `--json` on runs list, runs show, config show, verify and bronze validate: parseable, and in
/// the one naming style (camelCase keys) the HTTP API uses.
@Suite struct JSONOutputTests {
    /// Every object key in `value`, recursively.
    func keys(_ value: Any) -> [String] {
        if let o = value as? [String: Any] { return o.keys.map { $0 } + o.values.flatMap(keys) }
        if let a = value as? [Any] { return a.flatMap(keys) }
        return []
    }

    func parse(_ r: ReelBinary.Result) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
    }

    @Test func everyJSONOutputIsCamelCase() throws {
        let home = try makeHome("json")
        try ReelBinary.ok(["synth", "--preset", "tiny", "--quiet"], root: home)
        try ReelBinary.ok(["nightly", "--quiet"], root: home, env: fastModel)

        let list = try #require(try parse(ReelBinary.ok(["runs", "list", "--json"], root: home)) as? [[String: Any]])
        #expect(list.count == 1)
        #expect(list[0]["runId"] is String && list[0]["outcome"] as? String == "success", "\(list[0].keys.sorted())")
        let show = try #require(try parse(ReelBinary.ok(["runs", "show", "--json"], root: home)) as? [String: Any])
        let config = try #require(try parse(ReelBinary.ok(["config", "show", "--json"], root: home)) as? [String: Any])
        #expect(config["fileFound"] as? Bool == false)  // a home made by `reel synth`: no reel.toml
        let settings = try #require(config["settings"] as? [[String: Any]])
        #expect(settings.contains { $0["key"] as? String == "model.rank" && $0["environment"] as? String == "REEL_MODEL_RANK" })
        let verify = try #require(try parse(ReelBinary.ok(["verify", "--json"], root: home)) as? [String: Any])
        #expect(verify["valid"] as? Bool == true && verify["releaseId"] is String)
        let bronze = try #require(try parse(ReelBinary.ok(["bronze", "validate", "--json"], root: home)) as? [String: Any])
        #expect(bronze["valid"] as? Bool == true)
        #expect((bronze["files"] as? [String: Any])?["ratings.csv"] != nil)

        for (name, value) in [("runs list", list as Any), ("runs show", show), ("verify", verify), ("bronze validate", bronze)] {
            let snake = keys(value).filter { $0.contains("_") && !$0.hasPrefix("_") }
            #expect(snake.isEmpty, "\(name) --json has snake_case keys: \(snake)")
        }

        // A broken file: the JSON says why, and the exit code is the table's.
        try Data("not a release".utf8).write(to: URL(fileURLWithPath: home + "/broken.reel"))
        let bad = try ReelBinary.run(["verify", "--json", "broken.reel"], root: home)
        #expect(bad.status == 1)
        let badBody = try #require(try parse(bad) as? [String: Any])
        #expect(badBody["valid"] as? Bool == false && badBody["error"] is String)
    }
}
