import Foundation
import Testing

/// Issue 16 item 7: `--run-id` names folders, so a path in it is a usage error
/// (exit 64) and nothing is written outside the home.
@Suite struct RunIDCommandTests {
    @Test func aRunIDThatIsAPathIsRefused() throws {
        let parent = try makeHome("runid")
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let home = parent + "/home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let line =
            #"{"event_id":"0f8fad5b-d9cb-469f-a165-70867728950e","event_type":"view","user_id":42,"movie_id":318,"ts":"2019-11-20T18:04:05Z","session_id":"s-42-1","duration_ms":5400000}"#
            + "\n"
        for bad in ["../../..", "..", "a/b", ".hidden", ""] {
            let r = try ReelBinary.run(["events", "ingest", "--from", "-", "--run-id", bad], root: home, stdin: Data(line.utf8))
            #expect(r.status == 64, "\(bad): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains("not a run id"), "\(bad): \(r.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent) == ["home"], "nothing written beside the home")
        let ok = try ReelBinary.run(["events", "ingest", "--from", "-", "--run-id", "manual-1"], root: home, stdin: Data(line.utf8))
        #expect(ok.status == 0, "\(ok.stderr)")
    }
}
