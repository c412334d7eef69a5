import Foundation
import Testing

/// `make install PREFIX=…` and `pipeline/ship-to-edge.sh`, as an operator runs them.
@Suite struct OperationsTests {
    static let checkout = MakeRunTests.checkout

    static func run(_ exe: String, _ args: [String], cwd: String, env: [String: String] = [:]) throws -> ReelBinary.Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return .init(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    @Test func installNamesThePrefixInTheUnitsAndTheCrontab() throws {
        let prefix = try makeHome("install") + "/opt/reel"
        let r = try Self.run(
            "/usr/bin/make",
            [
                "--no-print-directory", "-C", Self.checkout, "install-files",
                "PREFIX=" + prefix, "BIN=" + ReelBinary.path,
            ], cwd: Self.checkout)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        for file in ["pipeline/systemd/reel-nightly.service", "pipeline/systemd/reel-serve.service", "pipeline/crontab"] {
            let text = try String(contentsOfFile: prefix + "/" + file, encoding: .utf8)
            #expect(!text.contains("/srv/reel"), "\(file) still names /srv/reel")
            #expect(text.contains(prefix + "/bin/reel"), "\(file) does not run \(prefix)/bin/reel")
        }
        #expect(FileManager.default.isExecutableFile(atPath: prefix + "/bin/reel"))
    }

    /// A home with a current release link (the script only reads where it points in a dry run).
    func homeWithRelease() throws -> String {
        let home = try makeHome("ship")
        try ReelBinary.ok(["init", "--quiet"], root: home)
        try FileManager.default.createSymbolicLink(atPath: home + "/output/current", withDestinationPath: "releases/r-20261206.reel")
        try "me@edge-1\n".write(toFile: home + "/hosts.txt", atomically: true, encoding: .utf8)
        return home
    }

    @Test func aDryRunChecksRsyncAndSshAndWritesNothing() throws {
        let home = try homeWithRelease()
        let script = Self.checkout + "/pipeline/ship-to-edge.sh"
        // PATH without rsync (an empty folder first, then only the basics the script needs).
        let bare = home + "/bare-bin"
        try FileManager.default.createDirectory(atPath: bare, withIntermediateDirectories: true)
        for tool in ["bash", "xargs", "echo", "basename", "readlink", "sed", "dirname", "cat"] {
            try? FileManager.default.createSymbolicLink(atPath: bare + "/" + tool, withDestinationPath: "/usr/bin/" + tool)
        }
        let env = ["PATH": bare, "REEL": ReelBinary.path]
        let missing = try Self.run("/usr/bin/bash", [script, "--root", home, "--hosts", home + "/hosts.txt", "--dry-run"], cwd: home, env: env)
        #expect(missing.status == 64, "\(missing.stdout)\(missing.stderr)")
        #expect(missing.stderr.contains("rsync") && missing.stderr.contains("ssh"), "\(missing.stderr)")
        #expect(!missing.stdout.contains("ok:"))

        for tool in ["rsync", "ssh"] {
            try "#!/bin/sh\nexit 0\n".write(toFile: bare + "/" + tool, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bare + "/" + tool)
        }
        let dry = try Self.run("/usr/bin/bash", [script, "--root", home, "--hosts", home + "/hosts.txt", "--dry-run"], cwd: home, env: env)
        #expect(dry.status == 0, "\(dry.stdout)\(dry.stderr)")
        #expect(dry.stdout.contains("would ship: me@edge-1"), "\(dry.stdout)")
        #expect(!dry.stdout.contains("ok: "))
        #expect(!FileManager.default.fileExists(atPath: home + "/output/bundles"), "a dry run wrote a bundle")
    }
}
