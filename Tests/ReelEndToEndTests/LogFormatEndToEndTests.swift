import Foundation
import Testing

/// `--log-format json` (and `log.format` through REEL_LOG_FORMAT): every stderr line of a stage is one JSON object.
@Suite(.serialized) struct LogFormatEndToEndTests {
    private func objects(_ stderr: String) throws -> [[String: Any]] {
        try stderr.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
        }
    }

    @Test func pipelineLinesAsJSONByFlagAndByConfig() throws {
        let home = try makeHome("logjson")
        let synth = try ReelBinary.ok(["synth", "--preset", "tiny", "--seed", "4", "--log-format", "json"], root: home)
        let lines = try objects(synth.stderr)
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(line["time"] is String && line["stage"] is String && line["message"] is String && line["level"] is String)
        }
        let etl = try ReelBinary.ok(["etl"], root: home, env: ["REEL_LOG_FORMAT": "json"])
        let etlLines = try objects(etl.stderr)
        #expect(etlLines.contains { $0["stage"] as? String == "etl" }, "\(etl.stderr)")
        // The default stays text: `<time> <stage>: <message>`.
        let text = try ReelBinary.ok(["etl"], root: home)
        #expect(text.stderr.split(separator: "\n").allSatisfy { $0.contains(": ") && !$0.hasPrefix("{") }, "\(text.stderr)")
        #expect(try ReelBinary.run(["etl", "--log-format", "xml"], root: home).status == 64)
    }

    /// The CLI's failure line goes through the same facade: `error: <message>` in text, one JSON line in JSON.
    @Test func errorLinesInTextAndJSON() throws {
        let home = try makeHome("logerror")
        try ReelBinary.ok(["init"], root: home)
        let text = try ReelBinary.run(["topk", "--user", "1"], root: home)
        #expect(text.status == 2)
        #expect(
            text.stderr.hasPrefix("error: no release at ") && text.stderr.hasSuffix("\n")
                && text.stderr.split(separator: "\n").count == 1, "\(text.stderr)")
        let json = try ReelBinary.run(["topk", "--user", "1", "--log-format", "json"], root: home)
        #expect(json.status == 2)
        let line = try #require(try objects(json.stderr).first)
        #expect(line["level"] as? String == "error" && line["stage"] as? String == "reel", "\(json.stderr)")
        #expect((line["message"] as? String)?.hasPrefix("no release at ") == true)
        let unknown = try ReelBinary.run(["serv"], root: home)
        #expect(unknown.status == 64)
        #expect(
            unknown.stderr.hasPrefix("error: unknown command 'reel serv'") && unknown.stderr.hasSuffix("\nSee 'reel --help'.\n"),
            "\(unknown.stderr)")
    }

    /// A lookup's note (`Console.note`) sits beside the answer on stderr; `--quiet` drops it.
    @Test func noteLineAndQuiet() throws {
        let home = try makeHome("lognote")
        for stage in [["synth", "--preset", "tiny", "--seed", "7"], ["etl"], ["train"], ["publish"]] {
            try ReelBinary.ok(stage + ["--quiet"], root: home, env: fastModel)
        }
        let shown = try ReelBinary.ok(["topk", "--user", "999999", "--k", "2"], root: home)
        #expect(
            shown.stderr.hasPrefix("note: user 999999 is not in release ") && shown.stderr.hasSuffix("(fallback)\n")
                && shown.stderr.split(separator: "\n").count == 1, "\(shown.stderr)")
        #expect(!shown.stdout.isEmpty)
        let quiet = try ReelBinary.ok(["topk", "--user", "999999", "--k", "2", "--quiet"], root: home)
        #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
        #expect(quiet.stdout == shown.stdout)
    }
}

/// Issue 18's log wording: `reel activate` logs as `activate:`, not `publish:`.
@Suite(.serialized) struct LogWordingEndToEndTests {
    @Test func activateLogsUnderItsOwnStage() throws {
        let origin = try makeHome("wording-origin")
        for stage in [["synth", "--preset", "tiny", "--seed", "6"], ["etl"], ["train"], ["publish"]] {
            try ReelBinary.ok(stage + ["--quiet"], root: origin, env: fastModel)
        }
        let releases = origin + "/output/releases"
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: releases).first { $0.hasSuffix(".reel") })
        let edge = try makeHome("wording-edge")
        try ReelBinary.ok(["init"], root: edge)
        let activated = try ReelBinary.ok(["activate", releases + "/" + file], root: edge)
        let lines = activated.stderr.split(separator: "\n")
        #expect(lines.contains { $0.contains(" activate: ") }, "\(activated.stderr)")
        #expect(!lines.contains { $0.contains(" publish: ") }, "\(activated.stderr)")
    }
}
