import Foundation

/// Runs external tools (promtool, python3) for the monitoring and MLflow
/// tests. Output goes to a temporary file rather than a pipe, so a chatty
/// child can never block on a full pipe while the test waits for it.
enum Subprocess {
    struct Result {
        var status: Int32
        /// stdout and stderr, interleaved as the tool wrote them.
        var output: String
    }

    /// The first executable called `name` on `$PATH`, if any.
    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `executable arguments…` to completion (killed after `timeout` seconds).
    static func run(
        _ executable: String, _ arguments: [String], stdin: String? = nil,
        timeout: TimeInterval = 120
    ) throws -> Result {
        let process = try start(executable, arguments, stdin: stdin)
        let deadline = Date().addingTimeInterval(timeout)
        while process.process.isRunning && Date() < deadline { usleep(10_000) }
        if process.process.isRunning {
            process.stop()
            return Result(
                status: -1, output: "timed out after \(Int(timeout)) s: \(executable) \(arguments.joined(separator: " "))\n" + process.output())
        }
        process.process.waitUntilExit()
        return Result(status: process.process.terminationStatus, output: process.output())
    }

    /// Starts a long-running child (a server); the caller must `stop()` it.
    static func start(
        _ executable: String, _ arguments: [String], stdin: String? = nil,
        environment: [String: String] = [:]
    ) throws -> Running {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("reel-subprocess-\(UUID().uuidString).log").path
        guard FileManager.default.createFile(atPath: log, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: log])
        }
        let sink = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardOutput = sink
        process.standardError = sink
        if let stdin {
            let input = Pipe()
            process.standardInput = input
            try process.run()
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }
        try sink.close()
        return Running(process: process, logPath: log)
    }

    /// A started child and the file its output goes to.
    final class Running: @unchecked Sendable {
        let process: Process
        let logPath: String

        init(process: Process, logPath: String) {
            self.process = process
            self.logPath = logPath
        }

        /// Everything the child wrote so far.
        func output() -> String {
            (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        }

        /// SIGTERM to the child and every process it started (servers fork
        /// workers), then SIGKILL to whatever is left after 5 s; waits for the child.
        func stop() {
            // Collected first: once the child exits, its workers are re-parented and lost.
            let tree = [process.processIdentifier] + Self.descendants(of: process.processIdentifier)
            for pid in tree { kill(pid, SIGTERM) }
            let deadline = Date().addingTimeInterval(5)
            while tree.contains(where: { kill($0, 0) == 0 && !Self.isZombie($0) }) && Date() < deadline { usleep(20_000) }
            for pid in tree where kill(pid, 0) == 0 && !Self.isZombie(pid) { kill(pid, SIGKILL) }
            process.waitUntilExit()
        }

        /// Children, grandchildren, … of `pid`, from /proc/<pid>/stat.
        static func descendants(of pid: Int32) -> [Int32] {
            var parents: [Int32: [Int32]] = [:]
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
                guard let child = Int32(entry), let stat = procStat(child) else { continue }
                parents[stat.parent, default: []].append(child)
            }
            var out: [Int32] = [], queue = [pid]
            while let next = queue.popLast() {
                for child in parents[next] ?? [] { out.append(child); queue.append(child) }
            }
            return out
        }

        static func isZombie(_ pid: Int32) -> Bool { procStat(pid)?.state == "Z" }

        /// State and parent pid: the fields after the `(command)` of /proc/<pid>/stat.
        private static func procStat(_ pid: Int32) -> (state: Character, parent: Int32)? {
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = text.lastIndex(of: ")")
            else { return nil }
            let fields = text[text.index(after: close)...].split(separator: " ")
            guard fields.count > 1, let state = fields[0].first, let parent = Int32(fields[1]) else { return nil }
            return (state, parent)
        }

        deinit { try? FileManager.default.removeItem(atPath: logPath) }
    }
}

/// Paths in this checkout (the tests read the files they check in place).
enum Checkout {
    /// The repository root: three levels above this file.
    static let root: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static func path(_ relative: String) -> String { root + "/" + relative }

    static var monitoring: String { path("pipeline/monitoring") }
}
