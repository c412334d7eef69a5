import Testing
@testable import ReelCore
@testable import ReelSettings
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

    /// toml++'s messages, with the file, line and column in front.
    @Test(arguments: [
        ("x = ", "c.toml:1:", "end-of-file"),
        ("x = abc", "c.toml:1:", "strings need quotes"),
        ("[bad", "c.toml:1:", "table header"),
        ("x = \"open", "c.toml:1:", "string"),
        ("x = 1\nx = 2", "c.toml:2:", "redefine"),
        ("a = 1\n\njust words", "c.toml:3:", "expected '='"),
    ])
    func rejectsMalformedLinesNamingTheLine(text: String, location: String, fragment: String) {
        do {
            _ = try TOML.parse(text, file: "c.toml")
            Issue.record("accepted \(text)")
        } catch let e as ReelError {
            #expect(e.message.contains(fragment), "\(e.message)")
            #expect(e.message.hasPrefix(location), "\(e.message)")
        } catch { Issue.record("\(error)") }
    }

    /// TOML the old hand parser refused, each value still placed on its line.
    @Test func readsFullTOMLWithTheLineOfEachKey() throws {
        let text = """
            model.rank = 8
            [serve]
            cors_origin = \"\"\"
            [not a table]\"\"\"
            "host" = 'h'
            [engine]
            inline = { a = 1, b = "x" }
            """
        let entries = try TOML.parse(text, file: "t.toml")
        let d = Dictionary(uniqueKeysWithValues: entries.map { ($0.key, ($0.value, $0.line)) })
        #expect(d["model.rank"]?.0 == .integer(8) && d["model.rank"]?.1 == 1)
        #expect(d["serve.cors_origin"]?.0 == .string("[not a table]") && d["serve.cors_origin"]?.1 == 3)
        #expect(d["serve.host"]?.0 == .string("h") && d["serve.host"]?.1 == 5)
        #expect(d["engine.inline.a"]?.0 == .integer(1) && d["engine.inline.b"]?.1 == 7)
        #expect(entries.map(\.line) == entries.map(\.line).sorted(), "entries come in file order")
    }

    @Test func datesAreRefusedNamingKeyAndLine() {
        do {
            _ = try TOML.parse("[model]\n\nrank = 1979-05-27\n", file: "d.toml")
            Issue.record("accepted a date")
        } catch let e as ReelError {
            #expect(e.message.hasPrefix("d.toml:3:") && e.message.contains("model.rank"), "\(e.message)")
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
        #expect(c.int(.modelRank) == 32)
        #expect(c.source(.modelRank) == .environment("REEL_MODEL_RANK"))
        #expect(c.int(.modelImplicitIterations) == 3)
        #expect(c.source(.modelImplicitIterations) == .file(path: path, line: 3))
        #expect(c.double(.etlRejectThreshold) == 0.01)
        #expect(c.source(.etlRejectThreshold) == .builtIn)
        #expect(c.render().contains("model.rank"))
    }

    @Test func badConfigNamesTheKey() throws {
        for (text, key, line) in [
            ("[model]\nrnak = 3\n", "model.rnak", 2), ("[model]\nrank = \"big\"\n", "model.rank", 2),
            ("[model]\nmode = \"deep\"\n", "model.mode", 2),
            ("# c\n[etl]\n\nreject_threshold = 2.0\n", "etl.reject_threshold", 4),
            ("[serve]\nport = 1.5\n", "serve.port", 2), ("[hybrid]\ntune = \"yes\"\n", "hybrid.tune", 2),
        ] {
            let path = try write(text)
            #expect(throws: ReelError.self) { try ReelConfig.load(path: path, environment: [:]) }
            do { _ = try ReelConfig.load(path: path, environment: [:]) } catch let e as ReelError {
                #expect(e.message.contains("'\(key)'"), "\(e.message)")
                #expect(e.message.contains("\(path):\(line)"), "\(e.message)")
            }
        }
        #expect(throws: ReelError.self) { try ReelConfig.load(path: "/nonexistent", environment: ["REEL_MODEL_RNAK": "1"]) }
        do {
            _ = try ReelConfig.load(path: "/nonexistent", environment: ["REEL_MODEL_RANK": "many"])
            Issue.record("accepted REEL_MODEL_RANK=many")
        } catch let e as ReelError {
            #expect(e.message.contains("'model.rank'") && e.message.contains("REEL_MODEL_RANK"), "\(e.message)")
        }
    }

    /// Every key of the four typed enums is a setting, and every setting has a key.
    @Test func typedKeysAreExactlyTheSettings() {
        let keys = ReelConfig.allKeys.map(\.name)
        #expect(keys.count == Set(keys).count, "a key is declared twice")
        #expect(Set(keys) == Set(ReelConfig.settings.map(\.key)))
        #expect(ReelConfig.settings.count == keys.count)
        let config = ReelConfig()
        for key in ReelConfig.IntKey.allCases { _ = config.int(key) }
        for key in ReelConfig.DoubleKey.allCases { _ = config.double(key) }
        for key in ReelConfig.BoolKey.allCases { _ = config.bool(key) }
        for key in ReelConfig.StringKey.allCases { _ = config.string(key) }
    }

    /// Each key of pipeline/reel.toml, set to a value other than its default,
    /// reads back as that value from its own line.
    @Test(arguments: ReelConfig.settings.map(\.key))
    func everyKeyOfTheCommittedFileRoundTrips(key: String) throws {
        let root = Path.parent(Path.parent(Path.parent(#filePath)))
        let committed = try FileSystem.readText(root + "/pipeline/reel.toml")
        let setting = try #require(ReelConfig.settings.first { $0.key == key })
        let base = try ReelConfig.load(path: try write(committed), environment: [:])
        guard case .file(_, let line) = base.source(of: setting) else {
            Issue.record("\(key) is not in pipeline/reel.toml")
            return
        }
        var lines = committed.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let leaf = String(key.split(separator: ".")[1])
        #expect(lines[line - 1] == "\(leaf) = \(setting.defaultValue)")
        let other = Self.otherValue(setting)
        #expect(other != setting.defaultValue)
        lines[line - 1] = "\(leaf) = \(other)"
        let path = try write(lines.joined(separator: "\n"))
        let changed = try ReelConfig.load(path: path, environment: [:])
        #expect(changed.value(of: setting) == other)
        #expect(changed.source(of: setting) == .file(path: path, line: line))
        for s in ReelConfig.settings where s.key != key { #expect(changed.value(of: s) == s.defaultValue, "\(s.key)") }
    }

    static func otherValue(_ s: Setting) -> TOMLValue {
        switch (s.kind, s.defaultValue) {
        case (.integer(let r), .integer(let d)): return .integer(d == r.upperBound ? r.lowerBound : r.upperBound)
        case (.float(let r), .float(let d)): return .float(d == r.upperBound ? r.lowerBound : r.upperBound)
        case (.boolean, .boolean(let b)): return .boolean(!b)
        case (.choice(let options), .string(let d)): return .string(options.first { $0 != d }!)
        default: return .string("a \"quoted\" value")
        }
    }

    @Test func defaultFileHoldsEverySettingAndParsesToTheDefaults() throws {
        let path = try write(ReelConfig.defaultTOML())
        let c = try ReelConfig.load(path: path, environment: [:])
        for s in ReelConfig.settings {
            #expect(c.value(of: s) == s.defaultValue, "\(s.key)")
            if case .file = c.source(of: s) {} else { Issue.record("\(s.key) missing from the default file") }
        }
    }

    @Test func committedPipelineConfigIsTheDefaultFile() throws {
        // Tests/ReelSettingsTests/ConfigTests.swift → repository root.
        let root = Path.parent(Path.parent(Path.parent(#filePath)))
        let committed = try FileSystem.readText(root + "/pipeline/reel.toml")
        #expect(committed == ReelConfig.defaultTOML(), "regenerate pipeline/reel.toml with `reel config init --stdout`")
    }
}
