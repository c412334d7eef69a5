import Foundation
import Testing
import ReelCore
@testable import ReelLakehouse

private typealias F = EventsFixture

@Suite struct EventsIngestTests {
    @Test func duplicatesAcrossFilesAndReRunsAreCountedOnce() throws {
        let home = F.home("dedupe")
        defer { F.cleanup(home) }
        let a = [F.line(.view, id: 1), F.line(.view, id: 2), F.line(.view, id: 1)]  // repeat within a file
        let b = [F.line(.view, id: 2), F.line(.click, id: 3)]  // repeat across files
        let inputs: [EventInput] = [.bytes(name: "a.ndjson", F.bytes(a)), .bytes(name: "b.ndjson", F.bytes(b))]
        let first = try EventIngest.run(home: home, inputs: inputs, options: F.options("run1"))
        #expect(first.total.accepted == 3)
        #expect(first.total.duplicate == 2)
        #expect(first.reconciles)
        let filesAfterFirst = F.partFiles(home)
        #expect(filesAfterFirst.count == 2)

        // The same inputs again: nothing new, everything a duplicate, no new file.
        let second = try EventIngest.run(home: home, inputs: inputs, options: F.options("run2"))
        #expect(second.total.read == 5)
        #expect(second.total.accepted == 0)
        #expect(second.total.duplicate == 5)
        #expect(second.knownIDs == 3)
        #expect(second.partitionsWritten.isEmpty)
        #expect(F.partFiles(home) == filesAfterFirst)

        // The id is the same whatever its case.
        let lower = F.line(.view, id: 9, fields: [("event_id", "\"00000000-0000-4000-8000-00000000abcd\"")])
        let upper = F.line(.view, id: 9, fields: [("event_id", "\"00000000-0000-4000-8000-00000000ABCD\"")])
        let third = try F.ingest(home, [lower, upper], run: "run3")
        #expect(third.total.rejected == 0)
        #expect(third.total.accepted == 1)
        #expect(third.total.duplicate == 1)

        // The reader sees each event once.
        let columns = try EventReader.load(home: home)
        #expect(columns[.view]?.count == 3)
        #expect(columns[.click]?.count == 1)
    }

    @Test func eventsGoToThePartitionOfTheirUTCDate() throws {
        let home = F.home("route")
        defer { F.cleanup(home) }
        try F.ingest(
            home,
            [
                F.line(.view, id: 1, ts: "2019-11-20T23:59:59.999Z"),
                F.line(.view, id: 2, ts: "2019-11-21T00:00:00Z"),
                F.line(.rating, id: 3, ts: "2019-12-31T23:59:59Z"),
                F.line(.rating, id: 4, ts: "2020-01-01T00:00:00.000Z"),
                F.line(.click, id: 5, ts: "2020-02-29T12:00:00Z"),
            ])
        #expect(
            F.partFiles(home) == [
                "click/date=2020-02-29/part-test.ndjson",
                "rating/date=2019-12-31/part-test.ndjson",
                "rating/date=2020-01-01/part-test.ndjson",
                "view/date=2019-11-20/part-test.ndjson",
                "view/date=2019-11-21/part-test.ndjson",
            ])
        let lastSecond = try FileSystem.readText(Path.join(home.bronzeEvents, "view/date=2019-11-20/part-test.ndjson"))
        #expect(lastSecond == F.line(.view, id: 1, ts: "2019-11-20T23:59:59.999Z") + "\n")
        let load = try EventReader.read(
            home: home, days: EventLayout.day("2019-11-21")!...EventLayout.day("2019-12-31")!,
            schemas: F.schemas)
        #expect(load.events == 2)
        #expect(load.columns[.view]?.times == [1_574_294_400])
        #expect(load.columns[.rating]?.ratings == [4.5])
    }

    @Test func zstdFilesAreReadByStreaming() throws {
        let home = F.home("zstd")
        defer { F.cleanup(home) }
        let lines = (1...500).map { F.line(.click, id: $0, user: $0) } + ["broken"]
        let path = home.path("in", "clicks.ndjson.zst")
        try FileSystem.createDirectory(Path.parent(path))
        try FileSystem.writeAtomically(path, bytes: try Zstd.compress([0xEF, 0xBB, 0xBF] + F.bytes(lines)))
        var options = F.options()
        options.chunkSize = 4096  // many buffers, lines cut across decompressed blocks
        let report = try EventIngest.run(home: home, sources: [home.path("in")], options: options)
        #expect(report.sources == [path])
        #expect(report.byType[.click]?.accepted == 500)
        #expect(try F.rejects(home).first?["line"] as? Int == 501)
        #expect(try EventReader.load(home: home)[.click]?.users == (1...500).map { Int32($0) })
    }

    @Test func aTruncatedZstdFileIsAnError() throws {
        let home = F.home("zstd-trunc")
        defer { F.cleanup(home) }
        let packed = try Zstd.compress(F.bytes((1...200).map { F.line(.view, id: $0) }))
        let path = home.path("events.ndjson.zst")
        try FileSystem.writeAtomically(path, bytes: Array(packed.prefix(packed.count / 2)))
        let error = #expect(throws: ReelError.self) { try EventIngest.run(home: home, sources: [path], options: F.options()) }
        #expect(error?.message.contains(path) == true)
        #expect(F.partFiles(home).isEmpty)
    }

    @Test func stdinAndPipesAreRead() throws {
        let home = F.home("pipe")
        defer { F.cleanup(home) }
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let data = [0xEF, 0xBB, 0xBF] + F.bytes([F.line(.view, id: 1), F.line(.rating, id: 2), "{}"])  // with a BOM
        #expect(data.count < 4096)  // fits in the pipe buffer, so one thread can write then read
        #expect(data.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) } == data.count)
        close(fds[1])
        let report = try EventIngest.run(home: home, inputs: [.descriptor(name: "-", fd: fds[0])], options: F.options())
        close(fds[0])
        #expect(report.total.accepted == 2)
        #expect(report.untyped.rejected == 1)
        let reject = try F.rejects(home).first
        #expect(reject?["source"] as? String == "-")
        #expect(reject?["rule"] as? String == "event_type_missing")
    }

    /// Large enough to be split across both workers and several buffers:
    /// counts reconcile and every reject keeps its exact line number.
    @Test func reportReconcilesAndLineNumbersSurviveParallelSplits() throws {
        let home = F.home("reconcile")
        defer { F.cleanup(home) }
        var lines: [String] = []
        var badLines: [Int: String] = [:]
        for i in 1...3000 {
            switch i % 97 {
            case 0: lines.append(F.line(.view, id: i, fields: [("duration_ms", "-5")])); badLines[i] = "duration_ms_invalid"
            case 13: lines.append(F.line(.click, id: i - 1))  // repeats the previous line's id
            case 50: lines.append("{\"event_type\":\"rating\""); badLines[i] = "json_invalid"
            default: lines.append(F.line(EventType(index: i % 3)!, id: i, user: i))
            }
        }
        let bytes = F.bytes(lines)
        #expect(bytes.count > ParallelLineValidator.parallelThreshold)
        var options = F.options(workers: 2)
        options.chunkSize = 300_000
        let report = try EventIngest.run(home: home, inputs: [.bytes(name: "big", bytes)], options: options)
        #expect(report.reconciles)
        #expect(report.total.read == 3000)
        #expect(report.total.rejected == badLines.count)
        #expect(report.total.duplicate == lines.indices.filter { ($0 + 1) % 97 == 13 }.count)
        #expect(report.total.accepted == 3000 - report.total.rejected - report.total.duplicate)
        for t in EventType.allCases { #expect(report.byType[t]!.reconciles) }
        let rejects = try F.rejects(home)
        #expect(rejects.map { $0["line"] as! Int } == badLines.keys.sorted())
        #expect(rejects.map { $0["rule"] as! String } == badLines.keys.sorted().map { badLines[$0]! })
        // Same result on one thread.
        let single = F.home("reconcile1")
        defer { F.cleanup(single) }
        let one = try EventIngest.run(home: single, inputs: [.bytes(name: "big", bytes)], options: F.options(workers: 1))
        #expect(one.total == report.total)
        #expect(try F.samePartitions(single, home))
    }

    /// The part files are the truth: a part written without its index (a
    /// crash in between), or a file dropped in by hand, is indexed on the next
    /// run before anything is accepted, so its events stay exactly-once.
    @Test func indexIsRebuiltFromThePartFiles() throws {
        let home = F.home("rebuild")
        defer { F.cleanup(home) }
        try F.ingest(home, [F.line(.view, id: 1), F.line(.view, id: 2)], run: "r1")
        let index = EventLayout.indexFile(home, .view, day: EventLayout.day("2019-11-20")!)
        #expect(FileSystem.exists(index))
        try FileSystem.removeTree(index)
        let byHand = Path.join(EventLayout.partitionDirectory(home, .view, day: EventLayout.day("2019-11-20")!), "shipped.ndjson")
        try FileSystem.writeAtomically(byHand, bytes: F.bytes([F.line(.view, id: 3)]))

        let report = try F.ingest(home, [F.line(.view, id: 1), F.line(.view, id: 3), F.line(.view, id: 4)], run: "r2")
        #expect(report.rebuiltIndexes == 1)
        #expect(report.knownIDs == 3)
        #expect(report.total.duplicate == 2)
        #expect(report.total.accepted == 1)
        // The updated index covers all three files and is intact.
        let reader = try SectionFileReader(path: index, kind: EventIDIndex.kind)
        #expect(try reader.text("parts").split(separator: "\n").count == 3)
        #expect(try reader.array("ids", as: EventID.self).count == 4)

        // A corrupt index is rebuilt too.
        var bytes = try FileSystem.readBytes(index)
        bytes[bytes.count - 40] ^= 0xFF
        try FileSystem.writeAtomically(index, bytes: bytes)
        let again = try F.ingest(home, [F.line(.view, id: 4)], run: "r3")
        #expect(again.rebuiltIndexes == 1)
        #expect(again.total.duplicate == 1)
    }

    @Test func aSecondIngestWhileOneRunsIsRefused() throws {
        let home = F.home("lock")
        defer { F.cleanup(home) }
        var held: FileLock? = try EventIngestLock.acquire(home: home)
        let error = #expect(throws: ReelError.self) { try F.ingest(home, [F.line(.view)]) }
        #expect(error?.kind == .locked)
        #expect(held != nil)
        held = nil  // released
        #expect(try F.ingest(home, [F.line(.view)]).total.accepted == 1)
    }

    @Test func theReaderRefusesAnInvalidLineInBronze() throws {
        let home = F.home("reader")
        defer { F.cleanup(home) }
        try F.ingest(home, [F.line(.click, id: 1)])
        let dir = EventLayout.partitionDirectory(home, .click, day: EventLayout.day("2019-11-20")!)
        try FileSystem.writeAtomically(
            Path.join(dir, "zz-by-hand.ndjson"),
            bytes: F.bytes([F.line(.click, id: 2), F.line(.view, id: 3)]))
        let error = #expect(throws: ReelError.self) { try EventReader.read(home: home, schemas: F.schemas) }
        #expect(error?.message.contains("zz-by-hand.ndjson:2: event_type_mismatch") == true)
    }

    @Test func foldersAreWalkedAndOtherFilesNamed() throws {
        let home = F.home("walk")
        defer { F.cleanup(home) }
        let inbox = EventLayout.inbox(home)
        try FileSystem.createDirectory(Path.join(inbox, "2019-11-20"))
        try FileSystem.writeAtomically(Path.join(inbox, "2019-11-20/a.ndjson"), bytes: F.bytes([F.line(.view, id: 1)]))
        try FileSystem.writeAtomically(Path.join(inbox, "b.ndjson"), bytes: F.bytes([F.line(.view, id: 2)]))
        try FileSystem.writeAtomically(Path.join(inbox, "notes.txt"), text: "hello")
        try FileSystem.writeAtomically(Path.join(inbox, "_skip.ndjson"), bytes: F.bytes([F.line(.view, id: 3)]))
        let report = try EventIngest.run(home: home, sources: [], options: F.options())
        #expect(report.sources == [Path.join(inbox, "2019-11-20/a.ndjson"), Path.join(inbox, "b.ndjson")])
        #expect(report.ignoredFiles == [Path.join(inbox, "notes.txt")])
        #expect(report.total.accepted == 2)
        #expect(report.json().contains("\"ignored_files\":["))
        let missing = #expect(throws: ReelError.self) { try EventIngest.run(home: home, sources: ["/no/such"], options: F.options()) }
        #expect(missing?.kind == .notFound)
    }

    @Test func statsCountPerTypeAndDate() throws {
        let home = F.home("stats")
        defer { F.cleanup(home) }
        try F.ingest(home, [F.line(.view, id: 1), F.line(.view, id: 2, ts: "2019-11-21T00:00:00Z"), F.line(.rating, id: 3)])
        let stats = try EventStats.collect(home: home)
        #expect(stats.map { "\($0.type.rawValue) \($0.date) \($0.events)" } == ["view 2019-11-20 1", "view 2019-11-21 1", "rating 2019-11-20 1"])
        let rows = EventStats.render(stats).split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rows[0] == ["date", "view", "click", "rating", "total"])
        #expect(rows[1] == ["2019-11-20", "1", "0", "1", "2"])
        #expect(rows[3] == ["total", "2", "0", "1", "3"])
    }
}
