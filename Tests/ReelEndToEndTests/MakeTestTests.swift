import Foundation
import Testing

/// `make test`: quiet, with a summary naming every skip and its reason; Python test packages in a
/// virtualenv under .build/, never the system Python.
@Suite struct MakeTestTests {
    @Test func theSummaryListsEverySkipWithItsReasonAndTheClosingLine() throws {
        let home = try makeHome("summary")
        let log = """
            ◇ Test run started.
            ✔ Test ok() passed after 0.1 seconds.
            ➜ Test splitAcrossTwoCPUs() skipped: "needs two CPUs"
            ➜ Suite ExternalReaderTests skipped: "pyarrow is not installed"
            ✘ Test broken() recorded an issue at X.swift:3:5: Expectation failed: 1 == 2
            ✘ Test run with 4 tests in 2 suites failed after 1.0 seconds with 1 issue.

            """
        try log.write(toFile: home + "/test.log", atomically: true, encoding: .utf8)
        let r = try OperationsTests.run("/usr/bin/bash", [MakeRunTests.checkout + "/scripts/test-summary.sh", home + "/test.log"], cwd: home)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("skipped (2):"), "\(r.stdout)")
        #expect(r.stdout.contains("needs two CPUs") && r.stdout.contains("pyarrow is not installed"))
        #expect(r.stdout.contains("broken() recorded an issue"))
        #expect(r.stdout.hasSuffix("failed after 1.0 seconds with 1 issue.\n"), "\(r.stdout)")
    }

    @Test func pythonPackagesGoIntoAVirtualenvUnderBuild() throws {
        let makefile = try String(contentsOfFile: MakeRunTests.checkout + "/Makefile", encoding: .utf8)
        #expect(!makefile.contains("python3 -m pip install"), "make test installs into the system Python")
        #expect(makefile.contains("python3 -m venv $(PYENV)") && makefile.contains("PYENV := .build/pyenv"))
        let dry = try OperationsTests.run("/usr/bin/make", ["-n", "--no-print-directory", "-C", MakeRunTests.checkout, "test"], cwd: home())
        #expect(dry.stdout.contains("scripts/test-summary.sh .build/test.log"), "\(dry.stdout)")
    }

    func home() -> String { MakeRunTests.checkout }
}
