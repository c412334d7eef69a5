import ReelCore

/// Settings of one ETL run.
public struct ETLOptions: Sendable {
    /// A table whose rejected / read ratio exceeds this fails the run.
    public var rejectThreshold: Double = 0.01
    /// Threads for parsing and the CSR build.
    public var threads: Int = 2
    /// The run's clock: timestamps after it are `timestamp_in_future`.
    public var now: Int64 = Clock.now()
    /// Silver versions kept (the current one is never removed).
    public var keepVersions: Int = 3
    /// Trending weights and decay for the silver popularity.
    public var popularityRules = PopularityRules()
    /// The contract folder (`schemas/`); nil: found by `ContractLocator`.
    public var schemasDirectory: String?

    public init() {}
}

/// `reel etl`: bronze MovieLens CSVs → a new validated, columnar silver
/// version, switched in atomically.
///
/// Order: movies (the key every other table references), links, ratings,
/// tags. Each table is parsed and validated against the loaded contract,
/// its rejects quarantined, and the run fails (`.invalidInput`, nothing
/// published, `current` untouched) on a missing or unreadable file, a wrong
/// header, or a reject rate above the threshold.
public enum ETL {
    /// Runs the ETL from `home.bronzeMovieLens` into a new silver version and switches `current`.
    public static func run(home: ReelHome, options: ETLOptions) throws -> ETLReport {
        guard options.rejectThreshold >= 0, options.rejectThreshold <= 1 else {
            throw ReelError(.usage, "--reject-threshold must be between 0 and 1 (got \(options.rejectThreshold))")
        }
        guard options.threads >= 1, options.threads <= 256 else {
            throw ReelError(.usage, "--threads must be between 1 and 256 (got \(options.threads))")
        }
        var run = try ETLRun(home: home, options: options)
        return try run.execute()
    }
}

/// The state of one run; `execute` is the whole pipeline.
struct ETLRun {
    let home: ReelHome
    let options: ETLOptions
    let contract: BronzeContract
    let runID: String
    let startedAt = Clock.now()
    let start = Clock.monotonic()
    var reports: [TableReport] = []
    var phases: [ETLReport.Phase] = []
    var references: [String: DenseIDIndex] = [:]
    /// Quarantine file written per table.
    var quarantined: [String: String] = [:]

    init(home: ReelHome, options: ETLOptions) throws {
        self.home = home
        self.options = options
        let schemas = try options.schemasDirectory ?? ContractLocator.schemasDirectory(home: home)
        contract = try BronzeContract.load(schemasDirectory: schemas)
        var id = Clock.runID(at: options.now)
        while FileSystem.exists(Path.join(home.silverVersions, id)) || FileSystem.exists(home.quarantine(run: id)) {
            id = Clock.runID(at: options.now)
        }
        runID = id
    }

    var quarantineDirectory: String { home.quarantine(run: runID) }

    mutating func execute() throws -> ETLReport {
        Console.info("etl", "run \(runID): \(home.bronzeMovieLens) -> \(home.silver) (contract \(contract.path))")
        // Movies: sorted by id, they define the movie rows.
        let moviesTable = try contract.table("movies")
        let moviesProto = try MoviesSink(table: moviesTable)
        let movieParse = try parse(moviesTable) { _ in moviesProto }
        var movies = try movieParse.sinks.first!.sortedMovies(file: moviesTable.file)
        try finish(moviesTable, movieParse, accepted: movies.count, deduplicated: 0)
        references["movies.movieId"] = DenseIDIndex(sortedUniqueIDs: movies.ids)

        let linksTable = try contract.table("links")
        let linksProto = try LinksSink(table: linksTable)
        let linkParse = try parse(linksTable) { _ in linksProto }
        let (links, linkDuplicates) = LinksSink.join(linkParse.sinks, movieCount: movies.count)
        try finish(linksTable, linkParse, accepted: linkParse.read - linkParse.rejects.count - linkDuplicates,
                   deduplicated: linkDuplicates)

        // Ratings: parsed on every thread into compact columns, then the CSR build.
        let ratingsTable = try contract.table("ratings")
        guard case .newest(let key, let orderBy)? = ratingsTable.dedupe,
              key == [try ratingsTable.columnIndex("userId"), try ratingsTable.columnIndex("movieId")],
              orderBy == (try ratingsTable.columnIndex("timestamp")) else {
            throw ReelError(.invalidInput, "\(contract.path): table ratings must dedupe on [userId, movieId] keeping the newest timestamp (the only ratings dedupe this build implements)")
        }
        let ratingsProto = try RatingsSink(table: ratingsTable, chunkBytes: 0)
        var ratingParse = try parse(ratingsTable, releasePages: true) { bytes in
            var sink = ratingsProto
            sink.columns.reserve(bytes / 16 + 16)
            return sink
        }
        try checkRejects(ratingsTable, ratingParse) // fail before the expensive build
        let buildStart = Clock.monotonic()
        // Hand the columns to the builder alone, so it can free them as it goes.
        var chunks = ratingParse.sinks.map(\.columns)
        ratingParse.sinks = []
        var byUser = RatingsCSRBuilder.userMajor(&chunks, threads: options.threads)
        phase("ratings_build", since: buildStart)
        try finish(ratingsTable, ratingParse, accepted: byUser.movies.count, deduplicated: byUser.deduplicated,
                   extraSeconds: Clock.monotonic() - buildStart)

        let tagsTable = try contract.table("tags")
        guard tagsTable.dedupe == nil else {
            throw ReelError(.invalidInput, "\(contract.path): table tags must not dedupe (every accepted tag is kept)")
        }
        let tagsProto = try TagsSink(table: tagsTable)
        let tagParse = try parse(tagsTable) { _ in tagsProto }
        let tags = try TagsSink.group(tagParse.sinks, movieCount: movies.count, file: tagsTable.file)
        try finish(tagsTable, tagParse, accepted: tags.count, deduplicated: 0)

        let statsStart = Clock.monotonic()
        MovieStatistics.fill(&movies, from: byUser)
        let popularity = MovieStatistics.popularity(byUser, movieCount: movies.count, rules: options.popularityRules)
        phase("statistics", since: statsStart)

        // Write in the order that keeps memory low: the user-major ratings,
        // then the movie-major ones built from them (and the former freed).
        let counts = SilverManifest.Counts(users: byUser.userCount, movies: movies.count, ratings: byUser.movies.count, tags: tags.count)
        let staging = try SilverVersions.makeStaging(home: home, runID: runID)
        do {
            var writeStart = Clock.monotonic()
            var files = [try SilverWriter.writeRatingsByUser(userIDs: byUser.userIDs, offsets: byUser.offsets, movies: byUser.movies,
                                                             ratings: byUser.ratings, times: byUser.times,
                                                             movieCount: movies.count, to: staging)]
            phase("write_ratings_by_user", since: writeStart)
            let movieMajorStart = Clock.monotonic()
            let byMovie = RatingsCSRBuilder.movieMajor(byUser, movieCount: movies.count, threads: options.threads)
            byUser = RatingsCSRBuilder.UserMajor(userIDs: [], offsets: [0], movies: [], ratings: [], times: [])
            phase("ratings_movie_major", since: movieMajorStart)
            writeStart = Clock.monotonic()
            files.append(try SilverWriter.writeRatingsByMovie(offsets: byMovie.offsets, users: byMovie.users, ratings: byMovie.ratings,
                                                              times: byMovie.times, userCount: counts.users, to: staging))
            files.append(try SilverWriter.writeMovies(movies, links: links, to: staging))
            files.append(try SilverWriter.writeTags(tags, movieCount: movies.count, to: staging))
            files.append(try SilverWriter.writePopularity(popularity, movieCount: movies.count, to: staging))
            let manifest = try SilverWriter.writeManifest(files: files, counts: counts, popularityEndTime: popularity.endTime, to: staging)
            phase("write", since: writeStart)
            return try publish(staging: staging, manifest: manifest)
        } catch {
            try? FileSystem.removeTree(staging)
            throw error
        }
    }

    /// Maps, header-checks, scans and validates one table.
    mutating func parse<Sink: RowSink>(_ table: BronzeTable, releasePages: Bool = false,
                                       makeSink: @escaping @Sendable (Int) -> Sink) throws -> TableParse<Sink> {
        let began = Clock.monotonic()
        let file = try BronzeFile.open(table, directory: home.bronzeMovieLens, contractPath: contract.path)
        let validator = try RowValidator(table: table, runClock: options.now, references: references)
        // Progress (bytes, rate, ETA) only where it helps: files of 16 MB and more.
        let progress = file.bytes.count >= 1 << 24
            ? Progress(stage: "etl \(table.file)", total: file.bytes.count, unit: "bytes") : nil
        progress?.advance(file.dataStart)
        let result = TableParser.parse(bytes: file.bytes, dataStart: file.dataStart, firstLine: file.firstLine,
                                       validator: validator, threads: options.threads, progress: progress,
                                       releasePages: releasePages, makeSink: makeSink)
        progress?.finish()
        phase("\(table.name)_parse", since: began)
        return result
    }

    /// Quarantines a table's rejects (once) and fails the run when there are
    /// too many. Returns the quarantine file, if any.
    @discardableResult
    mutating func checkRejects<Sink>(_ table: BronzeTable, _ parse: TableParse<Sink>) throws -> String? {
        guard parse.rejects.count > 0 else { return nil }
        let path: String
        if let written = quarantined[table.name] {
            path = written
        } else {
            path = try Quarantine.write(parse.rejects, ruleNames: table.ruleNames, table: table.name, directory: quarantineDirectory)
            quarantined[table.name] = path
        }
        let rate = Double(parse.rejects.count) / Double(max(parse.read, 1))
        guard rate <= options.rejectThreshold else {
            let byRule = zip(table.ruleNames, parse.rejects.countsByRule).filter { $0.1 > 0 }.map { "\($0.0) \(Console.count($0.1))" }
            throw ReelError(.invalidInput, """
                \(table.file): \(Console.count(parse.rejects.count)) of \(Console.count(parse.read)) rows rejected \
                (\(Console.fixed(rate * 100, 2))%), above the reject threshold of \(Console.fixed(options.rejectThreshold * 100, 2))% \
                (\(byRule.joined(separator: ", "))); rejected rows are in \(path); silver was not changed
                """)
        }
        return path
    }

    /// Records a table's reconciliation (after quarantining its rejects).
    mutating func finish<Sink>(_ table: BronzeTable, _ parse: TableParse<Sink>, accepted: Int, deduplicated: Int,
                               extraSeconds: Double = 0) throws {
        var report = TableReport(table: table.name, file: table.file, read: parse.read, accepted: accepted,
                                 deduplicated: deduplicated, rejects: parse.rejects, ruleNames: table.ruleNames,
                                 seconds: (phases.last { $0.name == "\(table.name)_parse" }?.seconds ?? 0) + extraSeconds)
        report.quarantineFile = try checkRejects(table, parse)
        guard report.reconciles else {
            throw ReelError(.io, "internal error: \(table.file) does not reconcile (read \(report.read) ≠ accepted \(report.accepted) + rejected \(report.rejected) + deduplicated \(report.deduplicated))")
        }
        let byRule = report.rejectedByRule.filter { $0.count > 0 }.map { "\($0.rule) \(Console.count($0.count))" }
        Console.info("etl", "\(table.file): read \(Console.count(report.read)), accepted \(Console.count(report.accepted)), "
                     + "rejected \(Console.count(report.rejected))\(byRule.isEmpty ? "" : " (\(byRule.joined(separator: ", ")))"), "
                     + "deduplicated \(Console.count(report.deduplicated)) in \(Console.duration(report.seconds))")
        reports.append(report)
    }

    mutating func phase(_ name: String, since: Double) {
        phases.append(ETLReport.Phase(name: name, seconds: Clock.monotonic() - since,
                                      peakRSSBytes: ProcessMemory.peakResidentBytes()))
    }

    /// Adds report.json to the complete staging folder, renames it into
    /// place, switches `current` and prunes old versions.
    mutating func publish(staging: String, manifest: SilverManifest) throws -> ETLReport {
        let manifestBytes = try FileSystem.readBytes(Path.join(staging, SilverFormat.manifestName))
        var report = ETLReport(
            runID: runID, versionID: runID, versionDirectory: Path.join(home.silverVersions, runID),
            fingerprint: XXH3.hex(XXH3.hash(manifestBytes)), runClock: options.now,
            startedAt: Clock.iso8601(startedAt), finishedAt: Clock.iso8601(Clock.now()),
            rejectThreshold: options.rejectThreshold, threads: options.threads, contract: contract.path,
            tables: reports, quarantineDirectory: quarantined.isEmpty ? nil : quarantineDirectory,
            counts: manifest.counts, phases: phases, seconds: Clock.monotonic() - start,
            peakRSSBytes: ProcessMemory.peakResidentBytes(), prunedVersions: [])
        try FileSystem.writeAtomically(Path.join(staging, SilverFormat.reportName), text: report.json())
        _ = try SilverVersions.publish(staging: staging, runID: runID, home: home)
        report.prunedVersions = (try? SilverVersions.prune(home: home, keep: options.keepVersions)) ?? []
        Console.info("etl", "silver version \(runID) is current (\(Console.count(manifest.counts.ratings)) ratings, "
                     + "fingerprint \(report.fingerprint)) in \(Console.duration(report.seconds)), "
                     + "peak memory \(Console.bytes(report.peakRSSBytes))")
        return report
    }
}
