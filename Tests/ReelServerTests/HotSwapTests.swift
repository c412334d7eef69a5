import Foundation
import ReelCore
@testable import ReelServer
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Hot swap of releases")
struct HotSwapTests {
    @Test("a switched symlink is loaded once; an unchanged one is left alone")
    func symlinkSwitch() async throws {
        try await withServer { running in
            #expect(running.server.watcher.check() == .unchanged)
            try running.folder.write("r2.reel", id: "R2")
            try running.folder.activate("r2.reel")
            #expect(running.server.watcher.check() == .loaded(releaseID: "R2"))
            #expect(running.server.watcher.check() == .unchanged)
            #expect(try await get(running.port, "/readyz").object()["release"] as? String == "R2")
            // A file renamed over the same target path is a new file too.
            try running.folder.write("r2.reel", id: "R2b")
            #expect(running.server.watcher.check() == .loaded(releaseID: "R2b"))
            #expect(running.server.metrics.reloadSuccesses == 3)
            #expect(running.logs.contains("release loaded"))
        }
    }

    @Test("concurrent clients see zero failures across repeated swaps found by polling; the new id shows afterwards")
    func swapUnderLoad() async throws {
        try await withServer(configure: { $0.pollInterval = 0.05 }) { running in
            let port = running.port
            let stop = Atomic<Bool>(false)
            let clients = Task.detached {
                try await onThread { () -> (requests: Int, failures: [String], ids: Set<String>) in
                    let results = Mutex<(requests: Int, failures: [String], ids: Set<String>)>((0, [], []))
                    // Bounded in count and time; normally ended by `stop` once the last swap is visible.
                    let giveUp = Date().addingTimeInterval(20)
                    DispatchQueue.concurrentPerform(iterations: 4) { worker in
                        var client = try? TestHTTPClient(port: port)
                        for i in 0..<200_000 {
                            if stop.load(ordering: .relaxed) || (i % 64 == 0 && Date() > giveUp) { break }
                            do {
                                if client == nil { client = try TestHTTPClient(port: port) }
                                let target = i % 2 == 0 ? "/v1/users/\(worker % 3 + 1)/recommendations?k=3" : "/v1/trending?k=2"
                                let response = try client!.request(target)
                                let id = try response.object()["release"] as? String ?? "?"
                                results.withLock {
                                    $0.requests += 1
                                    $0.ids.insert(id)
                                    if response.status != 200 { $0.failures.append("\(response.status) \(response.text)") }
                                }
                            } catch {
                                results.withLock { $0.failures.append("\(error)") }
                                client = nil
                            }
                        }
                    }
                    return results.withLock { $0 }
                }
            }
            for n in 2...6 {
                try await Task.sleep(for: .milliseconds(150))
                try running.folder.write("r\(n).reel", id: "R\(n)")
                try running.folder.activate("r\(n).reel")
            }
            // Polling (every 50 ms) must pick up the last switch.
            let deadline = Date().addingTimeInterval(5)
            while running.server.slot.current?.releaseID != "R6" && Date() < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            try await Task.sleep(for: .milliseconds(100))
            stop.store(true, ordering: .relaxed)
            let result = try await clients.value
            #expect(result.failures.isEmpty, "\(result.failures.prefix(3))")
            #expect(result.requests > 20)
            #expect(result.ids.contains("R6"))
            #expect(result.ids.count >= 2)
            #expect(try await get(port, "/v1/release").object()["id"] as? String == "R6")
        }
    }

    @Test("a release that fails verification is refused, logged, counted; the old one keeps serving")
    func refusedRelease() async throws {
        try await withServer { running in
            try running.folder.write("bad.reel", id: "corrupt")
            try running.folder.activate("bad.reel")
            let outcome = running.server.watcher.check()
            guard case .refused(let reason) = outcome else {
                Issue.record("expected a refusal, got \(outcome)")
                return
            }
            #expect(reason.contains("checksum mismatch"))
            #expect(try await get(running.port, "/readyz").object()["release"] as? String == "R1")
            #expect(try await get(running.port, "/v1/movies/1").status == 200)
            #expect(running.server.metrics.reloadFailures == 1)
            #expect(running.logs.contains("release refused"))
            // Not retried every poll, only when the file changes (or on SIGHUP).
            #expect(running.server.watcher.check() == .unchanged)
            #expect(running.server.reload() == .refused(reason: reason))
            let metrics = try await get(running.port, "/metrics").text
            #expect(metrics.contains("reel_release_reloads_total{result=\"failure\"} 2\n"))
            try running.folder.write("good.reel", id: "R2")
            try running.folder.activate("good.reel")
            #expect(running.server.watcher.check() == .loaded(releaseID: "R2"))
        }
    }

    @Test("the replaced release is freed as soon as the last request holding it lets go")
    func oldReleaseFreed() throws {
        let folder = try ReleaseFolder()
        let freed = Mutex<[String]>([])
        let slot = ReleaseSlot<FakeStore>()
        let watcher = ReleaseWatcher(
            path: folder.current, slot: slot, metrics: ServerMetrics(),
            logger: LogCapture().logger
        ) { path in
            let id = try FileSystem.readText(path)
            return FakeStore(releaseID: id, onDeinit: { freed.withLock { $0.append(id) } })
        }
        try folder.write("a.reel", id: "A")
        try folder.activate("a.reel")
        #expect(watcher.check() == .loaded(releaseID: "A"))
        var inFlight = slot.current  // a request still using A
        try folder.write("b.reel", id: "B")
        try folder.activate("b.reel")
        #expect(watcher.check() == .loaded(releaseID: "B"))
        #expect(freed.withLock { $0 }.isEmpty)
        #expect(inFlight?.releaseID == "A")
        inFlight = nil
        #expect(freed.withLock { $0 } == ["A"])
        #expect(slot.current?.releaseID == "B")
    }

    @Test("the reload signal reloads, the terminate signal shuts down (SIGUSR1/SIGUSR2 stand in for SIGHUP/SIGTERM)")
    func signals() async throws {
        let folder = try ReleaseFolder()
        try folder.write("r1.reel", id: "S1")
        try folder.activate("r1.reel")
        var configuration = ServerConfiguration(releasePath: folder.current)
        configuration.port = 0
        configuration.threads = 1
        configuration.pollInterval = 0
        let logs = LogCapture()
        let server = LookupServer<FakeStore>(configuration: configuration, logger: logs.logger, loader: ReleaseFolder.loader)
        let port = Atomic<Int>(0)
        let run = Task {
            try await server.run(signals: ServerSignals(reload: SIGUSR1, terminate: [SIGUSR2])) { port.store($0, ordering: .releasing) }
        }
        while port.load(ordering: .acquiring) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        // Polling is off: only the signal can make the daemon notice the new file.
        try folder.write("r1.reel", id: "S2")
        kill(getpid(), SIGUSR1)
        let deadline = Date().addingTimeInterval(5)
        while server.slot.current?.releaseID != "S2" && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try await get(port.load(ordering: .acquiring), "/readyz").object()["release"] as? String == "S2")
        kill(getpid(), SIGUSR2)
        try await run.value
        #expect(logs.contains("reload requested"))
        #expect(logs.contains("stopped"))
        #expect((try? TestHTTPClient(port: port.load(ordering: .acquiring))) == nil)
    }
}
