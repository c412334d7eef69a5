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
        precondition(
            users.count == movieRows.count && users.count == ratings.count && users.count == times.count,
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

    /// `@inlinable`: the ETL's parse threads call it once per rating from another module.
    @inlinable @inline(__always)
    public mutating func append(user: Int32, movieRow: Int32, rating: Float, time: Int64) {
        if runUsers.last != user { startRun(user) }
        movieRows.append(movieRow)
        ratings.append(rating)
        times.append(time)
    }

    /// A new run for `user` at the next rating (once per user in a sorted file).
    @usableFromInline
    mutating func startRun(_ user: Int32) {
        runUsers.append(user)
        runStarts.append(movieRows.count)
    }

    /// Leaves only the flat columns (the build has read the runs).
    package mutating func dropRuns() {
        runUsers = []
        runStarts = []
    }
}
