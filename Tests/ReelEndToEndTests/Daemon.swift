import Foundation
import Testing

/// A real `reel serve` on an ephemeral port, stopped by SIGTERM when the test ends.
final class Daemon: @unchecked Sendable {
    let process = Process()
    private(set) var port = 0
    private let output = LockedData()

    init(root: String, extraArgs: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: ReelBinary.path)
        process.arguments = ["serve", "--port", "0", "--poll-interval", "0.2"] + extraArgs
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        var env = ProcessInfo.processInfo.environment
        env["REEL_ROOT"] = root
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let sink = output
        out.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if !data.isEmpty { sink.set(sink.get() + data) }
        }
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let text = String(decoding: output.get(), as: UTF8.self)
            if let range = text.range(of: "listening on http://127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if let p = Int(digits), p > 0 { port = p; return }
            }
            guard process.isRunning else { break }
            usleep(20_000)
        }
        process.terminate()
        throw DaemonError.notListening(String(decoding: output.get(), as: UTF8.self))
    }

    enum DaemonError: Error { case notListening(String) }

    var base: String { "http://127.0.0.1:\(port)" }

    /// SIGTERM, then wait: the daemon must exit cleanly on its own.
    func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { if process.isRunning { process.terminate() } }
}

/// HTTP through curl (installed by `make setup`): status and body.
struct HTTP {
    struct Response { var status: Int; var body: String }

    static func get(_ url: String) throws -> Response {
        let r = try curl(["-s", "-o", "-", "-w", "\n%{http_code}", url])
        let lines = r.split(separator: "\n", omittingEmptySubsequences: false)
        return Response(status: Int(lines.last ?? "") ?? 0, body: lines.dropLast().joined(separator: "\n"))
    }

    /// Many GETs over one keep-alive connection; returns every status code.
    static func statuses(_ urls: [String]) throws -> [Int] {
        var args = ["-s"]
        for u in urls { args += ["-o", "/dev/null", "-w", "%{http_code}\n", u] }
        return try curl(args).split(separator: "\n").compactMap { Int($0) }
    }

    static func json(_ url: String) throws -> (Int, [String: Any]) {
        let r = try get(url)
        let object = (try? JSONSerialization.jsonObject(with: Data(r.body.utf8))) as? [String: Any] ?? [:]
        return (r.status, object)
    }

    /// curl with `args` (20 s limit); its standard output. One runner for every e2e test.
    static func curl(_ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        p.arguments = ["--max-time", "20"] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
