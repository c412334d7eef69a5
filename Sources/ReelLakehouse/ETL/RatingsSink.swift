import ReelCore
import ReelSilver

/// Fills `RatingColumns` from validated ratings.csv rows.
struct RatingsSink: RowSink {
    let user: Int, movie: Int, rating: Int, time: Int
    var columns = RatingColumns()
    /// `Float(k × 100_000) / 1e6` for k tenths of a star: the usual ratings
    /// without a division per row, and with the very same bits.
    private var tenths = InlineArray<64, Float>(repeating: 0)

    /// Column positions from the contract; the columns must be parsed by its checks.
    init(table: BronzeTable) throws {
        user = try table.column("userId", needs: .id32)
        movie = try table.column("movieId", needs: .reference)
        rating = try table.column("rating", needs: .decimal)
        time = try table.column("timestamp", needs: .integer)
        guard table.dedupe == .newest(key: [user, movie], orderBy: time) else {
            throw ReelError(
                .invalidInput,
                "bronze contract: table '\(table.name)' must dedupe on [userId, movieId] keeping the newest timestamp (the only ratings dedupe this build implements)"
            )
        }
        for k in 0..<64 { tenths[k] = Self.float(micros: Int64(k) * 100_000) }
    }

    /// A rating in millionths as the silver Float.
    static func float(micros: Int64) -> Float { Float(micros) / Float(FieldParsers.microsPerUnit) }

    /// An empty sink with room for every rating `bytes` can hold: a valid
    /// line is at least "1,1,1,788918400\n", and over-reserving costs address
    /// space only, where growing would copy. The ETL passes the whole file's
    /// size for every chunk, so that the first chunk can take in the others
    /// without moving (`RatingsCSRBuilder.groupedByUser`).
    func forChunk(bytes: Int) -> RatingsSink {
        var sink = self
        sink.columns.reserve(bytes / 16 + 16)
        return sink
    }

    /// Only the parsed values are used.
    static var readsRecords: Bool { false }

    @inline(__always)
    mutating func accept(_ record: CSVRecord, _ v: inout RowValues, in bytes: UnsafeRawBufferPointer) {
        let micros = v.values[rating]
        let k = micros / 100_000
        let value = k &* 100_000 == micros && k >= 0 && k < 64 ? tenths[Int(k)] : Self.float(micros: micros)
        columns.append(
            user: Int32(truncatingIfNeeded: v.values[user]), movieRow: v.rows[movie], rating: value,
            time: v.values[time])
    }
}
