import Testing
import ReelCore
@testable import ReelParquet
import ReelTestSupport

@Suite struct TableSchemaTests {
    let yaml = """
        tables:
          ratings:
            columns:
              - { name: userId, type: int32, nullable: false }
              - { name: movieId, type: int32 }
              - { name: rating, type: float, nullable: false }
              - { name: timestamp, type: timestamp_ms }
          events:
            partition_by: [date]
            columns:
              - { name: event_id, type: string }
              - { name: rating, type: float, nullable: true }
              - { name: date, type: string }
        """

    @Test func loadsTheDocumentedYAMLShape() throws {
        let tables = try TableSchema.load(yaml: yaml)
        #expect(tables.map(\.name) == ["ratings", "events"])
        #expect(tables[0] == ratingsSchema)
        #expect(tables[1].partitionColumns == ["date"])
        #expect(tables[1].dataColumns.map(\.name) == ["event_id", "rating"])
        #expect(tables[1].column("rating")?.nullable == true)
    }

    @Test func loadsTheListShapeWithRequired() throws {
        let list = """
            tables:
              - name: movies
                columns:
                  - { name: movieId, type: int32, required: true, description: id }
                  - { name: title, type: string, required: false }
            """
        let t = try #require(try TableSchema.load(yaml: list).first)
        #expect(t.columns == [TableColumn("movieId", .int32), TableColumn("title", .string, nullable: true)])
    }

    @Test func badYAMLNamesTheProblem() {
        let cases = [
            ("tables:\n  t:\n    columns:\n      - { name: a, type: decimal }", "unknown type decimal"),
            ("tables:\n  t:\n    columns:\n      - { type: int32 }", "needs a name"),
            ("nothing: 1", "tables"),
            ("tables:\n  t:\n    partition_by: [x]\n    columns:\n      - { name: a, type: int32 }", "partition column x"),
        ]
        for (text, expected) in cases {
            do {
                _ = try TableSchema.load(yaml: text, source: "test.yml")
                Issue.record("accepted: \(text)")
            } catch let e as ReelError {
                #expect(e.message.contains(expected), "\(e.message)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func sparkSchemaRoundTrips() throws {
        let json = eventsSchema.sparkSchemaJSON
        #expect(json.contains(#"{"name":"event_id","type":"string","nullable":false,"metadata":{}}"#))
        let back = try TableSchema(name: "events", sparkSchemaJSON: json, partitionColumns: ["date"])
        #expect(back == eventsSchema)
    }

    @Test func aWrittenFileIsCheckedAgainstItsSchema() throws {
        let path = makeTempDir() + "/r.parquet"
        try ParquetFile.write(to: path, schema: ratingsSchema.dataSchema, columns: ratingsBatch(rows: 5, seed: 1).columns)
        try ratingsSchema.verify(parquetFile: path)
        // The same file disagrees with a schema that changed a type, nullability, or a column.
        var changed = ratingsSchema
        changed.columns[2] = TableColumn("rating", .double)
        changed.columns[1].nullable = true
        changed.columns.append(TableColumn("extra", .string))
        let problems = changed.differences(from: try ParquetReader(path: path))
        #expect(problems.count == 3, "\(problems)")
        #expect(problems.contains { $0.contains("rating is float in the file, double in the schema") })
        #expect(problems.contains { $0.contains("extra is missing") })
        #expect(throws: ReelError.self) { try changed.verify(parquetFile: path) }
    }
}
