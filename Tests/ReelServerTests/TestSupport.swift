import Foundation
import Logging
import ReelCore
@testable import ReelServer
import NIOCore
import Synchronization

/// Log lines captured from a server under test ("level message metadata").
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func contains(_ text: String) -> Bool { all.contains { $0.contains(text) } }

    var logger: Logger {
        Logger(label: "reel.test") { _ in CapturingHandler(capture: self) }
    }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }
}

private struct CapturingHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        capture.append("\(event.level) \(event.message) \(fields.joined(separator: " "))")
    }
}

/// A temporary folder with a release path the tests point `current` at.
/// "Release files" here are text files holding a release id; `loader` turns
/// one into a `FakeStore` with that id, and refuses a file whose text starts
/// with "corrupt", as a failed verification.
final class ReleaseFolder: Sendable {
    let root: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/reel-server-test-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw TestClientError("mkdtemp failed") }
        root = String(cString: made)
    }

    deinit { try? FileSystem.removeTree(root) }

    var current: String { root + "/current" }

    /// Writes release file `name` holding `id` (atomically, as publish does).
    func write(_ name: String, id: String) throws {
        try FileSystem.writeAtomically(root + "/" + name, text: id)
    }

    /// Points `current` at `name` (relative symlink, replaced atomically).
    func activate(_ name: String) throws {
        try FileSystem.replaceSymlink(current, target: name)
    }

    /// Production loads with `Release(path:)`; tests with this.
    static let loader: @Sendable (String) throws -> FakeStore = { path in
        let text = try FileSystem.readText(path).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("corrupt") { throw ReelError(.corrupt, "\(path): checksum mismatch in section movies") }
        return FakeStore(releaseID: text)
    }
}

/// A server on an ephemeral port, serving `FakeStore`s loaded from a `ReleaseFolder`.
struct RunningServer {
    let server: LookupServer<FakeStore>
    let port: Int
    let folder: ReleaseFolder
    let logs: LogCapture

    static func start(id: String? = "R1", configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> RunningServer {
        let folder = try ReleaseFolder()
        if let id {
            try folder.write("r1.reel", id: id)
            try folder.activate("r1.reel")
        }
        var configuration = ServerConfiguration(releasePath: folder.current)
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.threads = 2
        configuration.pollInterval = 0
        configure(&configuration)
        let logs = LogCapture()
        let server = LookupServer<FakeStore>(configuration: configuration, logger: logs.logger, loader: ReleaseFolder.loader)
        let port = try await server.start()
        return RunningServer(server: server, port: port, folder: folder, logs: logs)
    }

    func stop() async { await server.shutdown() }
}

/// Runs `body` against a fresh server and always shuts it down afterwards.
func withServer(
    id: String? = "R1", configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: (RunningServer) async throws -> Void
) async throws {
    let running = try await RunningServer.start(id: id, configure: configure)
    do {
        try await body(running)
    } catch {
        await running.stop()
        throw error
    }
    await running.stop()
}

/// A responder over a slot holding `store`, for tests that skip the sockets;
/// `preRender` as the daemon serves (movie JSON rendered at load).
func makeResponder(_ store: FakeStore? = FakeStore(), preRender: Bool = false) -> (LookupResponder<FakeStore>, ServerMetrics) {
    let slot = ReleaseSlot<FakeStore>()
    if let store { slot.install(ServedRelease(store, preRender: preRender)) }
    let metrics = ServerMetrics()
    return (LookupResponder(slot: slot, metrics: metrics), metrics)
}

extension LookupResponder {
    /// Responds to `target` and returns the summary and the body text.
    mutating func call(_ target: String, method: RequestMethod = .get) -> (ResponseSummary, String) {
        var body = ByteBuffer()
        var target = target
        let summary = target.withUTF8 { respond(method, target: UnsafeRawBufferPointer($0), into: &body) }
        return (summary, String(buffer: body))
    }
}

/// Parses a JSON object.
func jsonObject(_ text: String) throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
        throw TestClientError("not a JSON object: \(text)")
    }
    return object
}
