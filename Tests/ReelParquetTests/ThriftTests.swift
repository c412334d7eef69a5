import Testing
@testable import ReelParquet

@Suite struct ThriftTests {
    @Test func varintsAndZigzagRoundTrip() throws {
        let values: [Int64] = [0, 1, -1, 63, -64, 64, 300, -300, Int64(Int32.max), Int64(Int32.min), .max, .min]
        var w = ThriftCompactWriter()
        for v in values { w.writeI64(v) }
        try w.bytes.withUnsafeBytes { raw throws in
            var r = ThriftCompactReader(raw)
            for v in values { #expect(try r.readI64() == v) }
            #expect(r.remaining == 0)
        }
        #expect(zigzagEncode(-1) == 1 && zigzagEncode(1) == 2)
    }

    @Test func fieldDeltasLongJumpsBoolsAndNestedStructs() throws {
        var w = ThriftCompactWriter()
        w.beginStruct()
        w.field(1, i32: -7)
        w.field(2, bool: true)
        w.field(40, i64: 1 << 40)  // delta > 15: long form
        w.field(41) { s in
            s.field(3, string: "inner"); s.field(4, bool: false)
        }
        w.field(42, listOf: .boolTrue, count: 3) { l in
            l.writeBool(true); l.writeBool(false); l.writeBool(true)
        }
        w.field(43, double: 2.5)
        w.endStruct()
        // Field 1 with delta 1 and type i32: 0x15, then zigzag(-7) = 13.
        #expect(Array(w.bytes.prefix(2)) == [0x15, 13])
        try w.bytes.withUnsafeBytes { raw throws in
            var r = ThriftCompactReader(raw)
            try r.beginStruct()
            var f = try #require(try r.nextField())
            #expect(f.id == 1)
            #expect(try r.readI32Field(f) == -7)
            f = try #require(try r.nextField())
            #expect(f.id == 2)
            #expect(try r.boolValue(f) == true)
            f = try #require(try r.nextField())
            #expect(f.id == 40)
            #expect(try r.readI64Field(f) == 1 << 40)
            f = try #require(try r.nextField())
            #expect(f.id == 41 && f.type == .struct)
            try r.beginStruct()
            let g = try #require(try r.nextField())
            #expect(g.id == 3)
            #expect(try r.readStringField(g) == "inner")
            let h = try #require(try r.nextField())
            #expect(h.id == 4)
            #expect(try r.boolValue(h) == false)
            #expect(try r.nextField() == nil)
            f = try #require(try r.nextField())
            #expect(f.id == 42)
            #expect(try r.readList(of: .boolTrue, fieldID: 42) { try $0.readBoolElement() } == [true, false, true])
            f = try #require(try r.nextField())
            #expect(f.id == 43)
            #expect(try r.readDouble() == 2.5)
            #expect(try r.nextField() == nil)
            #expect(r.remaining == 0)
        }
    }

    @Test func unknownFieldsAreSkipped() throws {
        var w = ThriftCompactWriter()
        w.beginStruct()
        w.field(1, i32: 5)
        w.field(7, listOf: .struct, count: 2) { l in
            for _ in 0..<2 { l.beginStruct(); l.field(1, string: "x"); l.endStruct() }
        }
        w.field(9, binary: [1, 2, 3])
        w.field(20, i32: 9)
        w.endStruct()
        try w.bytes.withUnsafeBytes { raw throws in
            var r = ThriftCompactReader(raw)
            try r.beginStruct()
            var seen: [Int16: Int32] = [:]
            while let f = try r.nextField() {
                if f.type == .i32 { seen[f.id] = try r.readI32() } else { try r.skip(f.type) }
            }
            #expect(seen == [1: 5, 20: 9])
        }
    }

    @Test func hostileInputIsAnErrorNotACrash() {
        // A list claiming 2^60 elements, a binary longer than the buffer, deep nesting.
        let cases: [[UInt8]] = [
            [0x19, 0xF5, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F],
            [0x18, 0xFF, 0x7F, 1, 2, 3],
            [UInt8](repeating: 0x1C, count: 100),
            [0x15],
        ]
        for bytes in cases {
            #expect(throws: ThriftDecodeError.self) {
                try bytes.withUnsafeBytes { raw throws in
                    var r = ThriftCompactReader(raw)
                    _ = try ParquetFileMetaData(thrift: &r)
                }
            }
        }
    }

    @Test func fileMetaDataRoundTrips() throws {
        var meta = ParquetFileMetaData()
        meta.schema = try ParquetSchema([
            TableColumn("a", .int32), TableColumn("b", .string, nullable: true),
            TableColumn("t", .timestampMillis),
        ]).elements
        meta.numRows = 3
        var column = ParquetColumnMetaData()
        column.type = .int32
        column.encodings = [.plain, .rle, .rleDictionary]
        column.pathInSchema = ["a"]
        column.codec = .zstd
        column.numValues = 3
        column.totalCompressedSize = 100
        column.totalUncompressedSize = 200
        column.dataPageOffset = 4
        column.dictionaryPageOffset = 40
        var stats = ParquetStatistics()
        stats.nullCount = 0
        stats.minValue = [1, 0, 0, 0]
        stats.maxValue = [9, 0, 0, 0]
        column.statistics = stats
        column.encodingStats = [ParquetPageEncodingStats(pageType: .dataPage, encoding: .rleDictionary, count: 2)]
        var chunk = ParquetColumnChunk()
        chunk.metaData = column
        var group = ParquetRowGroup()
        group.columns = [chunk]
        group.numRows = 3
        group.totalByteSize = 200
        group.ordinal = 0
        meta.rowGroups = [group]
        meta.keyValueMetadata = [ParquetKeyValue(key: "k", value: "v"), ParquetKeyValue(key: "nil", value: nil)]
        meta.createdBy = "test"
        meta.columnOrders = [.typeDefined, .typeDefined, .typeDefined]
        let bytes = meta.encoded()
        let decoded = try bytes.withUnsafeBytes { raw throws in
            var r = ThriftCompactReader(raw)
            return try ParquetFileMetaData(thrift: &r)
        }
        #expect(decoded == meta)
        #expect(decoded.schema[3].logicalType == .timestamp(adjustedToUTC: true, unit: .millis))
    }

    @Test func pageHeadersRoundTrip() throws {
        var h = PageHeader()
        h.type = .dataPageV2
        h.uncompressedPageSize = 1000
        h.compressedPageSize = 400
        h.crc = -12345
        h.dataPageV2 = DataPageHeaderV2(
            numValues: 10, numNulls: 2, numRows: 10, encoding: .rleDictionary,
            definitionLevelsByteLength: 3, repetitionLevelsByteLength: 0, isCompressed: false)
        var d = PageHeader()
        d.type = .dictionaryPage
        d.dictionaryPage = DictionaryPageHeader(numValues: 5, encoding: .plain, isSorted: true)
        var v1 = PageHeader()
        v1.dataPage = DataPageHeader(numValues: 7, encoding: .plain, definitionLevelEncoding: .rle, repetitionLevelEncoding: .bitPacked)
        for header in [h, d, v1] {
            let bytes = header.encoded()
            let decoded = try bytes.withUnsafeBytes { raw throws in
                var r = ThriftCompactReader(raw)
                return try PageHeader(thrift: &r)
            }
            #expect(decoded == header)
        }
    }
}
