import Foundation
import Testing

/// Every subcommand of the real binary, as `reel --help` lists it (nested ones too): the
/// exit-code table ends each help, an unknown option is named as unknown, and the exit
/// codes follow the one table (0 ok, 1 error, 2 not found, 3 locked, 4 gate, 64 usage).
@Suite struct CommandLineShapeTests {
    /// Subcommand paths from the SUBCOMMANDS section of a help screen.
    static func subcommands(of path: [String], root: String) throws -> [[String]] {
        let help = try ReelBinary.run(path + ["--help"], root: root)
        guard let section = help.stdout.components(separatedBy: "SUBCOMMANDS:").dropFirst().first else { return [] }
        var found: [[String]] = []
        for line in section.split(separator: "\n") {
            guard line.hasPrefix("  "), !line.hasPrefix("    ") else {
                if !line.hasPrefix(" ") { break }
                continue
            }
            let name = line.split(separator: " ").first.map(String.init) ?? ""
            guard !name.isEmpty, name != "help", path.count < 3, !path.contains(name),
                name.allSatisfy({ $0.isLowercase || $0 == "-" })
            else { continue }
            let child = path + [name]
            found.append(child)
            found += try subcommands(of: child, root: root)
        }
        return found
    }

    static let allCommands: [[String]] = {
        let root = (try? makeHome("shapes-list")) ?? NSTemporaryDirectory()
        return (try? subcommands(of: [], root: root)) ?? []
    }()

    @Test func theListIsComplete() {
        let names = Set(Self.allCommands.map { $0.joined(separator: " ") })
        for expected in ["init", "synth", "nightly", "topk", "similar", "movie", "serve", "runs list", "config show", "bronze validate"] {
            #expect(names.contains(expected), "reel --help does not list \(expected): \(names.sorted())")
        }
    }

    @Test(arguments: allCommands)
    func helpEndsWithTheExitCodeTable(command: [String]) throws {
        let home = try makeHome("shapes-help")
        let r = try ReelBinary.run(command + ["--help"], root: home)
        #expect(r.status == 0, "\(command) --help: \(r.stderr)")
        #expect(r.stdout.contains("EXIT CODES:"), "reel \(command.joined(separator: " ")) --help has no exit-code table")
        for line in ["  0   success", "  2   not found", "  3   another Reel run", "  4   the quality gate", "  64  usage"] {
            #expect(r.stdout.contains(line), "reel \(command.joined(separator: " ")) --help lacks '\(line)'")
        }
    }

    @Test(arguments: allCommands)
    func anUnknownOptionIsNamedAsUnknown(command: [String]) throws {
        let home = try makeHome("shapes-flag")
        let r = try ReelBinary.run(command + ["--no-such-flag"], root: home)
        #expect(r.status == 64, "reel \(command.joined(separator: " ")) --no-such-flag exited \(r.status)")
        #expect(r.stderr.contains("unknown option '--no-such-flag'"), "\(command): \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: home + "/output"))
    }

    /// The README shows the same table the binary prints.
    @Test func theReadmeShowsTheSameTable() throws {
        let readme = try String(contentsOfFile: MakeRunTests.checkout + "/README.md", encoding: .utf8)
        let help = try ReelBinary.ok(["--help"], root: try makeHome("shapes-readme")).stdout
        let rows = help.components(separatedBy: "EXIT CODES:\n")[1].split(separator: "\n")
        #expect(rows.count == 6)
        for row in rows {
            let parts = row.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1)
            let code = String(parts[0]), meaning = parts[1].trimmingCharacters(in: .whitespaces)
            let words = meaning.split(separator: " ").prefix(3).joined(separator: " ")
            #expect(readme.contains("| \(code) | \(words)"), "README lacks exit code \(code): \(meaning)")
        }
    }

    @Test func rootHelpAndVersion() throws {
        let home = try makeHome("shapes-root")
        let help = try ReelBinary.ok(["--help"], root: home)
        #expect(help.stdout.contains("EXIT CODES:"))
        let version = try ReelBinary.ok(["--version"], root: home)
        #expect(version.stdout.split(separator: ".").count == 3, "\(version.stdout)")
    }

    /// (arguments, exit code, text stderr must contain): typos name the fix.
    static let typos: [([String], Int32, String)] = [
        (["serv"], 64, "did you mean 'serve'?"),
        (["nightl"], 64, "did you mean 'nightly'?"),
        (["runs", "lsit"], 64, "did you mean 'list'?"),
        (["topk", "--usr", "1"], 64, "unknown option '--usr' for 'reel topk'; did you mean '--user'?"),
        (["nightly", "--form", "train"], 64, "did you mean '--from'?"),
        (["similar", "--movei", "1"], 64, "did you mean '--movie'?"),
    ]

    @Test(arguments: typos.indices)
    func typosNameTheFix(index: Int) throws {
        let (args, status, text) = Self.typos[index]
        let home = try makeHome("shapes-typo")
        let r = try ReelBinary.run(args, root: home)
        #expect(r.status == status, "reel \(args.joined(separator: " ")) exited \(r.status): \(r.stderr)")
        #expect(r.stderr.contains(text), "reel \(args.joined(separator: " ")): \(r.stderr)")
    }

    /// A mistyped stage is a usage error found while parsing: no lock, run record or metric.
    @Test(arguments: [["--from", "trian"], ["--only", "publsh"], ["--from", "train", "--only", "publish"]])
    func aMistypedStageWritesNothing(args: [String]) throws {
        let home = try makeHome("shapes-stage")
        try ReelBinary.ok(["init", "--quiet"], root: home)
        let r = try ReelBinary.run(["nightly"] + args, root: home)
        #expect(r.status == 64, "\(r.stderr)")
        if args[1] == "trian" { #expect(r.stderr.contains("did you mean 'train'?"), "\(r.stderr)") }
        for path in ["/output/runs", "/output/metrics", "/output/.reel.lock"] {
            #expect(!FileManager.default.fileExists(atPath: home + path), "\(path) was written")
        }
    }

    /// Exit codes in a home with nothing in it yet: every missing input is 2, every usage error 64.
    static let emptyHomeCodes: [([String], Int32)] = [
        (["etl"], 2), (["train"], 2), (["evaluate"], 2), (["publish"], 2), (["inspect"], 2),
        (["bronze", "validate"], 2), (["topk", "1"], 2), (["topk", "--user", "1"], 2), (["similar", "1"], 2),
        (["movie", "1"], 2), (["trending"], 2), (["verify", "output/current"], 2),
        (["runs", "list"], 2), (["runs", "show"], 2), (["runs", "show", "no-such-run"], 2),
        (["topk"], 64), (["topk", "1", "--user", "2"], 64), (["topk", "1", "--mode", "bogus"], 64),
        (["similar"], 64), (["movie"], 64), (["nightly", "--from", "nope"], 64),
        (["config", "show"], 0), (["releases"], 0),
    ]

    @Test(arguments: emptyHomeCodes.indices)
    func exitCodesFollowTheTable(index: Int) throws {
        let (args, status) = Self.emptyHomeCodes[index]
        let home = try makeHome("shapes-codes")
        try ReelBinary.ok(["init", "--quiet"], root: home)
        let r = try ReelBinary.run(args + ["--quiet"], root: home)
        #expect(r.status == status, "reel \(args.joined(separator: " ")) exited \(r.status), not \(status): \(r.stderr)")
    }
}
