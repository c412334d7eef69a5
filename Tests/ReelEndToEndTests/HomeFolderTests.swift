import Foundation
import Testing

/// A wrong `--root` or the wrong working folder is refused before anything is written,
/// with `reel init` named as the way out; `reel init` makes a home.
@Suite struct HomeFolderTests {
    @Test(arguments: [["nightly"], ["etl"], ["train"], ["publish"], ["evaluate"], ["lakehouse", "vacuum"]])
    func writingCommandsRefuseAFolderThatIsNotAHome(args: [String]) throws {
        let folder = try makeHome("not-a-home")
        try "notes".write(toFile: folder + "/notes.txt", atomically: true, encoding: .utf8)
        let r = try ReelBinary.run(args, root: folder)
        #expect(r.status == 64, "reel \(args.joined(separator: " ")) exited \(r.status): \(r.stderr)")
        #expect(r.stderr.contains("is not a Reel home"), "\(r.stderr)")
        #expect(r.stderr.contains("reel init"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/output"), "output/ was created")
    }

    @Test func aMistypedRootIsNotCreated() throws {
        let base = try makeHome("typo-root")
        let r = try ReelBinary.run(["nightly", "--root", base + "/srv/rel"], root: base)
        #expect(r.status == 64)
        #expect(r.stderr.contains("does not exist"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: base + "/srv"))
    }

    @Test func synthTakesAnEmptyFolderButNotSomeoneElses() throws {
        let busy = try makeHome("synth-busy")
        try "x".write(toFile: busy + "/thesis.tex", atomically: true, encoding: .utf8)
        let refused = try ReelBinary.run(["synth", "--preset", "tiny", "--quiet"], root: busy)
        #expect(refused.status == 64, "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: busy + "/lakehouse"))
        let empty = try makeHome("synth-empty")
        try ReelBinary.ok(["synth", "--preset", "tiny", "--quiet"], root: empty)
    }

    @Test func initMakesAHomeAndConfigShowSaysWhenThereIsNone() throws {
        let folder = try makeHome("init")
        let before = try ReelBinary.ok(["config", "show"], root: folder)
        #expect(before.stderr.contains("no \(folder)/pipeline/reel.toml"), "\(before.stderr)")
        #expect(before.stderr.contains("reel init"))
        let r = try ReelBinary.ok(["init"], root: folder)
        #expect(r.stdout.contains("is a Reel home"))
        #expect(FileManager.default.fileExists(atPath: folder + "/pipeline/reel.toml"))
        let after = try ReelBinary.ok(["config", "show"], root: folder)
        #expect(!after.stderr.contains("pipeline/reel.toml"), "\(after.stderr)")
        // Idempotent: the operator's reel.toml is kept.
        try "[model]\nrank = 16\n".write(toFile: folder + "/pipeline/reel.toml", atomically: true, encoding: .utf8)
        try ReelBinary.ok(["init"], root: folder)
        #expect(try String(contentsOfFile: folder + "/pipeline/reel.toml", encoding: .utf8) == "[model]\nrank = 16\n")
        // A home with nothing in it: nightly fails on the missing bronze data (2), not on the folder.
        let nightly = try ReelBinary.run(["nightly", "--quiet"], root: folder)
        #expect(nightly.status == 2, "\(nightly.stderr)")
    }
}
