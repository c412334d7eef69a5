import ReelCore

/// Accepted ratings in file order: the compact form the parse threads fill
/// before the CSR build. Movie rows, ratings and times are flat columns (16
/// bytes a rating); users are kept as runs — ratings.csv is sorted by user,
/// so that is one entry per user instead of four bytes per rating, and the
/// build reads the users' offsets straight off the runs.
public struct RatingColumns: Sendable {
    /// Run k — ratings `runStarts[k] ..< runStarts[k+1]` (or `count`) — is `runUsers[k]`'s.
    public private(set) var runUsers: [Int32] = []
    public private(set) var runStarts: [Int] = []
    /// Dense movie rows (not external ids).
    public var movieRows: [Int32] = []
    public var ratings: [Float] = []
    public var times: [Int64] = []

    public init() {}

    public init(users: [Int32], movieRows: [Int32], ratings: [Float], times: [Int64]) {
        precondition(users.count == movieRows.count && users.count == ratings.count && users.count == times.count,
                     "rating columns of different lengths")
        for i in users.indices { append(user: users[i], movieRow: movieRows[i], rating: ratings[i], time: times[i]) }
    }

    public var count: Int { movieRows.count }

    /// The ratings of run `k`.
    @inline(__always)
    public func run(_ k: Int) -> Range<Int> { runStarts[k]..<(k + 1 < runStarts.count ? runStarts[k + 1] : count) }

    /// Room for `n` ratings, in huge pages when large (`HugePages`).
    public mutating func reserve(_ n: Int) {
        movieRows.reserveHugeCapacity(n)
        ratings.reserveHugeCapacity(n)
        times.reserveHugeCapacity(n)
    }

    @inline(__always)
    public mutating func append(user: Int32, movieRow: Int32, rating: Float, time: Int64) {
        if runUsers.last != user {
            runUsers.append(user)
            runStarts.append(movieRows.count)
        }
        movieRows.append(movieRow)
        ratings.append(rating)
        times.append(time)
    }

    /// Leaves only the flat columns (the build has read the runs).
    mutating func dropRuns() {
        runUsers = []
        runStarts = []
    }
}

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
            throw ReelError(.invalidInput, "bronze contract: table '\(table.name)' must dedupe on [userId, movieId] keeping the newest timestamp (the only ratings dedupe this build implements)")
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
        columns.append(user: Int32(truncatingIfNeeded: v.values[user]), movieRow: v.rows[movie], rating: value,
                       time: v.values[time])
    }
}
