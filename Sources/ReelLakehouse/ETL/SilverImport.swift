import ReelCore
import ReelSilver
import ReelParquet

/// A silver version from silver tables another engine validated
/// (`reel etl --engine spark`: pipeline/spark/etl.py applies the same
/// contract to the bronze CSVs on a cluster and writes Delta tables with the
/// columns of `open_tables:` in silver_tables.yml).
///
/// Every later stage reads the binary version (`SilverSnapshot`), so the
/// engine's tables are read back here and written as a normal version —
/// CSR layouts, statistics, popularity, the open tables, report.json with
/// the engine's reconciliation, its quarantine files — and switched in as
/// `reel etl` does. The tables are checked against the counts the engine
/// reported (rows, ascending unique movie ids, known genres, ratings of
/// known movies), so a report and tables from different runs are refused.
/// Bronze events are not part of the engine's job: the caller refuses a home
/// that has them.
public enum SilverImport {
    /// One table's reconciliation as the engine reported it.
    public struct TableCounts: Sendable, Equatable {
        public var table: String
        public var read: Int
        public var accepted: Int
        public var rejected: Int
        public var deduplicated: Int
        public var rejectsByRule: [String: Int]
        /// The engine's `<table>.rejects.csv` (line,rule,original), copied into lakehouse/quarantine/<run-id>/.
        public var rejectsFile: String?

        public init(
            table: String, read: Int, accepted: Int, rejected: Int, deduplicated: Int,
            rejectsByRule: [String: Int], rejectsFile: String?
        ) {
            self.table = table
            self.read = read
            self.accepted = accepted
            self.rejected = rejected
            self.deduplicated = deduplicated
            self.rejectsByRule = rejectsByRule
            self.rejectsFile = rejectsFile
        }
    }

    /// Imports the Delta tables `ratings`, `movies` and `tags` under `folder`
    /// as a new silver version and switches `current` to it.
    public static func run(
        home: ReelHome, options: ETLOptions, folder: String, counts: [TableCounts],
        seconds: Double
    ) throws -> ETLReport {
        var run = try ETLRun(home: home, options: options)
        try run.startOpenTables()
        do {
            return try run.importTables(folder: folder, counts: counts, seconds: seconds)
        } catch {
            run.openTables?.abort()
            throw error
        }
    }
}

extension ETLRun {
    mutating func importTables(folder: String, counts: [SilverImport.TableCounts], seconds: Double) throws -> ETLReport {
        Console.info("etl", "run \(runID): importing the silver tables in \(folder) (contract \(contract.path))")
        let began = ETLReport.PhaseStart()
        for name in ["movies", "links", "ratings", "tags"] {
            guard let c = counts.first(where: { $0.table == name }) else {
                throw ReelError(.invalidInput, "\(folder): the engine's report has no table \(name)")
            }
            try recordImported(c, seconds: seconds)
        }
        let (movies, links) = try importMovies(Path.join(folder, "movies"), accepted: reports[0].accepted)
        let movieIndex = DenseIDIndex(sortedUniqueIDs: movies.ids)
        var chunks = [try importRatings(Path.join(folder, "ratings"), movies: movieIndex, accepted: reports[2].accepted)]
        var byUser = RatingsCSRBuilder.userMajor(&chunks, threads: options.threads)
        guard byUser.movies.count == reports[2].accepted else {
            throw ReelError(
                .invalidInput, "\(folder)/ratings repeats a (userId, movieId) pair: \(byUser.movies.count) distinct of \(reports[2].accepted) rows")
        }
        let tags = try importTags(Path.join(folder, "tags"), movies: movieIndex, accepted: reports[3].accepted)
        phase("import_tables", since: began)
        return try writeVersion(&byUser, movies: movies, links: links, tags: tags, events: nil)
    }

    /// Keeps the engine's counts of one table as this run's report, its rejects in quarantine.
    mutating func recordImported(_ c: SilverImport.TableCounts, seconds: Double) throws {
        let table = try contract.table(c.table)
        if let unknown = c.rejectsByRule.keys.first(where: { !table.ruleNames.contains($0) }) {
            throw ReelError(.invalidInput, "the engine rejected \(c.table) rows by rule \(unknown), which \(contract.path) does not have")
        }
        var report = TableReport(
            table: c.table, file: table.file, read: c.read, accepted: c.accepted, deduplicated: c.deduplicated,
            rejectedByRule: table.ruleNames.map { .init(rule: $0, count: c.rejectsByRule[$0] ?? 0) },
            quarantineFile: nil, seconds: seconds)
        guard report.rejected == c.rejected else {
            throw ReelError(.invalidInput, "the engine's \(c.table) counts disagree: \(c.rejected) rejected, \(report.rejected) by rule")
        }
        if let source = c.rejectsFile, c.rejected > 0 {
            let path = Path.join(quarantineDirectory, "\(c.table).rejects.csv")
            try FileSystem.createDirectory(quarantineDirectory)
            try AtomicFile.write(to: path) { $0.write(try FileSystem.readBytes(source)) }
            report.quarantineFile = path
        }
        try record(report)
    }

    /// Movies sorted by id, with their links; rating statistics are filled later, from the ratings.
    func importMovies(_ path: String, accepted: Int) throws -> (SilverMovies, SilverLinks) {
        let t = try ImportedTable(path: path, expectedRows: accepted)
        let ids = try t.int32("movieId"), years = try t.int32("year", nullAs: 0), titles = try t.strings("title")
        let genres = try t.strings("genres"), imdb = try t.int64("imdbId", nullAs: -1), tmdb = try t.int32("tmdbId", nullAs: 0)
        var offsets: [UInt32] = [0], bytes: [UInt8] = [], masks: [UInt32] = []
        for row in 0..<t.rows {
            guard row == 0 || ids[row] > ids[row - 1] else {
                throw ReelError(
                    .invalidInput, "\(path): movieId \(ids[row]) is not above the previous row's \(ids[row - 1]) (ids must ascend, unique)")
            }
            bytes.append(contentsOf: titles.bytes[titles.range(row)])
            guard bytes.count <= Int(UInt32.max) else { throw ReelError(.invalidInput, "\(path): titles total more than 4 GiB") }
            offsets.append(UInt32(bytes.count))
            var mask: UInt32 = 0
            for name in genres.string(at: row).split(separator: "|") {
                guard let bit = Genres.index(of: name) else {
                    throw ReelError(.invalidInput, "\(path): movie \(ids[row]) has the unknown genre \(name)")
                }
                mask |= 1 << UInt32(bit)
            }
            masks.append(mask)
        }
        let movies = SilverMovies(
            ids: ids, titleOffsets: offsets, titleBytes: bytes,
            years: try years.map { year in
                guard let y = Int16(exactly: year) else { throw ReelError(.invalidInput, "\(path): year \(year) is out of range") }
                return y
            }, genres: masks, ratingCounts: [Int32](repeating: 0, count: t.rows), ratingMeans: [Float](repeating: 0, count: t.rows))
        return (movies, SilverLinks(imdbIDs: imdb, tmdbIDs: tmdb))
    }

    /// Ratings as columns for the CSR build (timestamps in seconds).
    func importRatings(_ path: String, movies: DenseIDIndex, accepted: Int) throws -> RatingColumns {
        let t = try ImportedTable(path: path, expectedRows: accepted)
        let users = try t.int32("userId"), ids = try t.int32("movieId"), ratings = try t.float("rating"), times = try t.int64("timestamp")
        var columns = RatingColumns()
        columns.reserve(t.rows)
        for row in 0..<t.rows {
            let movie = movies.row(of: Int64(ids[row]))
            guard movie >= 0 else { throw ReelError(.invalidInput, "\(path): a rating of movie \(ids[row]), which the movies table does not have") }
            columns.append(user: users[row], movieRow: movie, rating: ratings[row], time: times[row] / 1000)
        }
        return columns
    }

    /// Tags grouped by movie row, in table order within a movie.
    func importTags(_ path: String, movies: DenseIDIndex, accepted: Int) throws -> SilverTags {
        let t = try ImportedTable(path: path, expectedRows: accepted)
        let users = try t.int32("userId"), ids = try t.int32("movieId"), texts = try t.strings("tag"), times = try t.int64("timestamp")
        var rows = [Int32](repeating: 0, count: t.rows)
        var offsets = [Int64](repeating: 0, count: movies.count + 1)
        for row in 0..<t.rows {
            rows[row] = movies.row(of: Int64(ids[row]))
            guard rows[row] >= 0 else { throw ReelError(.invalidInput, "\(path): a tag of movie \(ids[row]), which the movies table does not have") }
            offsets[Int(rows[row]) + 1] += 1
        }
        for m in 0..<movies.count { offsets[m + 1] += offsets[m] }
        var order = [Int](repeating: 0, count: t.rows), cursor = offsets
        for row in 0..<t.rows {
            order[Int(cursor[Int(rows[row])])] = row
            cursor[Int(rows[row])] += 1
        }
        var textOffsets: [UInt32] = [0], textBytes: [UInt8] = []
        for row in order {
            textBytes.append(contentsOf: texts.bytes[texts.range(row)])
            guard textBytes.count <= Int(UInt32.max) else { throw ReelError(.invalidInput, "\(path): tag texts total more than 4 GiB") }
            textOffsets.append(UInt32(textBytes.count))
        }
        return SilverTags(
            movieOffsets: offsets, userIDs: order.map { users[$0] }, times: order.map { times[$0] / 1000 },
            textOffsets: textOffsets, textBytes: textBytes)
    }
}

/// One Delta table of the engine's output, read whole, with typed column access
/// that names the table and column in every error.
private struct ImportedTable {
    let path: String
    let table: ParquetTable
    var rows: Int { table.rowCount }

    init(path: String, expectedRows: Int) throws {
        self.path = path
        table = try DeltaTable(path: path).read()
        guard table.rowCount == expectedRows else {
            throw ReelError(
                .invalidInput,
                "\(path) has \(table.rowCount) rows, the engine's report says \(expectedRows) were accepted (a report from another run?)")
        }
    }

    private func column(_ name: String, nullable: Bool) throws -> ParquetColumnData {
        guard let c = table.column(name), c.dictionaryIndices == nil else { throw ReelError(.invalidInput, "\(path): no column \(name)") }
        guard nullable || c.nullCount == 0 else { throw ReelError(.invalidInput, "\(path): column \(name) holds nulls") }
        return c
    }

    private func mismatch(_ name: String, _ c: ParquetColumnData, _ expected: String) -> ReelError {
        ReelError(.invalidInput, "\(path): column \(name) is \(c.values.kindName), expected \(expected)")
    }

    func int32(_ name: String, nullAs null: Int32? = nil) throws -> [Int32] {
        let c = try column(name, nullable: null != nil)
        guard case let .int32(v) = c.values else { throw mismatch(name, c, "int32") }
        guard let null, let validity = c.validity else { return v }
        return zip(v, validity).map { $1 ? $0 : null }
    }

    func int64(_ name: String, nullAs null: Int64? = nil) throws -> [Int64] {
        let c = try column(name, nullable: null != nil)
        guard case let .int64(v) = c.values else { throw mismatch(name, c, "int64") }
        guard let null, let validity = c.validity else { return v }
        return zip(v, validity).map { $1 ? $0 : null }
    }

    func float(_ name: String) throws -> [Float] {
        let c = try column(name, nullable: false)
        guard case let .float(v) = c.values else { throw mismatch(name, c, "float") }
        return v
    }

    func strings(_ name: String) throws -> ByteArrayColumn {
        let c = try column(name, nullable: false)
        guard case let .byteArray(v) = c.values else { throw mismatch(name, c, "string") }
        return v
    }
}
