import Foundation
import Testing

/// Runs the real `reel` binary that `swift build` put next to the test bundle.
/// End-to-end tests go through it exactly as cron, an operator or CI would.
struct ReelBinary {
    /// `.build/<triple>/debug/reel`, found beside the running test executable.
    static let path: String = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        }
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let p = candidate.appendingPathComponent("reel").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return dir.appendingPathComponent("reel").path
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `reel args…` in `root` (as `--root`-less cwd and REEL_ROOT) and waits.
    @discardableResult
    static func run(
        _ args: [String], root: String, env: [String: String] = [:],
        stdin: Data? = nil, timeout: TimeInterval = 300
    ) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: root)
        var environment = ProcessInfo.processInfo.environment
        environment["REEL_ROOT"] = root
        // No work floor under the tuning budget: on test-sized data it would turn every first
        // nightly's tune stage into a search of all 81 points (TuningSearchTests covers the floor).
        environment["REEL_TUNING_MIN_WORK_GFLOP"] = "0"
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        if let stdin {
            let inPipe = Pipe()
            p.standardInput = inPipe
            try p.run()
            inPipe.fileHandleForWriting.write(stdin)
            try inPipe.fileHandleForWriting.close()
        } else {
            p.standardInput = FileHandle.nullDevice
            try p.run()
        }
        // Drain both pipes concurrently so a chatty child never blocks.
        let outData = LockedData(), errData = LockedData()
        let group = DispatchGroup()
        for (pipe, sink) in [(out, outData), (err, errData)] {
            group.enter()
            DispatchQueue.global().async {
                sink.set(pipe.fileHandleForReading.readDataToEndOfFile())
                group.leave()
            }
        }
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        if p.isRunning { p.terminate() }
        p.waitUntilExit()
        group.wait()
        return Result(
            status: p.terminationStatus,
            stdout: String(decoding: outData.get(), as: UTF8.self),
            stderr: String(decoding: errData.get(), as: UTF8.self))
    }

    /// Runs and requires exit status 0, recording the output on failure.
    @discardableResult
    static func ok(_ args: [String], root: String, env: [String: String] = [:]) throws -> Result {
        let r = try run(args, root: root, env: env)
        #expect(r.status == 0, "reel \(args.joined(separator: " ")) exited \(r.status)\nstdout: \(r.stdout)\nstderr: \(r.stderr)")
        return r
    }
}

final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ d: Data) { lock.lock(); data = d; lock.unlock() }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
}

/// A fresh temporary Reel home per test.
func makeHome(_ tag: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("reel-e2e-\(tag)-\(UUID().uuidString.prefix(8))").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// The status of every stage of the newest `reel nightly` run in `home`: ran, skipped, failed or blocked.
func nightlyStatuses(_ home: String) throws -> [String: String] {
    let show = try ReelBinary.ok(["runs", "show", "--json"], root: home)
    let record = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
    let stages = record["stages"] as? [[String: Any]] ?? []
    return Dictionary(uniqueKeysWithValues: stages.map { ($0["name"] as! String, $0["status"] as! String) })
}

/// Where `output/current` points (the served release), or nil.
func currentRelease(_ home: String) -> String? {
    try? FileManager.default.destinationOfSymbolicLink(atPath: home + "/output/current")
}
