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

    public mutating func reserve(_ n: Int) {
        users.reserveCapacity(n)
        movieRows.reserveCapacity(n)
        ratings.reserveCapacity(n)
        times.reserveCapacity(n)
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
    init(table: BronzeTable, chunkBytes: Int) throws {
        user = try table.columnIndex("userId")
        movie = try table.columnIndex("movieId")
        rating = try table.columnIndex("rating")
        time = try table.columnIndex("timestamp")
        try ValueRequirement.check(table, column: user, needs: .id32)
        try ValueRequirement.check(table, column: movie, needs: .reference)
        try ValueRequirement.check(table, column: rating, needs: .decimal)
        try ValueRequirement.check(table, column: time, needs: .integer)
        // A valid line is at least "1,1,1,788918400\n": over-reserving costs
        // address space only, growing would copy.
        columns.reserve(chunkBytes / 16 + 16)
    }

    @inline(__always)
    mutating func accept(_ record: CSVRecord, _ v: RowValues, in bytes: UnsafeRawBufferPointer) {
        columns.append(user: Int32(truncatingIfNeeded: v.values[user]), movieRow: v.rows[movie],
                       rating: Float(v.values[rating]) / Float(FieldParsers.microsPerUnit),
                       time: v.values[time])
    }
}

/// What a table builder needs a column's checks to have produced, checked
/// once when the builder is set up so an edited contract cannot feed it
/// unparsed or out-of-range values.
enum ValueRequirement: CustomStringConvertible {
    /// An id that fits Int32: a positive_int32 check.
    case id32
    /// Any parsed integer (Int64).
    case integer
    case decimal, reference, genreMask

    var description: String {
        switch self {
        case .id32: return "positive_int32"
        case .integer: return "positive_int32, integer or digits"
        case .decimal: return "decimal_step"
        case .reference: return "reference"
        case .genreMask: return "genre_list"
        }
    }

    static func check(_ table: BronzeTable, column: Int, needs: ValueRequirement) throws {
        let ok = table.rules.contains { rule in
            switch (needs, rule.check) {
            case (.id32, .positiveInt32(let c)), (.integer, .positiveInt32(let c)), (.integer, .integer(let c)),
                 (.integer, .digits(let c, _)), (.decimal, .decimalStep(let c, _, _, _)), (.reference, .reference(let c, _, _)),
                 (.genreMask, .genreList(let c, _, _, _)):
                return c == column
            default:
                return false
            }
        }
        guard ok else {
            throw ReelError(.invalidInput, "bronze contract: table '\(table.name)' column '\(table.columns[column].name)' needs a \(needs) check for the ETL to read it")
        }
    }
}
