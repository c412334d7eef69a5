import ReelCore
#if canImport(Glibc)
import Glibc
#endif

/// The users and movies synthetic events are drawn from, so the events are
/// consistent with the data they join in the ETL.
public struct SyntheticEventsIDs: Sendable {
    /// User ids, ascending.
    public var users: [Int32]
    /// Movie ids, most rated first (ties by id): the popularity order the generator uses.
    public var movies: [Int32]
    /// The newest rating time in ratings.csv, when it was read.
    public var newestRating: Int64?

    public init(users: [Int32], movies: [Int32], newestRating: Int64? = nil) {
        self.users = users
        self.movies = movies
        self.newestRating = newestRating
    }

    /// Ids 1…users and 1…movies (popularity in id order), for a standalone run.
    public static func sequential(users: Int, movies: Int) throws -> SyntheticEventsIDs {
        guard users >= 1, movies >= 1, users <= Int(Int32.max), movies <= Int(Int32.max) else {
            throw ReelError(.usage, "--users and --movies must be at least 1")
        }
        return SyntheticEventsIDs(users: (1...Int32(users)).map { $0 }, movies: (1...Int32(movies)).map { $0 })
    }

    /// Reads the bronze MovieLens files with a simple scan: distinct users,
    /// rating counts per movie and the newest timestamp from `ratings.csv`,
    /// and every movie id of `movies.csv` (when present). One pass over
    /// ratings.csv (about a second for ml-25m); no validation beyond what
    /// the scan needs — a line it cannot read is an error naming it.
    public static func fromBronze(_ home: ReelHome) throws -> SyntheticEventsIDs {
        let ratingsPath = Path.join(home.bronzeMovieLens, "ratings.csv")
        guard FileSystem.exists(ratingsPath) else {
            throw ReelError(.notFound, "\(ratingsPath) not found: run `reel synth` first, or pass --users N --movies M")
        }
        var userSeen: [Bool] = []
        var movieCount: [Int32] = []
        var newest = Int64.min
        let ratings = try MappedFile(path: ratingsPath)
        ratings.advise(MADV_SEQUENTIAL)
        try forEachRecord(ratings.bytes, path: ratingsPath) { fields, line in
            guard fields.count == 4, let u = int(fields[0]), let m = int(fields[1]), let t = int(fields[3]),
                u > 0, m > 0, u < 1 << 28, m < 1 << 28
            else {
                throw ReelError(.invalidInput, "\(ratingsPath):\(line): expected userId,movieId,rating,timestamp")
            }
            if u >= userSeen.count { userSeen += [Bool](repeating: false, count: max(u + 1 - userSeen.count, userSeen.count)) }
            if m >= movieCount.count { movieCount += [Int32](repeating: 0, count: max(m + 1 - movieCount.count, movieCount.count)) }
            userSeen[u] = true
            movieCount[m] += 1
            newest = max(newest, Int64(t))
        }
        var movieIDs: [Int32] = []
        let moviesPath = Path.join(home.bronzeMovieLens, "movies.csv")
        if FileSystem.exists(moviesPath) {
            let movies = try MappedFile(path: moviesPath)
            try forEachRecord(movies.bytes, path: moviesPath) { fields, line in
                guard let m = int(fields[0]), m > 0, m < Int(Int32.max) else {
                    throw ReelError(.invalidInput, "\(moviesPath):\(line): movieId is not a positive integer")
                }
                movieIDs.append(Int32(m))
            }
        } else {
            movieIDs = movieCount.indices.filter { movieCount[$0] > 0 }.map { Int32($0) }
        }
        func count(_ m: Int32) -> Int32 { Int(m) < movieCount.count ? movieCount[Int(m)] : 0 }
        movieIDs.sort { count($0) != count($1) ? count($0) > count($1) : $0 < $1 }
        let users = userSeen.indices.filter { userSeen[$0] }.map { Int32($0) }
        guard !users.isEmpty, !movieIDs.isEmpty else {
            throw ReelError(.invalidInput, "\(ratingsPath) holds no ratings to draw users and movies from")
        }
        return SyntheticEventsIDs(users: users, movies: movieIDs, newestRating: newest == .min ? nil : newest)
    }

    /// Calls `body` with the raw fields of each record after the header
    /// (RFC 4180 quoting respected when finding record and field ends).
    private static func forEachRecord(
        _ bytes: UnsafeRawBufferPointer, path: String,
        _ body: ([UnsafeRawBufferPointer], Int) throws -> Void
    ) throws {
        var fields: [UnsafeRawBufferPointer] = []
        var i = 0, line = 1, recordLine = 1
        let n = bytes.count
        var fieldStart = 0
        var inQuotes = false
        var header = true
        if n >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3; fieldStart = 3 }
        while i <= n {
            let c: UInt8 = i < n ? bytes[i] : 0x0A
            if inQuotes {
                if c == UInt8(ascii: "\"") { inQuotes = false } else if c == 0x0A { line += 1 }
                i += 1
                continue
            }
            if c == UInt8(ascii: "\"") {
                inQuotes = true
            } else if c == UInt8(ascii: ",") || c == 0x0A {
                var end = i
                if c == 0x0A, end > fieldStart, bytes[end - 1] == 0x0D { end -= 1 }
                fields.append(UnsafeRawBufferPointer(rebasing: bytes[fieldStart..<end]))
                fieldStart = i + 1
                if c == 0x0A {
                    let empty = fields.count == 1 && fields[0].isEmpty
                    if !header && !empty { try body(fields, recordLine) }
                    if !empty { header = false }
                    fields.removeAll(keepingCapacity: true)
                    line += 1
                    recordLine = line
                }
            }
            i += 1
        }
    }

    private static func int(_ field: UnsafeRawBufferPointer) -> Int? {
        guard !field.isEmpty, field.count <= 12 else { return nil }
        var v = 0
        for b in field {
            let d = Int(b) - 48
            guard d >= 0 && d < 10 else { return nil }
            v = v * 10 + d
        }
        return v
    }
}
