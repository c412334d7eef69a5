// Page headers (parquet.thrift `PageHeader` and its per-type headers), which
// precede every page of a column chunk.

/// `DataPageHeader` (v1): levels and values are compressed together.
struct DataPageHeader: Equatable {
    var numValues: Int32 = 0
    var encoding: ParquetEncoding = .plain
    var definitionLevelEncoding: ParquetEncoding = .rle
    var repetitionLevelEncoding: ParquetEncoding = .rle
}

/// `DataPageHeaderV2`: levels are stored uncompressed ahead of the values.
struct DataPageHeaderV2: Equatable {
    var numValues: Int32 = 0
    var numNulls: Int32 = 0
    var numRows: Int32 = 0
    var encoding: ParquetEncoding = .plain
    var definitionLevelsByteLength: Int32 = 0
    var repetitionLevelsByteLength: Int32 = 0
    var isCompressed = true
}

/// `DictionaryPageHeader`.
struct DictionaryPageHeader: Equatable {
    var numValues: Int32 = 0
    var encoding: ParquetEncoding = .plain
    var isSorted: Bool?
}

/// `PageHeader`.
struct PageHeader: Equatable {
    var type: ParquetPageType = .dataPage
    var uncompressedPageSize: Int32 = 0
    var compressedPageSize: Int32 = 0
    var crc: Int32?
    var dataPage: DataPageHeader?
    var dictionaryPage: DictionaryPageHeader?
    var dataPageV2: DataPageHeaderV2?

    func encoded() -> [UInt8] {
        var w = ThriftCompactWriter(reservingCapacity: 48)
        w.beginStruct()
        w.field(1, i32: type.rawValue)
        w.field(2, i32: uncompressedPageSize)
        w.field(3, i32: compressedPageSize)
        if let crc { w.field(4, i32: crc) }
        if let dataPage {
            w.field(5) { s in
                s.field(1, i32: dataPage.numValues)
                s.field(2, i32: dataPage.encoding.rawValue)
                s.field(3, i32: dataPage.definitionLevelEncoding.rawValue)
                s.field(4, i32: dataPage.repetitionLevelEncoding.rawValue)
            }
        }
        if let dictionaryPage {
            w.field(7) { s in
                s.field(1, i32: dictionaryPage.numValues)
                s.field(2, i32: dictionaryPage.encoding.rawValue)
                if let sorted = dictionaryPage.isSorted { s.field(3, bool: sorted) }
            }
        }
        if let v2 = dataPageV2 {
            w.field(8) { s in
                s.field(1, i32: v2.numValues)
                s.field(2, i32: v2.numNulls)
                s.field(3, i32: v2.numRows)
                s.field(4, i32: v2.encoding.rawValue)
                s.field(5, i32: v2.definitionLevelsByteLength)
                s.field(6, i32: v2.repetitionLevelsByteLength)
                s.field(7, bool: v2.isCompressed)
            }
        }
        w.endStruct()
        return w.bytes
    }

    init() {}

    /// Decodes a header; `r.position` is then the first byte of the page body.
    init(thrift r: inout ThriftCompactReader) throws {
        try r.readStruct("PageHeader", required: [(1, "type"), (2, "uncompressed_page_size"), (3, "compressed_page_size")]) { r, f in
            switch f.id {
            case 1: type = ParquetPageType(rawValue: try r.readI32Field(f))
            case 2: uncompressedPageSize = try r.readI32Field(f)
            case 3: compressedPageSize = try r.readI32Field(f)
            case 4: crc = try r.readI32Field(f)
            case 5:
                try r.expect(f, .struct)
                var h = DataPageHeader()
                try r.readStruct("DataPageHeader", required: [(1, "num_values"), (2, "encoding")]) { r, g in
                    switch g.id {
                    case 1: h.numValues = try r.readI32Field(g)
                    case 2: h.encoding = ParquetEncoding(rawValue: try r.readI32Field(g))
                    case 3: h.definitionLevelEncoding = ParquetEncoding(rawValue: try r.readI32Field(g))
                    case 4: h.repetitionLevelEncoding = ParquetEncoding(rawValue: try r.readI32Field(g))
                    default: try r.skip(g.type)
                    }
                }
                dataPage = h
            case 7:
                try r.expect(f, .struct)
                var h = DictionaryPageHeader()
                try r.readStruct("DictionaryPageHeader", required: [(1, "num_values"), (2, "encoding")]) { r, g in
                    switch g.id {
                    case 1: h.numValues = try r.readI32Field(g)
                    case 2: h.encoding = ParquetEncoding(rawValue: try r.readI32Field(g))
                    case 3: h.isSorted = try r.boolValue(g)
                    default: try r.skip(g.type)
                    }
                }
                dictionaryPage = h
            case 8:
                try r.expect(f, .struct)
                var h = DataPageHeaderV2()
                let required: [(Int16, String)] = [
                    (1, "num_values"), (2, "num_nulls"), (3, "num_rows"), (4, "encoding"),
                    (5, "definition_levels_byte_length"), (6, "repetition_levels_byte_length"),
                ]
                try r.readStruct("DataPageHeaderV2", required: required) { r, g in
                    switch g.id {
                    case 1: h.numValues = try r.readI32Field(g)
                    case 2: h.numNulls = try r.readI32Field(g)
                    case 3: h.numRows = try r.readI32Field(g)
                    case 4: h.encoding = ParquetEncoding(rawValue: try r.readI32Field(g))
                    case 5: h.definitionLevelsByteLength = try r.readI32Field(g)
                    case 6: h.repetitionLevelsByteLength = try r.readI32Field(g)
                    case 7: h.isCompressed = try r.boolValue(g)
                    default: try r.skip(g.type)
                    }
                }
                dataPageV2 = h
            default: try r.skip(f.type)
            }
        }
    }
}
