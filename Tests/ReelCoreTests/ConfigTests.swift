import Testing
@testable import ReelCore
import ReelTestSupport

@Suite struct TOMLTests {
    @Test func parsesTablesScalarsArraysAndComments() throws {
        let text = """
        # comment
        top = "a # not a comment"
        [model]
        rank = 1_024   # trailing comment
        lambda = 0.5
        on = true
        names = ["x", 'y', 3]
        [a.b]
        c = -2
        """
        let entries = try TOML.parse(text, file: "t.toml")
        let d = Dictionary(uniqueKeysWithValues: entries.map { ($0.key, $0.value) })
        #expect(d["top"] == .string("a # not a comment"))
        #expect(d["model.rank"] == .integer(1024))
        #expect(d["model.lambda"] == .float(0.5))
        #expect(d["model.on"] == .boolean(true))
        #expect(d["model.names"] == .array([.string("x"), .string("y"), .integer(3)]))
        #expect(d["a.b.c"] == .integer(-2))
        #expect(entries.first { $0.key == "model.lambda" }?.line == 5)
    }

    @Test(arguments: [
        ("x = ", "missing value"),
        ("x = abc", "strings need quotes"),
        ("[bad", "malformed table header"),
        ("x = \"open", "unterminated"),
        ("x = 1\nx = 2", "defined twice"),
        ("just words", "expected `key = value`"),
    ])
    func rejectsMalformedLinesNamingTheLine(text: String, fragment: String) {
        do {
            _ = try TOML.parse(text, file: "c.toml")
            Issue.record("accepted \(text)")
        } catch let e as ReelError {
            #expect(e.message.contains(fragment), "\(e.message)")
            #expect(e.message.hasPrefix("c.toml:"))
        } catch { Issue.record("\(error)") }
    }
}

@Suite struct ReelConfigTests {
    func write(_ text: String) throws -> String {
        let path = makeTempDir() + "/reel.toml"
        try FileSystem.writeAtomically(path, text: text)
        return path
    }

    @Test func precedenceIsDefaultThenFileThenEnvironment() throws {
        let path = try write("[model]\nrank = 16\nimplicit_iterations = 3\n")
        let c = try ReelConfig.load(path: path, environment: ["REEL_MODEL_RANK": "32", "REEL_ROOT": "/x"])
        #expect(c.int("model.rank") == 32)
        #expect(c.source("model.rank") == .environment("REEL_MODEL_RANK"))
        #expect(c.int("model.implicit_iterations") == 3)
        #expect(c.source("model.implicit_iterations") == .file(path: path, line: 3))
        #expect(c.double("etl.reject_threshold") == 0.01)
        #expect(c.source("etl.reject_threshold") == .builtIn)
        #expect(c.render().contains("model.rank"))
    }

    @Test func badConfigNamesTheKey() throws {
        for (text, key) in [("[model]\nrnak = 3\n", "model.rnak"), ("[model]\nrank = \"big\"\n", "model.rank"),
                            ("[model]\nmode = \"deep\"\n", "model.mode"), ("[etl]\nreject_threshold = 2.0\n", "etl.reject_threshold")] {
            let path = try write(text)
            #expect(throws: ReelError.self) { try ReelConfig.load(path: path, environment: [:]) }
            do { _ = try ReelConfig.load(path: path, environment: [:]) } catch let e as ReelError {
                #expect(e.message.contains(key), "\(e.message)")
            }
        }
        #expect(throws: ReelError.self) { try ReelConfig.load(path: "/nonexistent", environment: ["REEL_MODEL_RNAK": "1"]) }
        #expect(throws: ReelError.self) { try ReelConfig.load(path: "/nonexistent", environment: ["REEL_MODEL_RANK": "many"]) }
    }

    @Test func defaultFileHoldsEverySettingAndParsesToTheDefaults() throws {
        let path = try write(ReelConfig.defaultTOML())
        let c = try ReelConfig.load(path: path, environment: [:])
        for s in ReelConfig.settings {
            #expect(c.value(s.key) == s.defaultValue, "\(s.key)")
            if case .file = c.source(s.key) {} else { Issue.record("\(s.key) missing from the default file") }
        }
    }

    @Test func committedPipelineConfigIsTheDefaultFile() throws {
        // Tests/ReelCoreTests/ConfigTests.swift → repository root.
        let root = Path.parent(Path.parent(Path.parent(#filePath)))
        let committed = try FileSystem.readText(root + "/pipeline/reel.toml")
        #expect(committed == ReelConfig.defaultTOML(), "regenerate pipeline/reel.toml with `reel config init --stdout`")
    }
}
