import ReelCore
import ReelSilver

/// The events of one type as plain columns, in partition-date order: what the
/// ETL joins into ratings (rating events) and feeds to trending (all types).
public struct EventColumns: Sendable, Equatable {
    public var users: [Int32] = []
    public var movies: [Int32] = []
    /// `ts` in Unix seconds (UTC); milliseconds are dropped.
    public var times: [Int64] = []
    /// The rating value, for rating events only (empty for views and clicks).
    public var ratings: [Float] = []

    public init() {}

    public var count: Int { users.count }

    /// The newest event time, or nil when there are no events.
    public var newestTime: Int64? { times.max() }

    /// Adds every event to `accumulator` with `weight` (see `EventType.weight`).
    /// `row` maps a movie id to the accumulator's movie row; events of movies
    /// it does not know are skipped and their number returned, so the caller
    /// can report them rather than lose them silently.
    @discardableResult
    public func accumulate(
        into accumulator: inout PopularityAccumulator, weight: Float,
        row: (Int32) -> Int?
    ) -> Int {
        var skipped = 0
        for i in 0..<count {
            guard let r = row(movies[i]) else { skipped += 1; continue }
            accumulator.add(movie: r, time: times[i], weight: weight)
        }
        return skipped
    }
}

/// What `EventReader.read` found.
public struct EventLoad: Sendable {
    /// Columns for every type (empty columns when a type has no events).
    public var columns: [EventType: EventColumns]
    public var files = 0
    public var events = 0
    /// Event ids seen in more than one bronze line. Ingest never writes them;
    /// only files placed in a partition by hand can. Each id is kept once
    /// (the first in date, file, line order) and the rest counted here.
    public var duplicates = 0
    /// `duplicates` by the type of the repeated line (the ETL reconciles per type).
    public var duplicatesByType: [EventType: Int] = [:]
    /// Partitions that held at least one event file.
    public var partitions = 0

    /// The newest event time over all types.
    public var newestTime: Int64? { columns.values.compactMap(\.newestTime).max() }
}

/// Reads the bronze event partitions for the ETL.
///
/// Partitions are read by type, then date, then file name; every line is
/// validated again with the same schemas (a reader never trusts a file), and
/// a line that fails is an error naming the file, line and rule — bronze
/// partitions hold validated events only, so such a line means a file was
/// placed there by hand.
public enum EventReader {
    /// All partitions of `home`, as columns per type.
    public static func load(home: ReelHome) throws -> [EventType: EventColumns] {
        try read(home: home).columns
    }

    /// Partitions whose date is in `days` (day numbers since 1970-01-01, UTC), or all.
    public static func read(
        home: ReelHome, days: ClosedRange<Int64>? = nil, schemas: EventSchemaSet? = nil,
        workers: Int? = nil
    ) throws -> EventLoad {
        var columns: [EventType: EventColumns] = [:]
        for t in EventType.allCases { columns[t] = EventColumns() }
        var load = EventLoad(columns: columns)
        let partitions = EventLayout.partitions(home, days: days).filter { !$0.files.isEmpty }
        guard !partitions.isEmpty else { return load }
        load.partitions = partitions.count
        let validator = ParallelLineValidator(schemas: try schemas ?? EventSchemaSet.locate(home: home), workers: workers)
        var ids = EventIDSet(expected: 1 << 16)
        for partition in partitions {
            var out = EventColumns()
            for name in partition.files {
                let path = Path.join(partition.directory, name)
                load.files += 1
                var lineBase = 0
                try EventChunks.forEach(.file(path)) { chunk in
                    let used = validator.validate(chunk, fileType: partition.type)
                    for w in 0..<used {
                        let slice = validator.slices[w]
                        if let bad = slice.rejected.first {
                            throw ReelError(
                                .invalidInput,
                                "\(path):\(lineBase + bad.line + 1): \(validator.validator.schemas.ruleName(bad.rule)) — bronze event partitions hold validated events only; move the file out and ingest it with `reel events ingest`"
                            )
                        }
                        for r in slice.accepted {
                            guard ids.insert(r.idHigh, r.idLow) else {
                                load.duplicates += 1
                                load.duplicatesByType[partition.type, default: 0] += 1
                                continue
                            }
                            out.users.append(r.user)
                            out.movies.append(r.movie)
                            out.times.append(r.seconds)
                            if partition.type == .rating { out.ratings.append(r.rating) }
                        }
                        lineBase += slice.lines
                    }
                }
            }
            load.events += out.count
            columns[partition.type]!.users.append(contentsOf: out.users)
            columns[partition.type]!.movies.append(contentsOf: out.movies)
            columns[partition.type]!.times.append(contentsOf: out.times)
            columns[partition.type]!.ratings.append(contentsOf: out.ratings)
        }
        load.columns = columns
        return load
    }
}
