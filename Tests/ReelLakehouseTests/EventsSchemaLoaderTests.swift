import Foundation
import Testing
import ReelCore
@testable import ReelLakehouse

private typealias F = EventsFixture

/// A copy of the checkout's schemas in `home/schemas/events`, with `edit`
/// applied to the text of one type's file.
private func editedSchemas(_ home: ReelHome, _ type: EventType, _ edit: (String) -> String) throws -> String {
    let dir = home.path("schemas", "events")
    try FileSystem.createDirectory(dir)
    for t in EventType.allCases {
        var text = try FileSystem.readText(Path.join(F.schemaDirectory, t.schemaFileName))
        if t == type { text = edit(text) }
        try FileSystem.writeAtomically(Path.join(dir, t.schemaFileName), text: text)
    }
    return dir
}

@Suite struct EventsSchemaLoaderTests {
    @Test func compilesEveryTypeWithItsRules() throws {
        let s = F.schemas
        #expect(s.schema(.view).fields.map(\.name) == ["event_id", "event_type", "user_id", "movie_id", "ts", "session_id", "duration_ms"])
        #expect(s.schema(.click).fields.map(\.name).suffix(2) == ["position", "context"])
        let rating = s.schema(.rating).fields.first { $0.name == "rating" }!
        #expect(rating.minimum == 0.5 && rating.maximum == 5 && rating.multipleOf == 0.5)
        #expect(s.schema(.view).additionalProperties == false)
        for name in [
            "json_invalid", "property_unknown", "event_type_mismatch", "event_type_missing",
            "event_id_invalid", "ts_missing", "context_invalid", "rating_invalid",
        ] {
            #expect(s.ruleNames.contains(name), "missing rule \(name)")
        }
    }

    /// The rules are loaded, not hard-coded: a bound changed in the file
    /// changes what ingest accepts.
    @Test func aChangedBoundInTheFileChangesWhatIsAccepted() throws {
        let home = F.home("bound")
        defer { F.cleanup(home) }
        let dir = try editedSchemas(home, .view) {
            $0.replacingOccurrences(of: "\"maximum\": 86400000", with: "\"maximum\": 60000")
                .replacingOccurrences(of: "\"duration_ms\": 5400000", with: "\"duration_ms\": 60000")
        }
        let schemas = try EventSchemaSet.load(directory: dir)
        let report = try EventIngest.run(
            home: home,
            inputs: [
                .bytes(
                    name: "x",
                    F.bytes([
                        F.line(.view, id: 1, fields: [("duration_ms", "60000")]),
                        F.line(.view, id: 2, fields: [("duration_ms", "60001")]),
                    ]))
            ], options: EventIngestOptions(runID: "t", schemas: schemas))
        #expect(report.total.accepted == 1)
        #expect(report.rejectedByRule == ["duration_ms_invalid": 1])
    }

    @Test func aKeywordTheValidatorLacksIsALoadError() throws {
        let home = F.home("keyword")
        defer { F.cleanup(home) }
        let dir = try editedSchemas(home, .click) {
            $0.replacingOccurrences(of: "\"minLength\": 1,", with: "\"minLength\": 1, \"pattern\": \"^s-\",")
        }
        let error = #expect(throws: ReelError.self) { try EventSchemaSet.load(directory: dir) }
        #expect(error?.message.contains("pattern") == true)
        #expect(error?.message.contains("click_event.schema.json") == true)
        #expect(error?.message.contains("session_id") == true)
    }

    @Test func anExampleThatBreaksItsSchemaIsALoadError() throws {
        let home = F.home("example")
        defer { F.cleanup(home) }
        let dir = try editedSchemas(home, .rating) { $0.replacingOccurrences(of: "\"rating\": 4.5", with: "\"rating\": 4.2") }
        let error = #expect(throws: ReelError.self) { try EventSchemaSet.load(directory: dir) }
        #expect(error?.message.contains("rating_invalid") == true)
    }

    @Test func aSchemaWithoutTheFieldsIngestNeedsIsRefused() throws {
        let home = F.home("roles")
        defer { F.cleanup(home) }
        let dir = try editedSchemas(home, .view) {
            $0.replacingOccurrences(of: "\"format\": \"uuid\",", with: "")
        }
        let error = #expect(throws: ReelError.self) { try EventSchemaSet.load(directory: dir) }
        #expect(error?.message.contains("event_id") == true)
    }

    @Test func aMissingSchemaFileIsNotFound() throws {
        let home = F.home("missing")
        defer { F.cleanup(home) }
        let error = #expect(throws: ReelError.self) { try EventSchemaSet.load(directory: home.path("nowhere")) }
        #expect(error?.kind == .notFound)
    }

    @Test func locatorPrefersTheHomeSchemas() throws {
        let home = F.home("locate")
        defer { F.cleanup(home) }
        let dir = try editedSchemas(home, .view) { $0 }
        #expect(try EventSchemaLocator.find(home: home) == dir)
    }

    @Test func locatorFallsBackToTheCheckoutAboveTheExecutable() throws {
        let home = F.home("locate2")
        defer { F.cleanup(home) }
        guard getenv("REEL_SCHEMAS") == nil else { return }
        let found = try EventSchemaLocator.find(home: home)
        #expect(found.hasSuffix("schemas/events"))
        #expect(FileSystem.exists(Path.join(found, "view_event.schema.json")))
    }
}
