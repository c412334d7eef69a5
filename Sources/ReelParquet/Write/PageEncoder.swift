/// One encoded page, ready to append to the file.
struct EncodedPage: Sendable {
    var header: [UInt8]
    var body: [UInt8]
    /// Header plus uncompressed body size (for `total_uncompressed_size`).
    var uncompressedSize: Int
    var type: ParquetPageType
    var encoding: ParquetEncoding
}

/// Encodes and compresses the pages of a planned column chunk. Each call is
/// independent of the others, so the writer runs them on all cores.
struct PageEncoder {
    let options: ParquetWriteOptions
    let compressor: ZstdCompressor?

    init(options: ParquetWriteOptions) {
        self.options = options
        if case let .zstd(level) = options.compression {
            compressor = ZstdCompressor(level: level)
        } else {
            compressor = nil
        }
    }

    // MARK: Dictionary page

    func dictionaryPage(_ plan: ColumnChunkPlan) throws -> EncodedPage {
        guard let dictionary = plan.dictionary else { preconditionFailure("no dictionary") }
        var plain: [UInt8]
        switch dictionary {
        case let .fixed(bytes, _): plain = bytes
        case let .bytes(strings):
            plain = []
            plain.reserveCapacity(strings.bytes.count + 4 * strings.count)
            strings.bytes.withUnsafeBytes { raw in
                for i in 0..<strings.count { appendLengthPrefixed(UnsafeRawBufferPointer(rebasing: raw[strings.range(i)]), to: &plain) }
            }
        }
        let body = try plain.withUnsafeBytes { try compress($0, plan) }
        var header = PageHeader()
        header.type = .dictionaryPage
        header.dictionaryPage = DictionaryPageHeader(numValues: Int32(dictionary.count), encoding: .plain, isSorted: false)
        return try finish(header: header, uncompressed: plain.count, body: body, encoding: .plain)
    }

    // MARK: Data pages

    func dataPage(_ plan: ColumnChunkPlan, _ page: PageSlice) throws -> EncodedPage {
        let levels = plan.column.nullable ? definitionLevels(plan, page) : nil
        let encoding: ParquetEncoding = plan.dictionary == nil ? plan.valueEncoding : .rleDictionary
        return try withValueBytes(plan, page) { values in
            switch options.dataPageVersion {
            case .v1:
                var header = PageHeader()
                header.type = .dataPage
                header.dataPage = DataPageHeader(
                    numValues: Int32(page.rows.count), encoding: encoding,
                    definitionLevelEncoding: .rle, repetitionLevelEncoding: .rle)
                guard let levels else {
                    return try finish(header: header, uncompressed: values.count, body: try compress(values, plan), encoding: encoding)
                }
                var raw: [UInt8] = []
                raw.reserveCapacity(4 + levels.count + values.count)
                appendLengthPrefixed(levels, to: &raw)
                raw.append(contentsOf: values)
                let body = try raw.withUnsafeBytes { try compress($0, plan) }
                return try finish(header: header, uncompressed: raw.count, body: body, encoding: encoding)
            case .v2:
                let levelBytes = levels ?? []
                var header = PageHeader()
                header.type = .dataPageV2
                header.dataPageV2 = DataPageHeaderV2(
                    numValues: Int32(page.rows.count), numNulls: Int32(page.rows.count - page.values.count),
                    numRows: Int32(page.rows.count), encoding: encoding,
                    definitionLevelsByteLength: Int32(levelBytes.count), repetitionLevelsByteLength: 0,
                    isCompressed: compressor != nil && plan.compressed)
                var body = levelBytes
                body.append(contentsOf: try compress(values, plan))
                return try finish(header: header, uncompressed: levelBytes.count + values.count, body: body, encoding: encoding)
            }
        }
    }

    /// RLE-encoded definition levels (1 = value present) of the page's rows.
    private func definitionLevels(_ plan: ColumnChunkPlan, _ page: PageSlice) -> [UInt8] {
        var levels = [UInt32](repeating: 1, count: page.rows.count)
        if let validity = plan.data.validity {
            for (i, r) in page.rows.enumerated() where !validity[r] { levels[i] = 0 }
        }
        return levels.withUnsafeBufferPointer { RleHybridEncoder.encode($0, bitWidth: 1) }
    }

    /// The page's encoded values (PLAIN, DELTA_BINARY_PACKED or dictionary indices), uncompressed.
    /// Fixed-width values without nulls are passed in place, without a copy.
    private func withValueBytes<R>(
        _ plan: ColumnChunkPlan, _ page: PageSlice,
        _ body: (UnsafeRawBufferPointer) throws -> R
    ) throws -> R {
        if plan.dictionary != nil {
            var out: [UInt8] = [UInt8(plan.bitWidth)]
            plan.indices.withUnsafeBufferPointer { all in
                let values = (page.values.lowerBound + plan.indexBase)..<(page.values.upperBound + plan.indexBase)
                out.append(contentsOf: RleHybridEncoder.encode(UnsafeBufferPointer(rebasing: all[values]), bitWidth: plan.bitWidth))
            }
            return try out.withUnsafeBytes(body)
        }
        if plan.valueEncoding == .deltaBinaryPacked {
            var out: [UInt8] = []
            switch plan.data.values {
            case let .int32(v): plan.withNonNullValues(of: v, in: page.values) { DeltaBinaryPacked.encode($0, into: &out) }
            case let .int64(v): plan.withNonNullValues(of: v, in: page.values) { DeltaBinaryPacked.encode($0, into: &out) }
            default: preconditionFailure("DELTA_BINARY_PACKED is only chosen for integer columns")
            }
            return try out.withUnsafeBytes(body)
        }
        switch plan.data.values {
        case let .int32(v): return try plan.withNonNullValues(of: v, in: page.values) { try body(UnsafeRawBufferPointer($0)) }
        case let .int64(v): return try plan.withNonNullValues(of: v, in: page.values) { try body(UnsafeRawBufferPointer($0)) }
        case let .float(v): return try plan.withNonNullValues(of: v, in: page.values) { try body(UnsafeRawBufferPointer($0)) }
        case let .double(v): return try plan.withNonNullValues(of: v, in: page.values) { try body(UnsafeRawBufferPointer($0)) }
        case let .boolean(v):
            let packed: [UInt8] = plan.withNonNullValues(of: v, in: page.values) { bools in
                var bits = [UInt32](repeating: 0, count: bools.count)
                for (i, b) in bools.enumerated() where b { bits[i] = 1 }
                var out: [UInt8] = []
                out.reserveCapacity(bools.count / 8 + 1)
                bits.withUnsafeBufferPointer { BitPacking.pack($0, bitWidth: 1, into: &out) }
                return out
            }
            return try packed.withUnsafeBytes(body)
        case let .byteArray(strings):
            var out: [UInt8] = []
            strings.bytes.withUnsafeBytes { raw in
                func add(_ row: Int) { appendLengthPrefixed(UnsafeRawBufferPointer(rebasing: raw[strings.range(row)]), to: &out) }
                if let validRows = plan.validRows {
                    out.reserveCapacity(page.values.count * 4 + Int(strings.offsets[page.rows.upperBound] - strings.offsets[page.rows.lowerBound]))
                    for k in page.values { add(validRows[k]) }
                } else {
                    out.reserveCapacity(page.rows.count * 4 + Int(strings.offsets[page.rows.upperBound] - strings.offsets[page.rows.lowerBound]))
                    for r in page.rows { add(r) }
                }
            }
            return try out.withUnsafeBytes(body)
        }
    }

    // MARK: Helpers

    private func compress(_ raw: UnsafeRawBufferPointer, _ plan: ColumnChunkPlan) throws -> [UInt8] {
        guard let compressor, plan.compressed else { return Array(raw) }
        return try compressor.compress(raw)
    }

    private func finish(header: PageHeader, uncompressed: Int, body: [UInt8], encoding: ParquetEncoding) throws -> EncodedPage {
        guard uncompressed <= Int32.max, body.count <= Int32.max else {
            throw ReelError(.invalidInput, "a Parquet page would hold \(uncompressed) bytes, more than 2 GiB; lower pageTargetBytes")
        }
        var header = header
        header.uncompressedPageSize = Int32(uncompressed)
        header.compressedPageSize = Int32(body.count)
        if options.pageChecksums { header.crc = Int32(bitPattern: CRC32.checksum(body)) }
        let headerBytes = header.encoded()
        return EncodedPage(
            header: headerBytes, body: body, uncompressedSize: headerBytes.count + uncompressed,
            type: header.type, encoding: encoding)
    }
}

/// PLAIN BYTE_ARRAY: a 4-byte little-endian length, then the bytes.
func appendLengthPrefixed(_ value: UnsafeRawBufferPointer, to out: inout [UInt8]) {
    let n = UInt32(value.count)
    out.append(UInt8(truncatingIfNeeded: n))
    out.append(UInt8(truncatingIfNeeded: n >> 8))
    out.append(UInt8(truncatingIfNeeded: n >> 16))
    out.append(UInt8(truncatingIfNeeded: n >> 24))
    out.append(contentsOf: value)
}

func appendLengthPrefixed(_ value: [UInt8], to out: inout [UInt8]) {
    value.withUnsafeBytes { appendLengthPrefixed($0, to: &out) }
}

import ReelCore
