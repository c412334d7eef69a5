import Testing
import ReelCore
@testable import ReelParquet
import ReelTestSupport

@Suite struct RoundTripTests {
    func roundTrip(_ sample: SampleTable, _ options: ParquetWriteOptions) throws -> (ParquetTable, ParquetFileSummary) {
        let path = makeTempDir() + "/t.parquet"
        let summary = try ParquetFile.write(to: path, schema: sample.schema, columns: sample.columns, options: options)
        let table = try ParquetReader(path: path).readAll()
        return (table, summary)
    }

    @Test(arguments: [
        ParquetWriteOptions(),
        .with { $0.compression = .uncompressed },
        .with { $0.dictionary = .never },
        .with {
            $0.dictionary = .always; $0.compression = .uncompressed
        },
        .with { $0.dataPageVersion = .v2 },
        .with {
            $0.dataPageVersion = .v2; $0.compression = .uncompressed; $0.dictionary = .always
        },
        .with {
            $0.pageTargetBytes = 100; $0.rowGroupTargetBytes = 4000; $0.verification = .full
        },
    ])
    func everyTypeRoundTrips(options: ParquetWriteOptions) throws {
        let sample = SampleTable(rows: 1000)
        let (table, summary) = try roundTrip(sample, options)
        #expect(table.rowCount == 1000)
        #expect(summary.rowCount == 1000)
        #expect(table.names == sample.schema.columns.map(\.name))
        for (i, column) in sample.columns.enumerated() {
            #expect(table.columns[i] == column.normalized, "column \(sample.schema.columns[i].name)")
        }
    }

    @Test func dictionaryIsChosenForLowCardinalityOnly() throws {
        let sample = SampleTable(rows: 5000)
        let path = makeTempDir() + "/t.parquet"
        let summary = try ParquetFile.write(to: path, schema: sample.schema, columns: sample.columns)
        let byName = Dictionary(uniqueKeysWithValues: zip(sample.schema.columns.map(\.name), summary.dictionaryEncoded))
        #expect(byName["genre"] == true)
        #expect(byName["rating"] == true)
        #expect(byName["userId"] == true)
        #expect(byName["timestamp"] == false)
        #expect(byName["score"] == false)
        #expect(byName["watched"] == false)
        let meta = try ParquetReader(path: path).metadata
        let genre = try #require(meta.rowGroups[0].columns[6].metaData)
        #expect(genre.encodings.contains(.rleDictionary))
        #expect(genre.dictionaryPageOffset != nil)
        #expect(meta.rowGroups[0].columns[4].metaData?.encodings.contains(.rleDictionary) == false)
    }

    /// Columns handed over already dictionary-encoded read back expanded,
    /// with statistics over the entries the rows use, across row groups.
    @Test func dictionaryEncodedInputRoundTrips() throws {
        let schema = try ParquetSchema([TableColumn("id", .int32), TableColumn("name", .string), TableColumn("t", .int64)])
        var rng = SplitMix64(seed: 8)
        let ids: [Int32] = [50, 7, 900, -3, 12]
        let names = ["b", "a", "zz", "", "m"]
        let rows = 3000
        // Never the entries 2 and 3: the statistics must leave 900 and -3 out.
        let idIndices = (0..<rows).map { _ in [0, 1, 4][Int(rng.next() % 3)] as UInt32 }
        let nameIndices = (0..<rows).map { _ in UInt32(rng.next() % 5) }
        let times = (0..<rows).map { Int64($0) * 1000 }
        let columns = [
            ParquetColumnData(dictionary: .int32(ids), indices: idIndices),
            ParquetColumnData(dictionary: .byteArray(ByteArrayColumn(names)), indices: nameIndices), .int64(times),
        ]
        let path = makeTempDir() + "/d.parquet"
        let options = ParquetWriteOptions.with { $0.rowGroupTargetBytes = 8 << 10 }
        let summary = try ParquetFile.write(to: path, schema: schema, columns: columns, options: options)
        #expect(summary.rowGroupCount > 1 && summary.dictionaryEncoded == [true, true, false])
        #expect(summary.columnStatistics[0].min == .int(7) && summary.columnStatistics[0].max == .int(50))
        let table = try ParquetReader(path: path).readAll()
        #expect(table.columns[0] == .int32(idIndices.map { ids[Int($0)] }))
        #expect(table.columns[1] == .strings(nameIndices.map { names[Int($0)] }))
        #expect(table.columns[2] == .int64(times))
        // Indices outside the dictionary, or nulls, are refused before anything is written.
        let bad = [ParquetColumnData(dictionary: .int32(ids), indices: [0, 5]), .strings(["a", "b"]), .int64([1, 2])]
        #expect(throws: ReelError.self) { try ParquetFile.write(to: path, schema: schema, columns: bad) }
        var withNulls = ParquetColumnData(dictionary: .int32(ids), indices: [0, 1])
        withNulls.validity = [true, false]
        #expect(throws: ReelError.self) {
            try ParquetFile.write(to: path, schema: schema, columns: [withNulls, .strings(["a", "b"]), .int64([1, 2])])
        }
    }

    @Test func multipleRowGroupsKeepRowOrder() throws {
        let sample = SampleTable(rows: 3000)
        let path = makeTempDir() + "/t.parquet"
        let options = ParquetWriteOptions.with { $0.rowGroupTargetBytes = 16 << 10 }
        try ParquetFile.write(to: path, schema: sample.schema, options: options) { w in
            try w.writeRowGroup(columns: sample.columns)
            try w.writeRowGroup(columns: sample.columns)
        }
        let reader = try ParquetReader(path: path)
        #expect(reader.rowGroupCount > 4)
        #expect(reader.rowCount == 6000)
        let table = try reader.readColumns(["title", "userId"])
        guard case let .int32(ids) = table.columns[1].values, case let .int32(expected) = sample.columns[0].values else {
            Issue.record("wrong types"); return
        }
        #expect(ids == expected + expected)
        guard case let .byteArray(titles) = table.columns[0].values, case let .byteArray(original) = sample.columns[7].values else {
            Issue.record("wrong types"); return
        }
        #expect(titles.string(at: 3000 + 17) == original.string(at: 17))
        #expect(table.columns[0].validity! == sample.columns[7].validity! + sample.columns[7].validity!)
    }

    @Test func emptyFileAndEmptyStrings() throws {
        let schema = try ParquetSchema([TableColumn("s", .string), TableColumn("n", .int64, nullable: true)])
        let path = makeTempDir() + "/empty.parquet"
        try ParquetFile.write(to: path, schema: schema, columns: [.strings([String]()), .int64([Int64]())])
        let r = try ParquetReader(path: path)
        #expect(r.rowCount == 0 && r.rowGroupCount == 0)
        #expect(try r.readAll().columns[0] == .strings([String]()))
        let path2 = makeTempDir() + "/blank.parquet"
        let blanks = ParquetColumnData.strings(["", "", "x", ""])
        let nulls = ParquetColumnData.int64([nil, nil, nil, nil] as [Int64?])
        try ParquetFile.write(to: path2, schema: schema, columns: [blanks, nulls])
        let t = try ParquetReader(path: path2).readAll()
        #expect(t.columns[0] == blanks)
        #expect(t.columns[1] == nulls)
    }

    @Test func statisticsAreExact() throws {
        let schema = try ParquetSchema([
            TableColumn("i", .int32), TableColumn("f", .float, nullable: true),
            TableColumn("s", .string), TableColumn("t", .timestampMillis),
        ])
        let columns: [ParquetColumnData] = [
            .int32([5, -3, 12, 0]), .float([nil, 2.5, -0.0, .nan]),
            .strings(["pear", "apple", "zebra", "Zoo"]), .int64([1000, 999, 5000, 4000]),
        ]
        let path = makeTempDir() + "/s.parquet"
        let summary = try ParquetFile.write(to: path, schema: schema, columns: columns)
        #expect(summary.columnStatistics[0] == ColumnStatistics(nullCount: 0, min: .int(-3), max: .int(12)))
        #expect(summary.columnStatistics[1].nullCount == 1)
        #expect(summary.columnStatistics[1].max == .real(2.5))
        #expect(summary.columnStatistics[2] == ColumnStatistics(nullCount: 0, min: .bytes(Array("Zoo".utf8)), max: .bytes(Array("zebra".utf8))))
        let meta = try ParquetReader(path: path).metadata
        let s = try #require(meta.rowGroups[0].columns[0].metaData?.statistics)
        #expect(s.minValue == [0xFD, 0xFF, 0xFF, 0xFF])
        #expect(s.maxValue == [12, 0, 0, 0])
        #expect(s.nullCount == 0)
        let f = try #require(meta.rowGroups[0].columns[1].metaData?.statistics)
        #expect(f.minValue == withUnsafeBytes(of: Float(-0.0).bitPattern.littleEndian) { Array($0) })
        let str = try #require(meta.rowGroups[0].columns[2].metaData?.statistics)
        #expect(str.minValue == Array("Zoo".utf8) && str.min == nil)
        #expect(meta.columnOrders == [.typeDefined, .typeDefined, .typeDefined, .typeDefined])
        #expect(meta.schema[4].logicalType == .timestamp(adjustedToUTC: true, unit: .millis))
    }

    @Test func badBatchesAreRefusedByName() throws {
        let schema = try ParquetSchema([TableColumn("a", .int32), TableColumn("b", .string)])
        let path = makeTempDir() + "/bad.parquet"
        #expect(throws: ReelError.self) {
            try ParquetFile.write(to: path, schema: schema, columns: [.int32([1, 2]), .strings(["x"])])
        }
        do {
            try ParquetFile.write(to: path, schema: schema, columns: [.int64([1]), .strings(["x"])])
            Issue.record("wrong type accepted")
        } catch let e as ReelError {
            #expect(e.message.contains("column a is int32"))
        }
        do {
            try ParquetFile.write(to: path, schema: schema, columns: [.int32([1, nil]), .strings(["x", "y"])])
            Issue.record("null in a required column accepted")
        } catch let e as ReelError {
            #expect(e.message.contains("row 1 is null"))
        }
        #expect(!FileSystem.exists(path))
        #expect(FileSystem.list(Path.parent(path)).isEmpty)
    }
}
