import ReelCore

/// Accepted ratings in file order as four flat columns: the compact form the
/// parse threads fill (20 bytes a rating) before the CSR build.
public struct RatingColumns: Sendable {
    public var users: [Int32] = []
    /// Dense movie rows (not external ids).
    public var movieRows: [Int32] = []
    public var ratings: [Float] = []
    public var times: [Int64] = []

    public init() {}

    public init(users: [Int32], movieRows: [Int32], ratings: [Float], times: [Int64]) {
        precondition(users.count == movieRows.count && users.count == ratings.count && users.count == times.count,
                     "rating columns of different lengths")
        self.users = users
        self.movieRows = movieRows
        self.ratings = ratings
        self.times = times
    }

    public var count: Int { users.count }

    /// Room for `n` ratings, in huge pages when large (`HugePages`).
    public mutating func reserve(_ n: Int) {
        users.reserveHugeCapacity(n)
        movieRows.reserveHugeCapacity(n)
        ratings.reserveHugeCapacity(n)
        times.reserveHugeCapacity(n)
    }

    @inline(__always)
    public mutating func append(user: Int32, movieRow: Int32, rating: Float, time: Int64) {
        users.append(user)
        movieRows.append(movieRow)
        ratings.append(rating)
        times.append(time)
    }
}

/// Fills `RatingColumns` from validated ratings.csv rows.
struct RatingsSink: RowSink {
    let user: Int, movie: Int, rating: Int, time: Int
    var columns = RatingColumns()

    /// Column positions from the contract; the columns must be parsed by its checks.
    init(table: BronzeTable) throws {
        user = try table.column("userId", needs: .id32)
        movie = try table.column("movieId", needs: .reference)
        rating = try table.column("rating", needs: .decimal)
        time = try table.column("timestamp", needs: .integer)
        guard table.dedupe == .newest(key: [user, movie], orderBy: time) else {
            throw ReelError(.invalidInput, "bronze contract: table '\(table.name)' must dedupe on [userId, movieId] keeping the newest timestamp (the only ratings dedupe this build implements)")
        }
    }

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
        columns.append(user: Int32(truncatingIfNeeded: v.values[user]), movieRow: v.rows[movie],
                       rating: Float(v.values[rating]) / Float(FieldParsers.microsPerUnit),
                       time: v.values[time])
    }
}
