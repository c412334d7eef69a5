import Testing
import ReelTestSupport
import ReelCore
@testable import ReelLakehouse
@testable import ReelSilver
#if canImport(Glibc)
import Glibc
#endif

/// Paths of the checkout the tests run in.
enum TestPaths {
    static let testsDirectory = Path.parent(#filePath)
    static let fixtures = Path.join(testsDirectory, "Fixtures")
    static let repository = Path.parent(Path.parent(testsDirectory))
    static let schemas = Path.join(repository, "schemas")
}

/// A fresh, empty Reel home in /tmp.
func makeTempHome(_ tag: String = "reel-etl") -> ReelHome {
    ReelHome(root: makeTempDir(tag))
}

/// Copies `Fixtures/<name>/*.csv` into the home's bronze folder.
func installBronze(_ name: String, into home: ReelHome) throws {
    let from = Path.join(TestPaths.fixtures, name)
    for file in FileSystem.list(from) {
        try FileSystem.writeAtomically(Path.join(home.bronzeMovieLens, file), bytes: try FileSystem.readBytes(Path.join(from, file)))
    }
}

/// Writes one bronze file.
func writeBronze(_ home: ReelHome, _ file: String, _ text: String) throws {
    try FileSystem.writeAtomically(Path.join(home.bronzeMovieLens, file), text: text)
}

/// Options for a test run: a fixed clock, the checkout's contract, quiet.
func testOptions(threshold: Double = 0.01, threads: Int = 2, now: Int64 = 2_000_000_000) -> ETLOptions {
    Console.quiet = true
    var o = ETLOptions()
    o.rejectThreshold = threshold
    o.threads = threads
    o.now = now
    o.schemasDirectory = TestPaths.schemas
    return o
}

/// The rows of a quarantine file: (line, rule, original).
func quarantineRows(_ path: String) throws -> [(line: Int, rule: String, original: String)] {
    let rows = scanAll(try FileSystem.readText(path))
    #expect(rows.first?.fields == ["line", "rule", "original"])
    return rows.dropFirst().map { (Int($0.fields[0]) ?? -1, $0.fields[1], $0.fields[2]) }
}

/// The message of the `ReelError` that `body` throws ("" when it does not).
func errorMessage(_ body: () throws -> Void) -> (kind: ReelError.Kind?, message: String) {
    do { try body(); return (nil, "") } catch let e as ReelError { return (e.kind, e.message) } catch { return (nil, "\(error)") }
}

/// Every file of a version folder except report.json, by name.
func versionFiles(_ dir: String) throws -> [String: [UInt8]] {
    var out: [String: [UInt8]] = [:]
    for name in FileSystem.list(dir) where name != SilverFormat.reportName {
        out[name] = try FileSystem.readBytes(Path.join(dir, name))
    }
    return out
}
