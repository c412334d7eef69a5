import ReelCore

/// Where one column chunk lies and what it must hold, checked against the
/// file before any of its bytes are read.
struct ChunkLocation {
    var rowGroup: Int
    var column: Int
    /// Byte range of the chunk's pages in the file.
    var range: Range<Int>
    var codec: ParquetCodec
    var rows: Int
    /// First row of this chunk in the output.
    var rowOffset: Int
}

/// Reads one column chunk: walks its pages (dictionary page, then v1 or v2
/// data pages), checks each page's bounds and CRC, decompresses it and
/// decodes levels and values into the column's output at the chunk's rows.
/// Unsupported features are `invalidInput` errors naming them; damage is a
/// `corrupt` error naming file, column, row group and page offset.
struct ColumnChunkDecoder {
    let file: UnsafeRawBufferPointer
    let path: String
    let scratch: ReadScratch

    func decode(_ chunk: ChunkLocation, into output: ColumnOutput) throws -> Int {
        let name = output.descriptor.name
        func where_(_ offset: Int) -> String { "\(path): column \(name), row group \(chunk.rowGroup), page at byte \(offset)" }
        guard chunk.codec == .uncompressed || chunk.codec == .zstd else {
            throw ReelError(
                .invalidInput,
                "\(path): column \(name) is compressed with \(chunk.codec), which is not supported (Reel reads UNCOMPRESSED and ZSTD; rewrite the file with compression='zstd')"
            )
        }
        var position = chunk.range.lowerBound
        var rowsDone = 0
        var pages = 0
        var dictionary: DecodedDictionary?
        var strings = ByteArrayColumn()
        while rowsDone < chunk.rows {
            let pageStart = position
            do {
                guard position < chunk.range.upperBound else {
                    throw PageDecodeError("the column chunk ends after \(rowsDone) of its \(chunk.rows) values")
                }
                var reader = ThriftCompactReader(UnsafeRawBufferPointer(rebasing: file[position..<chunk.range.upperBound]))
                let header: PageHeader
                do { header = try PageHeader(thrift: &reader) } catch let e as ThriftDecodeError {
                    throw PageDecodeError("page header: \(e.message)")
                }
                let bodyStart = position + reader.position
                let compressedSize = Int(header.compressedPageSize), uncompressedSize = Int(header.uncompressedPageSize)
                guard compressedSize >= 0, uncompressedSize >= 0, compressedSize <= chunk.range.upperBound - bodyStart else {
                    throw PageDecodeError("page of \(compressedSize) bytes does not fit in its column chunk")
                }
                let body = UnsafeRawBufferPointer(rebasing: file[bodyStart..<(bodyStart + compressedSize)])
                position = bodyStart + compressedSize
                if let crc = header.crc, CRC32.checksum(body) != UInt32(bitPattern: crc) {
                    throw PageDecodeError("page CRC mismatch: the page is damaged")
                }
                switch header.type {
                case .dictionaryPage:
                    guard let h = header.dictionaryPage else { throw PageDecodeError("dictionary page without its header") }
                    guard dictionary == nil, rowsDone == 0 else { throw PageDecodeError("a second dictionary page, or one after data pages") }
                    guard h.encoding == .plain || h.encoding == .plainDictionary else {
                        throw ReelError(.invalidInput, "\(where_(pageStart)): dictionary page encoding \(h.encoding) is not supported")
                    }
                    let data = try decompress(body, to: uncompressedSize, chunk.codec)
                    dictionary = try ValueDecoding.dictionary(data, count: Int(h.numValues), physical: output.descriptor.physicalType)
                    pages += 1
                case .dataPage:
                    guard let h = header.dataPage else { throw PageDecodeError("data page without its header") }
                    let n = Int(h.numValues)
                    guard n >= 0, n <= chunk.rows - rowsDone else {
                        throw PageDecodeError("page holds \(n) values, the chunk has \(chunk.rows - rowsDone) left")
                    }
                    let data = try decompress(body, to: uncompressedSize, chunk.codec)
                    var cursor = 0
                    var nonNull = n
                    if output.validity != nil {
                        guard h.definitionLevelEncoding == .rle else {
                            throw ReelError(
                                .invalidInput, "\(where_(pageStart)): definition level encoding \(h.definitionLevelEncoding) is not supported")
                        }
                        guard data.count >= 4 else { throw PageDecodeError("definition levels have no length") }
                        let length = Int(UInt32(littleEndian: data.loadUnaligned(as: UInt32.self)))
                        guard length <= data.count - 4 else { throw PageDecodeError("definition levels of \(length) bytes run past the page") }
                        nonNull = try definitionLevels(
                            UnsafeRawBufferPointer(rebasing: data[4..<(4 + length)]), rows: n,
                            into: output.validity! + chunk.rowOffset + rowsDone)
                        cursor = 4 + length
                    }
                    try values(
                        UnsafeRawBufferPointer(rebasing: data[cursor...]), encoding: h.encoding, rows: n, nonNull: nonNull,
                        at: chunk.rowOffset + rowsDone, dictionary, output, &strings, where_(pageStart))
                    rowsDone += n
                    pages += 1
                case .dataPageV2:
                    guard let h = header.dataPageV2 else { throw PageDecodeError("data page v2 without its header") }
                    let n = Int(h.numValues), nulls = Int(h.numNulls)
                    let repLength = Int(h.repetitionLevelsByteLength), defLength = Int(h.definitionLevelsByteLength)
                    guard n >= 0, n <= chunk.rows - rowsDone, nulls >= 0, nulls <= n else {
                        throw PageDecodeError("page holds \(n) values (\(nulls) null), the chunk has \(chunk.rows - rowsDone) left")
                    }
                    guard repLength >= 0, defLength >= 0, repLength + defLength <= min(compressedSize, uncompressedSize) else {
                        throw PageDecodeError("level lengths \(repLength)+\(defLength) exceed the page")
                    }
                    let levelEnd = repLength + defLength
                    var nonNull = n
                    if let validity = output.validity {
                        nonNull = try definitionLevels(
                            UnsafeRawBufferPointer(rebasing: body[repLength..<levelEnd]), rows: n,
                            into: validity + chunk.rowOffset + rowsDone)
                        guard n - nonNull == nulls else { throw PageDecodeError("definition levels show \(n - nonNull) nulls, the header \(nulls)") }
                    } else if nulls != 0 {
                        throw PageDecodeError("a required column's page claims \(nulls) nulls")
                    }
                    let stored = UnsafeRawBufferPointer(rebasing: body[levelEnd...])
                    let data =
                        h.isCompressed
                        ? try decompress(stored, to: uncompressedSize - levelEnd, chunk.codec)
                        : try decompress(stored, to: uncompressedSize - levelEnd, .uncompressed)
                    try values(
                        data, encoding: h.encoding, rows: n, nonNull: nonNull,
                        at: chunk.rowOffset + rowsDone, dictionary, output, &strings, where_(pageStart))
                    rowsDone += n
                    pages += 1
                case .indexPage:
                    continue
                default:
                    throw PageDecodeError("unknown \(header.type)")
                }
            } catch let e as PageDecodeError {
                throw ReelError(.corrupt, "\(where_(pageStart)): \(e.message)")
            }
        }
        if output.kind == .strings { output.strings[chunk.rowGroup] = strings }
        return pages
    }

    /// The page's data, decompressed into scratch (or in place when stored raw).
    private func decompress(_ body: UnsafeRawBufferPointer, to size: Int, _ codec: ParquetCodec) throws -> UnsafeRawBufferPointer {
        guard size >= 0 else { throw PageDecodeError("negative uncompressed size") }
        if codec == .uncompressed {
            guard body.count == size else { throw PageDecodeError("uncompressed page has \(body.count) bytes, its header says \(size)") }
            return body
        }
        let out = scratch.pageBuffer(size)
        do { try scratch.decompressor.decompress(body, into: out) } catch let e as ZstdDataError { throw PageDecodeError(e.message) }
        return UnsafeRawBufferPointer(out)
    }

    /// Decodes 1-bit definition levels into validity flags; returns the non-null count.
    private func definitionLevels(_ data: UnsafeRawBufferPointer, rows: Int, into validity: UnsafeMutablePointer<Bool>) throws -> Int {
        let levels = scratch.intBuffer(rows)
        var decoder = try RleHybridDecoder(data, bitWidth: 1)
        try decoder.decode(into: levels)
        var present = 0
        for i in 0..<rows {
            let ok = levels[i] != 0
            validity[i] = ok
            present += ok ? 1 : 0
        }
        return present
    }

    private func values(
        _ data: UnsafeRawBufferPointer, encoding: ParquetEncoding, rows: Int, nonNull: Int, at row: Int,
        _ dictionary: DecodedDictionary?, _ output: ColumnOutput, _ strings: inout ByteArrayColumn,
        _ location: @autoclosure () -> String
    ) throws {
        let physical = output.descriptor.physicalType
        let valid = output.validity.map { UnsafeBufferPointer(start: $0 + row, count: rows) }
        let hasNulls = nonNull < rows
        guard
            encoding == .plain || encoding.isDictionary || (encoding == .rle && physical == .boolean)
                || (encoding == .deltaBinaryPacked && (physical == .int32 || physical == .int64))
        else {
            throw ReelError(
                .invalidInput,
                "\(location()): encoding \(encoding) is not supported (Reel reads PLAIN, PLAIN_DICTIONARY, RLE_DICTIONARY and DELTA_BINARY_PACKED integers)"
            )
        }
        var indices = UnsafeMutableBufferPointer<UInt32>(start: nil, count: 0)
        if encoding.isDictionary {
            guard dictionary != nil else { throw PageDecodeError("dictionary-encoded page but the chunk has no dictionary page") }
            indices = scratch.intBuffer(nonNull)
            try ValueDecoding.dictionaryIndices(data, count: nonNull, into: indices)
        }
        if output.kind == .strings {
            if case let .strings(dict)? = dictionary, encoding.isDictionary {
                try ValueDecoding.dictionaryStrings(
                    dict, indices: UnsafeBufferPointer(indices), rows: rows,
                    valid: hasNulls ? valid : nil, into: &strings)
            } else if encoding == .plain {
                try ValueDecoding.plainStrings(data, rows: rows, nonNull: nonNull, valid: hasNulls ? valid : nil, into: &strings)
            } else {
                throw PageDecodeError("dictionary of the wrong type for a byte array column")
            }
        } else {
            guard let base = output.base else { preconditionFailure("output array not allocated") }
            let width = output.width
            let out = base + row * width
            if encoding == .plain {
                try ValueDecoding.plainFixed(data, count: nonNull, physical: physical, width: width, into: out)
            } else if encoding == .deltaBinaryPacked {
                if physical == .int32 {
                    try DeltaBinaryPacked.decode(data, count: nonNull, as: Int32.self, into: out.assumingMemoryBound(to: Int32.self))
                } else {
                    try DeltaBinaryPacked.decode(data, count: nonNull, as: Int64.self, into: out.assumingMemoryBound(to: Int64.self))
                }
            } else if encoding == .rle {
                guard data.count >= 4 else { throw PageDecodeError("RLE booleans have no length") }
                let length = Int(UInt32(littleEndian: data.loadUnaligned(as: UInt32.self)))
                guard length <= data.count - 4 else { throw PageDecodeError("RLE booleans of \(length) bytes run past the page") }
                let bits = scratch.intBuffer(nonNull)
                var decoder = try RleHybridDecoder(UnsafeRawBufferPointer(rebasing: data[4..<(4 + length)]), bitWidth: 1)
                try decoder.decode(into: bits)
                for i in 0..<nonNull { out.storeBytes(of: UInt8(bits[i] & 1), toByteOffset: i, as: UInt8.self) }
            } else {
                guard case let .fixed(values, count, dictionaryWidth)? = dictionary, dictionaryWidth == width else {
                    throw PageDecodeError("dictionary of the wrong type for a \(physical) column")
                }
                try ValueDecoding.gather(values, count: count, width: width, indices: UnsafeBufferPointer(indices), into: out)
            }
            if hasNulls, let valid {
                ValueDecoding.scatter(out, width: width, valid: valid, nonNull: nonNull)
            }
        }
    }
}
