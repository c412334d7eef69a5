import ReelCore
import ReelSilver

/// Collects accepted movies.csv rows: id, title without its year, year, genre mask.
struct MoviesSink: RowSink {
    let id: Int, title: Int, genres: Int
    var ids: [Int32] = []
    var titleOffsets: [Int] = [0]
    var titleBytes: [UInt8] = []
    var years: [Int16] = []
    var masks: [UInt32] = []

    init(table: BronzeTable) throws {
        id = try table.column("movieId", needs: .id32)
        title = try table.column("title", needs: .text)
        genres = try table.column("genres", needs: .genreMask)
    }

    mutating func accept(_ record: CSVRecord, _ v: inout RowValues, in bytes: UnsafeRawBufferPointer) {
        ids.append(Int32(truncatingIfNeeded: v.values[id]))
        let start = titleBytes.count
        record.appendUnescapedField(title, in: bytes, to: &titleBytes)
        years.append(MovieTitle.removeYear(&titleBytes, from: start))
        titleOffsets.append(titleBytes.count)
        masks.append(UInt32(truncatingIfNeeded: v.values[genres]))
    }

    /// The movies in ascending id order (the silver row order), without rating statistics yet.
    func sortedMovies(file: String) throws -> SilverMovies {
        guard titleBytes.count <= Int(UInt32.max) else {
            throw ReelError(.invalidInput, "\(file): titles total more than 4 GiB")
        }
        let order = ids.indices.sorted { ids[$0] < ids[$1] }
        var offsets: [UInt32] = [0]
        var bytes: [UInt8] = []
        offsets.reserveCapacity(ids.count + 1)
        bytes.reserveCapacity(titleBytes.count)
        for i in order {
            bytes.append(contentsOf: titleBytes[titleOffsets[i]..<titleOffsets[i + 1]])
            offsets.append(UInt32(bytes.count))
        }
        return SilverMovies(
            ids: order.map { ids[$0] }, titleOffsets: offsets, titleBytes: bytes,
            years: order.map { years[$0] }, genres: order.map { masks[$0] },
            ratingCounts: [Int32](repeating: 0, count: ids.count),
            ratingMeans: [Float](repeating: 0, count: ids.count))
    }
}

/// MovieLens titles end in the release year: "Heat (1995)".
enum MovieTitle {
    /// Trims spaces around the title that starts at `start` in `bytes`, and
    /// when it ends in "(YYYY)" removes that (and the spaces before it),
    /// returning the year; 0 when there is none. A title that is nothing
    /// but a year keeps it.
    static func removeYear(_ bytes: inout [UInt8], from start: Int) -> Int16 {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        var lead = start
        while lead < bytes.count && isSpace(bytes[lead]) { lead += 1 }
        if lead > start { bytes.removeSubrange(start..<lead) }
        while bytes.count > start && isSpace(bytes[bytes.count - 1]) { bytes.removeLast() }
        let e = bytes.count
        guard e - start >= 6, bytes[e - 1] == 0x29, bytes[e - 6] == 0x28 else { return 0 }
        var year = 0
        for i in e - 5..<e - 1 {
            let d = Int(bytes[i]) - 48
            guard d >= 0, d <= 9 else { return 0 }
            year = year * 10 + d
        }
        var cut = e - 6
        while cut > start && isSpace(bytes[cut - 1]) { cut -= 1 }
        if cut > start { bytes.removeSubrange(cut..<e) }
        return Int16(year)
    }
}
