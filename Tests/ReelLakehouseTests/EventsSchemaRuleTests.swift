import Foundation
import Testing
import ReelCore
@testable import ReelLakehouse

/// One line that breaks one rule.
struct RuleCase: CustomTestStringConvertible, Sendable {
    let rule: String
    let line: String
    let note: String
    var testDescription: String { "\(rule): \(note)" }
}

private typealias F = EventsFixture

let ruleCases: [RuleCase] = [
    RuleCase(rule: "json_invalid", line: "not json", note: "not JSON"),
    RuleCase(rule: "json_invalid", line: String(F.line(.view).dropLast()), note: "unterminated object"),
    RuleCase(rule: "json_invalid", line: F.line(.view) + " {}", note: "two values"),
    RuleCase(rule: "json_invalid", line: "[" + F.line(.view) + "]", note: "an array"),
    RuleCase(rule: "json_invalid", line: "", note: "empty line"),
    RuleCase(rule: "json_invalid", line: F.line(.view, fields: [("session_id", "\"a\u{01}b\"")]), note: "raw control character"),
    RuleCase(rule: "json_invalid", line: F.line(.view, fields: [("session_id", #""a\qb""#)]), note: "bad escape"),
    RuleCase(rule: "json_invalid", line: F.line(.view, fields: [("duration_ms", "01")]), note: "leading zero"),
    RuleCase(rule: "json_invalid", line: F.line(.view).replacingOccurrences(of: "}", with: #","user_id":7}"#), note: "repeated key"),
    RuleCase(rule: "event_type_missing", line: F.line(.view, drop: ["event_type"]), note: "no event_type"),
    RuleCase(rule: "event_type_invalid", line: F.line(.view, fields: [("event_type", "\"purchase\"")]), note: "unknown type"),
    RuleCase(rule: "event_type_invalid", line: F.line(.view, fields: [("event_type", "1")]), note: "not a string"),
    RuleCase(rule: "property_unknown", line: F.line(.view, fields: [("referrer", "\"x\"")]), note: "extra key"),
    RuleCase(rule: "property_unknown", line: F.line(.view, fields: [("rating", "4.5")]), note: "another type's field"),
    RuleCase(rule: "event_id_missing", line: F.line(.click, drop: ["event_id"]), note: "no id"),
    RuleCase(rule: "event_id_invalid", line: F.line(.click, fields: [("event_id", "\"0f8fad5b-d9cb-469f-a165\"")]), note: "short uuid"),
    RuleCase(rule: "event_id_invalid", line: F.line(.click, fields: [("event_id", "\"0f8fad5bXd9cb-469f-a165-70867728950e\"")]), note: "no hyphen"),
    RuleCase(rule: "event_id_invalid", line: F.line(.click, fields: [("event_id", "\"0f8fad5g-d9cb-469f-a165-70867728950e\"")]), note: "not hex"),
    RuleCase(rule: "user_id_missing", line: F.line(.rating, drop: ["user_id"]), note: "no user"),
    RuleCase(rule: "user_id_invalid", line: F.line(.rating, user: 0), note: "below minimum"),
    RuleCase(rule: "user_id_invalid", line: F.line(.rating, fields: [("user_id", "2147483648")]), note: "above 32 bits"),
    RuleCase(rule: "user_id_invalid", line: F.line(.rating, fields: [("user_id", "\"42\"")]), note: "a string"),
    RuleCase(rule: "user_id_invalid", line: F.line(.rating, fields: [("user_id", "4.5")]), note: "not an integer"),
    RuleCase(rule: "user_id_invalid", line: F.line(.rating, fields: [("user_id", "null")]), note: "null"),
    RuleCase(rule: "user_id_invalid", line: F.line(.rating, fields: [("user_id", "[42]")]), note: "nested array"),
    RuleCase(rule: "movie_id_missing", line: F.line(.view, drop: ["movie_id"]), note: "no movie"),
    RuleCase(rule: "movie_id_invalid", line: F.line(.view, movie: -1), note: "negative"),
    RuleCase(rule: "movie_id_invalid", line: F.line(.view, fields: [("movie_id", "{\"id\":1}")]), note: "nested object"),
    RuleCase(rule: "ts_missing", line: F.line(.view, drop: ["ts"]), note: "no time"),
    RuleCase(rule: "ts_invalid", line: F.line(.view, ts: "2019-11-20 18:04:05Z"), note: "space separator"),
    RuleCase(rule: "ts_invalid", line: F.line(.view, ts: "2019-11-20T18:04:05+01:00"), note: "offset"),
    RuleCase(rule: "ts_invalid", line: F.line(.view, ts: "2019-11-20T18:04:05"), note: "no Z"),
    RuleCase(rule: "ts_invalid", line: F.line(.view, ts: "2019-02-29T18:04:05Z"), note: "not a leap year"),
    RuleCase(rule: "ts_invalid", line: F.line(.view, ts: "2019-11-20T24:00:00Z"), note: "hour 24"),
    RuleCase(rule: "ts_invalid", line: F.line(.view, ts: "2019-11-20T18:04:05.1234Z"), note: "four fraction digits"),
    RuleCase(rule: "ts_invalid", line: F.line(.view, fields: [("ts", "1574273045000")]), note: "epoch milliseconds"),
    RuleCase(rule: "session_id_missing", line: F.line(.view, drop: ["session_id"]), note: "no session"),
    RuleCase(rule: "session_id_invalid", line: F.line(.view, fields: [("session_id", "\"\"")]), note: "empty"),
    RuleCase(
        rule: "session_id_invalid", line: F.line(.view, fields: [("session_id", "\"" + String(repeating: "é", count: 65) + "\"")]),
        note: "65 characters"),
    RuleCase(rule: "duration_ms_missing", line: F.line(.view, drop: ["duration_ms"]), note: "no duration"),
    RuleCase(rule: "duration_ms_invalid", line: F.line(.view, fields: [("duration_ms", "86400001")]), note: "above a day"),
    RuleCase(rule: "duration_ms_invalid", line: F.line(.view, fields: [("duration_ms", "-1")]), note: "negative"),
    RuleCase(rule: "position_missing", line: F.line(.click, drop: ["position"]), note: "no position"),
    RuleCase(rule: "position_invalid", line: F.line(.click, fields: [("position", "0")]), note: "below 1"),
    RuleCase(rule: "position_invalid", line: F.line(.click, fields: [("position", "1001")]), note: "above 1000"),
    RuleCase(rule: "context_missing", line: F.line(.click, drop: ["context"]), note: "no context"),
    RuleCase(rule: "context_invalid", line: F.line(.click, fields: [("context", "\"nowhere\"")]), note: "not in enum"),
    RuleCase(rule: "context_invalid", line: F.line(.click, fields: [("context", "\"Home\"")]), note: "case matters"),
    RuleCase(rule: "rating_missing", line: F.line(.rating, drop: ["rating"]), note: "no rating"),
    RuleCase(rule: "rating_invalid", line: F.line(.rating, fields: [("rating", "4.25")]), note: "not a half star"),
    RuleCase(rule: "rating_invalid", line: F.line(.rating, fields: [("rating", "5.5")]), note: "above 5"),
    RuleCase(rule: "rating_invalid", line: F.line(.rating, fields: [("rating", "0")]), note: "below 0.5"),
    RuleCase(rule: "rating_invalid", line: F.line(.rating, fields: [("rating", "\"4.5\"")]), note: "a string"),
]

@Suite struct EventsSchemaRuleTests {
    /// Each rule: the offending line sits between valid ones; it alone is
    /// rejected, with that rule and its own line number.
    @Test(arguments: ruleCases)
    func lineBreakingARuleIsRejectedWithItsNameAndLine(_ c: RuleCase) throws {
        let home = F.home("rule")
        defer { F.cleanup(home) }
        let lines = [F.line(.view, id: 1), F.line(.click, id: 2), c.line, F.line(.rating, id: 3)]
        let report = try F.ingest(home, lines, name: "mixed.ndjson")
        #expect(report.total.read == 4)
        #expect(report.total.accepted == 3)
        #expect(report.total.rejected == 1)
        #expect(report.rejectedByRule == [c.rule: 1])
        let rejects = try F.rejects(home)
        #expect(rejects.count == 1)
        #expect(rejects.first?["rule"] as? String == c.rule)
        #expect(rejects.first?["line"] as? Int == 3)
        #expect(rejects.first?["source"] as? String == "mixed.ndjson")
        #expect(rejects.first?["original"] as? String == String(decoding: Array(c.line.utf8), as: UTF8.self))
    }

    @Test func lineOfAnotherTypeInATypedFileIsAMismatch() throws {
        let home = F.home("mismatch")
        defer { F.cleanup(home) }
        let dir = home.path("landing", "click")
        try FileSystem.createDirectory(dir)
        let file = Path.join(dir, "2019-11-20.ndjson")
        try FileSystem.writeAtomically(file, bytes: F.bytes([F.line(.click, id: 1), F.line(.view, id: 2)]))
        let report = try EventIngest.run(home: home, sources: [home.path("landing")], options: F.options())
        #expect(report.rejectedByRule == ["event_type_mismatch": 1])
        #expect(report.byType[.click]?.read == 2)
        let rejects = try F.rejects(home)
        #expect(rejects.first?["line"] as? Int == 2)
        #expect(rejects.first?["source"] as? String == file)
    }

    @Test func aFileDeclaresItsTypeByNameOrParentFolder() {
        #expect(EventInput.file("/in/click/2019-11-20.ndjson").declaredType == .click)
        #expect(EventInput.file("/srv/bronze/events/view/date=2019-11-20/part-x.ndjson").declaredType == .view)
        #expect(EventInput.file("/kafka/topics/rating/partition=0/rating+0+0001.ndjson").declaredType == .rating)
        #expect(EventInput.file("/in/rating-2019-11-20.ndjson.zst").declaredType == .rating)
        #expect(EventInput.file("/home/view/landing/mixed.ndjson").declaredType == nil)
        #expect(EventInput.file("/in/views.ndjson").declaredType == nil)
        #expect(EventInput.descriptor(name: "-", fd: 0).declaredType == nil)
    }

    /// Valid JSON spellings the contract allows are accepted: escapes in
    /// strings and keys, an integer written as 42.0, a fraction of a second,
    /// surrounding whitespace, CRLF line ends.
    @Test func validSpellingsAreAccepted() throws {
        let home = F.home("spell")
        defer { F.cleanup(home) }
        let lines = [
            F.line(.view, id: 1, fields: [("session_id", #""s-\u00e9-\"q\"""#)]),
            F.line(.view, id: 2).replacingOccurrences(of: "\"user_id\"", with: #""user\u005fid""#),
            F.line(.view, id: 3, fields: [("user_id", "42.0"), ("duration_ms", "5.4e6")]),
            F.line(.view, id: 4, ts: "2019-11-20T18:04:05.1Z"),
            "  " + F.line(.click, id: 5) + " \t",
            F.line(.rating, id: 6, fields: [("rating", "5")]) + "\r",
            F.line(.view, id: 7, fields: [("session_id", "\"" + String(repeating: "é", count: 64) + "\"")]),
        ]
        let report = try F.ingest(home, lines)
        #expect(report.total.accepted == lines.count)
        #expect(try F.rejects(home).isEmpty)
        let columns = try EventReader.read(home: home, schemas: F.schemas).columns
        #expect(columns[.view]?.users == [42, 42, 42, 42, 42])
        #expect(columns[.rating]?.ratings == [5])
    }

    @Test func examplesInTheContractPass() throws {
        let home = F.home("examples")
        defer { F.cleanup(home) }
        let doc = try FileSystem.readText(
            URL(fileURLWithPath: F.schemaDirectory).deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("docs/01_data_contracts.md").path)
        let examples = doc.split(separator: "\n").filter { $0.hasPrefix("{\"event_id\"") }.map(String.init)
        #expect(examples.count == 3)
        let report = try F.ingest(home, examples)
        #expect(report.total.accepted == 3)
    }
}
