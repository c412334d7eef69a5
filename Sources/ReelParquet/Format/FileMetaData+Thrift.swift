// Thrift compact encoding and decoding of the footer structures. Field ids
// are those of apache/parquet-format's parquet.thrift. Decoders check that
// required fields are present and have the declared wire type; unknown
// fields are skipped.

extension ThriftCompactReader {
    /// Reads one struct: calls `field` for each field (which reads or skips
    /// it), then fails naming the first of `required` (id, name) that was
    /// missing. The one loop every structure's decoder shares.
    mutating func readStruct(
        _ structure: String = "struct", required: [(Int16, String)] = [],
        _ field: (inout ThriftCompactReader, ThriftField) throws -> Void
    ) throws {
        var seen = Set<Int16>()
        try beginStruct()
        while let f = try nextField() {
            seen.insert(f.id)
            try field(&self, f)
        }
        for (id, name) in required where !seen.contains(id) {
            throw fail("\(structure) lacks its required field \(name)")
        }
    }

    mutating func readI32Field(_ f: ThriftField) throws -> Int32 { try expect(f, .i32); return try readI32() }
    mutating func readI64Field(_ f: ThriftField) throws -> Int64 { try expect(f, .i64); return try readI64() }
    mutating func readBinaryField(_ f: ThriftField) throws -> [UInt8] { try expect(f, .binary); return try readBytes() }
    mutating func readStringField(_ f: ThriftField) throws -> String { try expect(f, .binary); return try readString() }
}

// MARK: - Statistics

extension ParquetStatistics {
    func encode(into w: inout ThriftCompactWriter) {
        if let max { w.field(1, binary: max) }
        if let min { w.field(2, binary: min) }
        if let nullCount { w.field(3, i64: nullCount) }
        if let distinctCount { w.field(4, i64: distinctCount) }
        if let maxValue { w.field(5, binary: maxValue) }
        if let minValue { w.field(6, binary: minValue) }
        if let isMaxValueExact { w.field(7, bool: isMaxValueExact) }
        if let isMinValueExact { w.field(8, bool: isMinValueExact) }
        if let nanCount { w.field(9, i64: nanCount) }
    }

    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        try r.readStruct { r, f in
            switch f.id {
            case 1: max = try r.readBinaryField(f)
            case 2: min = try r.readBinaryField(f)
            case 3: nullCount = try r.readI64Field(f)
            case 4: distinctCount = try r.readI64Field(f)
            case 5: maxValue = try r.readBinaryField(f)
            case 6: minValue = try r.readBinaryField(f)
            case 7: isMaxValueExact = try r.boolValue(f)
            case 8: isMinValueExact = try r.boolValue(f)
            case 9: nanCount = try r.readI64Field(f)
            default: try r.skip(f.type)
            }
        }
    }
}

// MARK: - LogicalType

extension ParquetTimeUnit {
    var unionID: Int16 {
        switch self {
        case .millis: 1;
        case .micros: 2;
        case .nanos: 3
        }
    }

    static func decode(_ r: inout ThriftCompactReader) throws -> ParquetTimeUnit {
        var unit: ParquetTimeUnit?
        try r.readStruct { r, f in
            try r.expect(f, .struct)
            switch f.id {
            case 1: unit = .millis
            case 2: unit = .micros
            case 3: unit = .nanos
            default: break
            }
            try r.skip(.struct)
        }
        guard let unit else { throw r.fail("TimeUnit has no known member") }
        return unit
    }
}

extension ParquetLogicalType {
    func encode(into w: inout ThriftCompactWriter) {
        func empty(_ id: Int16) { w.field(id) { _ in } }
        func timeLike(_ id: Int16, _ utc: Bool, _ unit: ParquetTimeUnit) {
            w.field(id) { s in
                s.field(1, bool: utc)
                s.field(2) { u in u.field(unit.unionID) { _ in } }
            }
        }
        switch self {
        case .string: empty(1)
        case .map: empty(2)
        case .list: empty(3)
        case .enumeration: empty(4)
        case let .decimal(scale, precision):
            w.field(5) { s in
                s.field(1, i32: scale); s.field(2, i32: precision)
            }
        case .date: empty(6)
        case let .time(utc, unit): timeLike(7, utc, unit)
        case let .timestamp(utc, unit): timeLike(8, utc, unit)
        case let .integer(bits, signed):
            w.field(10) { s in
                s.field(1, i8: bits); s.field(2, bool: signed)
            }
        case .null: empty(11)
        case .json: empty(12)
        case .bson: empty(13)
        case .uuid: empty(14)
        case .float16: empty(15)
        case let .other(id): empty(id)
        }
    }

    init(thrift r: inout ThriftCompactReader) throws {
        var result: ParquetLogicalType?
        try r.readStruct { r, f in
            try r.expect(f, .struct)
            switch f.id {
            case 5:
                var scale: Int32?, precision: Int32?
                try r.readStruct { r, g in
                    switch g.id {
                    case 1: scale = try r.readI32Field(g)
                    case 2: precision = try r.readI32Field(g)
                    default: try r.skip(g.type)
                    }
                }
                guard let scale, let precision else { throw r.fail("DecimalType lacks scale or precision") }
                result = .decimal(scale: scale, precision: precision)
            case 7, 8:
                var utc: Bool?, unit: ParquetTimeUnit?
                try r.readStruct { r, g in
                    switch g.id {
                    case 1: utc = try r.boolValue(g)
                    case 2: try r.expect(g, .struct); unit = try ParquetTimeUnit.decode(&r)
                    default: try r.skip(g.type)
                    }
                }
                guard let utc, let unit else { throw r.fail("time type lacks isAdjustedToUTC or unit") }
                result = f.id == 7 ? .time(adjustedToUTC: utc, unit: unit) : .timestamp(adjustedToUTC: utc, unit: unit)
            case 10:
                var bits: Int8?, signed: Bool?
                try r.readStruct { r, g in
                    switch g.id {
                    case 1: try r.expect(g, .byte); bits = try r.readI8()
                    case 2: signed = try r.boolValue(g)
                    default: try r.skip(g.type)
                    }
                }
                guard let bits, let signed else { throw r.fail("IntType lacks bitWidth or isSigned") }
                result = .integer(bitWidth: bits, signed: signed)
            default:
                try r.skip(.struct)
                let simple: [Int16: ParquetLogicalType] = [
                    1: .string, 2: .map, 3: .list, 4: .enumeration, 6: .date,
                    11: .null, 12: .json, 13: .bson, 14: .uuid, 15: .float16,
                ]
                result = simple[f.id] ?? .other(f.id)
            }
        }
        guard let result else { throw r.fail("LogicalType union is empty") }
        self = result
    }
}

// MARK: - SchemaElement

extension ParquetSchemaElement {
    func encode(into w: inout ThriftCompactWriter) {
        if let type { w.field(1, i32: type.rawValue) }
        if let typeLength { w.field(2, i32: typeLength) }
        if let repetition { w.field(3, i32: repetition.rawValue) }
        w.field(4, string: name)
        if let numChildren { w.field(5, i32: numChildren) }
        if let convertedType { w.field(6, i32: convertedType.rawValue) }
        if let scale { w.field(7, i32: scale) }
        if let precision { w.field(8, i32: precision) }
        if let fieldID { w.field(9, i32: fieldID) }
        if let logicalType { w.field(10) { logicalType.encode(into: &$0) } }
    }

    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        try r.readStruct("SchemaElement", required: [(4, "name")]) { r, f in
            switch f.id {
            case 1: type = ParquetPhysicalType(rawValue: try r.readI32Field(f))
            case 2: typeLength = try r.readI32Field(f)
            case 3: repetition = ParquetRepetition(rawValue: try r.readI32Field(f))
            case 4: name = try r.readStringField(f)
            case 5: numChildren = try r.readI32Field(f)
            case 6: convertedType = ParquetConvertedType(rawValue: try r.readI32Field(f))
            case 7: scale = try r.readI32Field(f)
            case 8: precision = try r.readI32Field(f)
            case 9: fieldID = try r.readI32Field(f)
            case 10: try r.expect(f, .struct); logicalType = try ParquetLogicalType(thrift: &r)
            default: try r.skip(f.type)
            }
        }
    }
}

// MARK: - KeyValue, PageEncodingStats

extension ParquetKeyValue {
    func encode(into w: inout ThriftCompactWriter) {
        w.field(1, string: key)
        if let value { w.field(2, string: value) }
    }

    init(thrift r: inout ThriftCompactReader) throws {
        var key: String?, value: String?
        try r.readStruct { r, f in
            switch f.id {
            case 1: key = try r.readStringField(f)
            case 2: value = try r.readStringField(f)
            default: try r.skip(f.type)
            }
        }
        guard let key else { throw r.fail("KeyValue lacks its required field key") }
        self.init(key: key, value: value)
    }

    static func decodeList(_ r: inout ThriftCompactReader, _ f: ThriftField) throws -> [ParquetKeyValue] {
        try r.expect(f, .list)
        return try r.readList(of: .struct, fieldID: f.id) { try ParquetKeyValue(thrift: &$0) }
    }
}

extension ParquetPageEncodingStats {
    func encode(into w: inout ThriftCompactWriter) {
        w.field(1, i32: pageType.rawValue)
        w.field(2, i32: encoding.rawValue)
        w.field(3, i32: count)
    }

    init(thrift r: inout ThriftCompactReader) throws {
        var type: Int32?, encoding: Int32?, count: Int32?
        try r.readStruct { r, f in
            switch f.id {
            case 1: type = try r.readI32Field(f)
            case 2: encoding = try r.readI32Field(f)
            case 3: count = try r.readI32Field(f)
            default: try r.skip(f.type)
            }
        }
        guard let type, let encoding, let count else { throw r.fail("PageEncodingStats lacks a required field") }
        self.init(pageType: ParquetPageType(rawValue: type), encoding: ParquetEncoding(rawValue: encoding), count: count)
    }
}

// MARK: - ColumnMetaData, ColumnChunk, RowGroup

extension ParquetColumnMetaData {
    func encode(into w: inout ThriftCompactWriter) {
        w.field(1, i32: type.rawValue)
        w.field(2, listOf: .i32, count: encodings.count) { l in for e in encodings { l.writeI32(e.rawValue) } }
        w.field(3, listOf: .binary, count: pathInSchema.count) { l in for p in pathInSchema { l.writeString(p) } }
        w.field(4, i32: codec.rawValue)
        w.field(5, i64: numValues)
        w.field(6, i64: totalUncompressedSize)
        w.field(7, i64: totalCompressedSize)
        if let keyValueMetadata {
            w.field(8, listOf: .struct, count: keyValueMetadata.count) { l in
                for kv in keyValueMetadata { l.beginStruct(); kv.encode(into: &l); l.endStruct() }
            }
        }
        w.field(9, i64: dataPageOffset)
        if let indexPageOffset { w.field(10, i64: indexPageOffset) }
        if let dictionaryPageOffset { w.field(11, i64: dictionaryPageOffset) }
        if let statistics { w.field(12) { statistics.encode(into: &$0) } }
        if let encodingStats {
            w.field(13, listOf: .struct, count: encodingStats.count) { l in
                for s in encodingStats { l.beginStruct(); s.encode(into: &l); l.endStruct() }
            }
        }
    }

    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        let required: [(Int16, String)] = [
            (1, "type"), (2, "encodings"), (3, "path_in_schema"), (4, "codec"), (5, "num_values"),
            (6, "total_uncompressed_size"), (7, "total_compressed_size"), (9, "data_page_offset"),
        ]
        try r.readStruct("ColumnMetaData", required: required) { r, f in
            switch f.id {
            case 1: type = ParquetPhysicalType(rawValue: try r.readI32Field(f))
            case 2:
                try r.expect(f, .list)
                encodings = try r.readList(of: .i32, fieldID: f.id) { ParquetEncoding(rawValue: try $0.readI32()) }
            case 3:
                try r.expect(f, .list)
                pathInSchema = try r.readList(of: .binary, fieldID: f.id) { try $0.readString() }
            case 4: codec = ParquetCodec(rawValue: try r.readI32Field(f))
            case 5: numValues = try r.readI64Field(f)
            case 6: totalUncompressedSize = try r.readI64Field(f)
            case 7: totalCompressedSize = try r.readI64Field(f)
            case 8: keyValueMetadata = try ParquetKeyValue.decodeList(&r, f)
            case 9: dataPageOffset = try r.readI64Field(f)
            case 10: indexPageOffset = try r.readI64Field(f)
            case 11: dictionaryPageOffset = try r.readI64Field(f)
            case 12: try r.expect(f, .struct); statistics = try ParquetStatistics(thrift: &r)
            case 13:
                try r.expect(f, .list)
                encodingStats = try r.readList(of: .struct, fieldID: f.id) { try ParquetPageEncodingStats(thrift: &$0) }
            default: try r.skip(f.type)
            }
        }
    }
}

extension ParquetColumnChunk {
    func encode(into w: inout ThriftCompactWriter) {
        if let filePath { w.field(1, string: filePath) }
        w.field(2, i64: fileOffset)
        if let metaData { w.field(3) { metaData.encode(into: &$0) } }
    }

    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        try r.readStruct { r, f in
            switch f.id {
            case 1: filePath = try r.readStringField(f)
            case 2: fileOffset = try r.readI64Field(f)
            case 3: try r.expect(f, .struct); metaData = try ParquetColumnMetaData(thrift: &r)
            default: try r.skip(f.type)
            }
        }
    }
}

extension ParquetRowGroup {
    func encode(into w: inout ThriftCompactWriter) {
        w.field(1, listOf: .struct, count: columns.count) { l in
            for c in columns { l.beginStruct(); c.encode(into: &l); l.endStruct() }
        }
        w.field(2, i64: totalByteSize)
        w.field(3, i64: numRows)
        if let fileOffset { w.field(5, i64: fileOffset) }
        if let totalCompressedSize { w.field(6, i64: totalCompressedSize) }
        if let ordinal { w.field(7, i16: ordinal) }
    }

    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        try r.readStruct("RowGroup", required: [(1, "columns"), (2, "total_byte_size"), (3, "num_rows")]) { r, f in
            switch f.id {
            case 1:
                try r.expect(f, .list)
                columns = try r.readList(of: .struct, fieldID: f.id) { try ParquetColumnChunk(thrift: &$0) }
            case 2: totalByteSize = try r.readI64Field(f)
            case 3: numRows = try r.readI64Field(f)
            case 5: fileOffset = try r.readI64Field(f)
            case 6: totalCompressedSize = try r.readI64Field(f)
            case 7: try r.expect(f, .i16); ordinal = try r.readI16()
            default: try r.skip(f.type)
            }
        }
    }
}

// MARK: - FileMetaData

extension ParquetFileMetaData {
    /// The footer bytes (without the length and magic that follow it).
    func encoded() -> [UInt8] {
        var w = ThriftCompactWriter(reservingCapacity: 1024)
        w.beginStruct()
        w.field(1, i32: version)
        w.field(2, listOf: .struct, count: schema.count) { l in
            for e in schema { l.beginStruct(); e.encode(into: &l); l.endStruct() }
        }
        w.field(3, i64: numRows)
        w.field(4, listOf: .struct, count: rowGroups.count) { l in
            for g in rowGroups { l.beginStruct(); g.encode(into: &l); l.endStruct() }
        }
        if let keyValueMetadata {
            w.field(5, listOf: .struct, count: keyValueMetadata.count) { l in
                for kv in keyValueMetadata { l.beginStruct(); kv.encode(into: &l); l.endStruct() }
            }
        }
        if let createdBy { w.field(6, string: createdBy) }
        if let columnOrders {
            w.field(7, listOf: .struct, count: columnOrders.count) { l in
                for order in columnOrders {
                    l.beginStruct()
                    switch order {
                    case .typeDefined: l.field(1) { _ in }
                    case .ieee754TotalOrder: l.field(2) { _ in }
                    case let .other(id): l.field(id) { _ in }
                    }
                    l.endStruct()
                }
            }
        }
        w.endStruct()
        return w.bytes
    }

    init(thrift r: inout ThriftCompactReader) throws {
        self.init()
        try r.readStruct("FileMetaData", required: [(1, "version"), (2, "schema"), (3, "num_rows"), (4, "row_groups")]) { r, f in
            switch f.id {
            case 1: version = try r.readI32Field(f)
            case 2:
                try r.expect(f, .list)
                schema = try r.readList(of: .struct, fieldID: f.id) { try ParquetSchemaElement(thrift: &$0) }
            case 3: numRows = try r.readI64Field(f)
            case 4:
                try r.expect(f, .list)
                rowGroups = try r.readList(of: .struct, fieldID: f.id) { try ParquetRowGroup(thrift: &$0) }
            case 5: keyValueMetadata = try ParquetKeyValue.decodeList(&r, f)
            case 6: createdBy = try r.readStringField(f)
            case 7:
                try r.expect(f, .list)
                columnOrders = try r.readList(of: .struct, fieldID: f.id) { r in
                    var order = ParquetColumnOrder.other(0)
                    try r.readStruct { r, g in
                        try r.expect(g, .struct)
                        try r.skip(.struct)
                        order = g.id == 1 ? .typeDefined : g.id == 2 ? .ieee754TotalOrder : .other(g.id)
                    }
                    return order
                }
            case 8:
                isEncrypted = true
                try r.skip(f.type)
            default: try r.skip(f.type)
            }
        }
    }
}
