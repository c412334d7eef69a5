import Foundation
import Testing

/// `make run`'s pipeline part (`make pipeline`, which `make run` calls after building): one
/// `reel nightly` run with a run record, quick restarts, and SYNTH_PRESET honoured or its
/// being ignored said aloud.
@Suite(.serialized) struct MakeRunTests {
    static let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static func make(_ args: [String], home: String) throws -> ReelBinary.Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/make")
        p.arguments = ["--no-print-directory", "-C", home, "-f", checkout + "/Makefile", "BIN=" + ReelBinary.path] + args
        var env = ProcessInfo.processInfo.environment
        env["REEL_ROOT"] = home
        env.removeValue(forKey: "SYNTH_PRESET")
        for (k, v) in fastModel { env[k] = v }
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return .init(status: p.terminationStatus, stdout: String(decoding: data, as: UTF8.self), stderr: "")
    }

    @Test func runIsOneNightlyWithARecordAndRestartsSkipWork() throws {
        let home = try makeHome("make-run")
        let first = try Self.make(["pipeline", "SYNTH_PRESET=tiny"], home: home)
        #expect(first.status == 0, "\(first.stdout)")
        #expect(first.stdout.contains("generating the 'tiny' synthetic data set"))
        #expect(try ReelBinary.ok(["runs", "list"], root: home).stdout.split(separator: "\n").count >= 2)

        let again = try Self.make(["pipeline"], home: home)
        #expect(again.status == 0, "\(again.stdout)")
        #expect(again.stdout.contains("using the 'tiny' synthetic data set"), "\(again.stdout)")
        let statuses = try nightlyStatuses(home)
        #expect(statuses["etl"] == "skipped" && statuses["train"] == "skipped" && statuses["publish"] == "skipped", "\(statuses)")
    }

    @Test func anExplicitPresetReplacesSyntheticDataOfAnotherPreset() throws {
        let home = try makeHome("make-preset")
        try ReelBinary.ok(["synth", "--preset", "small", "--users", "90", "--movies", "70", "--ratings", "2500", "--quiet"], root: home)
        let r = try Self.make(["data", "SYNTH_PRESET=tiny"], home: home)
        #expect(r.status == 0, "\(r.stdout)")
        #expect(r.stdout.contains("holds the 'small' synthetic data set: replacing it with 'tiny'"), "\(r.stdout)")
        let manifest = try String(contentsOfFile: home + "/lakehouse/bronze/movielens/ml-25m/_manifest.json", encoding: .utf8)
        #expect(manifest.contains("\"tiny\""))
        // Without SYNTH_PRESET on the command line the data stays, and make says which it uses.
        let kept = try Self.make(["data"], home: home)
        #expect(kept.stdout.contains("using the 'tiny' synthetic data set"), "\(kept.stdout)")
    }
}
