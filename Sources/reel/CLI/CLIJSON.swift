import ReelCore
import ReelLakehouse
import ReelRelease
import ReelServing
import ReelSettings

/// The `--json` bodies of `verify`, `bronze validate` and `config show`, and the camelCase
/// pass every CLI JSON goes through (`JSONStyle`): one naming style across the API and the CLI.
enum CLIJSON {
    /// `text` (JSON) in the CLI's style: camelCase keys, rounded numbers.
    static func styled(_ text: String) -> String {
        String(decoding: JSONStyle.camelCased(Array(text.utf8)), as: UTF8.self)
    }

    static func int(_ n: Int) -> String { String(n) }

    /// `reel verify --json`.
    static func verified(_ r: Release, path: String) -> String {
        JSONStyle.object([
            ("valid", "true"), ("path", JSONStyle.string(path)), ("releaseId", JSONStyle.string(r.releaseID)),
            ("users", int(r.userCount)), ("movies", int(r.movieCount)), ("recommendationsPerUser", int(r.storedK)),
            ("bytes", int(r.fileSize)), ("xxh3", JSONStyle.string(XXH3.hex(XXH3.hash(r.tables.file.file.bytes)))),
        ])
    }

    /// `reel verify --json` for a file that failed: the reason, on stdout too.
    static func invalid(path: String, error: ReelError) -> String {
        JSONStyle.object([
            ("valid", "false"), ("path", JSONStyle.string(path)),
            ("error", JSONStyle.string(error.message)), ("exitCode", String(error.exitCode)),
        ])
    }

    /// `reel bronze validate --json`.
    static func bronze(_ v: BronzeValidation) -> String {
        var pairs: [(String, String)] = [
            ("dir", JSONStyle.string(v.dir)), ("valid", v.isValid ? "true" : "false"),
            ("problems", "[" + v.problems.map(JSONStyle.string).joined(separator: ",") + "]"),
        ]
        if let m = v.manifest {
            pairs.append(("dataset", JSONStyle.string(m.dataset)))
            pairs.append(("source", JSONStyle.string(m.source)))
            let files = m.files.keys.sorted().map { name -> (String, String) in
                let f = m.files[name]!
                return (name, JSONStyle.object([("rows", int(f.rows)), ("bytes", int(f.bytes)), ("xxh3", JSONStyle.string(f.xxh3))]))
            }
            pairs.append(("files", JSONStyle.object(files)))
        }
        return JSONStyle.object(pairs)
    }

    /// `reel config show --json`: every setting with its value, source and environment variable.
    static func config(_ c: ReelConfig, file: String, fileFound: Bool) -> String {
        let settings = ReelConfig.settings.map { s -> String in
            JSONStyle.object([
                ("key", JSONStyle.string(s.key)), ("value", tomlJSON(c.value(of: s))),
                ("source", JSONStyle.string("\(c.source(of: s))")),
                ("environment", JSONStyle.string(s.environmentName)),
            ])
        }
        return JSONStyle.object([
            ("file", JSONStyle.string(file)), ("fileFound", fileFound ? "true" : "false"),
            ("settings", "[" + settings.joined(separator: ",") + "]"),
        ])
    }

    static func tomlJSON(_ v: TOMLValue) -> String {
        switch v {
        case .string(let s): return JSONStyle.string(s)
        case .integer(let i): return String(i)
        case .float(let d): return d.isFinite ? "\(JSONStyle.rounded(d))" : "null"
        case .boolean(let b): return b ? "true" : "false"
        case .array(let a): return "[" + a.map(tomlJSON).joined(separator: ",") + "]"
        }
    }
}
