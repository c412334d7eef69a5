import Testing
import ReelCore
@testable import ReelLakehouse

private typealias F = EventsFixture

/// `lakehouse/inbox/events/`: what is pending, and that an inbox ingest moves
/// what it read to `done/<run-id>/` so the next run does not read it again.
@Suite struct EventsInboxTests {
    @Test func withoutAnInboxThereIsNothingToDo() throws {
        let home = F.home("no-inbox")
        defer { F.cleanup(home) }
        #expect(try EventInbox.pending(home: home) == nil)
        #expect(try EventInbox.listing(home: home) == "no inbox\n")
        #expect(try EventInbox.ingest(home: home, options: F.options()) == nil)
        #expect(F.partFiles(home).isEmpty)
    }

    @Test func ingestMovesWhatItReadToDoneAndSkipsDone() throws {
        let home = F.home("inbox")
        defer { F.cleanup(home) }
        let inbox = EventInbox.directory(home)
        try FileSystem.writeAtomically(Path.join(inbox, "view/a.ndjson"), bytes: F.bytes([F.line(.view, id: 1)]))
        try FileSystem.writeAtomically(Path.join(inbox, "b.ndjson"), bytes: F.bytes([F.line(.click, id: 2)]))
        try FileSystem.writeAtomically(Path.join(inbox, "notes.txt"), text: "hello")
        try FileSystem.writeAtomically(Path.join(inbox, ".partial.ndjson"), bytes: F.bytes([F.line(.view, id: 3)]))
        try FileSystem.writeAtomically(Path.join(inbox, "done/old/c.ndjson"), bytes: F.bytes([F.line(.view, id: 4)]))

        let pending = try #require(try EventInbox.pending(home: home))
        #expect(pending.files == [Path.join(inbox, "b.ndjson"), Path.join(inbox, "view/a.ndjson")])
        #expect(pending.ignored == [Path.join(inbox, "notes.txt")])
        let listing = try EventInbox.listing(home: home)
        #expect(listing.hasPrefix("b.ndjson \(FileSystem.size(Path.join(inbox, "b.ndjson"))!) "))
        #expect(listing.contains("view/a.ndjson ") && !listing.contains("done") && !listing.contains("partial"))

        // The CLI's default (no --from) reads the same pending files and leaves them.
        let peek = try EventIngest.run(home: home, sources: [], options: F.options("peek"))
        #expect(peek.sources == pending.files && peek.total.accepted == 2)
        #expect(try EventInbox.pending(home: home) == pending)

        let report = try #require(try EventInbox.ingest(home: home, options: F.options("r1")))
        #expect(report.sources == pending.files && report.ignoredFiles == pending.ignored)
        #expect(report.total.duplicate == 2)  // the peek already added them: exactly once
        #expect(FileSystem.exists(Path.join(inbox, "done/r1/b.ndjson")) && FileSystem.exists(Path.join(inbox, "done/r1/view/a.ndjson")))
        #expect(try EventInbox.pending(home: home)?.files == [])
        #expect(try EventInbox.listing(home: home) == "")
        #expect(FileSystem.exists(Path.join(inbox, "notes.txt")))
        #expect(try EventReader.read(home: home, schemas: F.schemas).events == 2)  // done/old/c.ndjson never read
    }
}
