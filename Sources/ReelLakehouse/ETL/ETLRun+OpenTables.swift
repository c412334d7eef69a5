import ReelCore
import ReelSilver
import ReelParquet

/// Silver as open tables: every run also overwrites the Delta tables
/// `lakehouse/silver/{ratings,movies,tags,events}` (`open_tables:` of
/// `silver_tables.yml`), so analysts read silver with DuckDB, pyarrow, Spark
/// or delta-rs.
///
/// Order, and what a crash at each point leaves:
/// 1. `startOpenTables` (before any parsing) takes `output/.reel.lock`
///    (or trusts the caller's, `ETLOptions.openTablesLock`), so a run that
///    cannot write the tables fails before doing any work.
/// 2. `startOpenTablesWrite` writes the data files on a thread of its own,
///    while the binary version is written, from the user-major ratings in
///    memory. Readers cannot see them; a crash leaves orphans, deleted by
///    the next run.
/// 3. `commitOpenTables` commits each table (one Delta commit per table,
///    operation parameter `silverVersion` = this run's id) once the binary
///    version is complete and verified, and *before* `current` switches.
///    If a commit fails the run fails and `current` stays where it was. A
///    crash after the commits and before the switch leaves the Delta tables
///    one version ahead of `current`; the next run overwrites both.
extension ETLRun {
    /// Takes the lock and prepares the writer (nothing is written yet).
    mutating func startOpenTables() throws {
        openTables = try OpenTableWriter(
            schemas: .silver(schemasDirectory: schemasDirectory), location: home.silverTable,
            lock: options.openTablesLock ?? .file(home.lockFile),
            parameters: ["silverVersion": runID], threads: options.threads)
    }

    /// Starts writing the data files of every open table (step 2) on a
    /// thread of its own (`writeFiles` runs it next to the binary files);
    /// nil when there is no writer. The task's value is its phase.
    /// `movies` is handed over with its rating statistics while the ratings
    /// files are written; `movieIDs` are its ids, needed before that.
    func startOpenTablesWrite(
        _ byUser: RatingsCSRBuilder.UserMajor, movieIDs: [Int32], movies: Handoff<SilverMovies>,
        links: SilverLinks, tags: SilverTags
    ) -> BackgroundTask<ETLReport.Phase>? {
        guard let openTables else { return nil }
        // Only this task uses the writer until it is waited for.
        nonisolated(unsafe) let writer = openTables
        let events = openTableEvents
        // Events: whenever the run read bronze events, and also when the events
        // folder is gone but the table exists, so the table never shows stale events.
        let writeEvents = events != nil || DeltaTable(path: home.silverTable("events")).exists
        return BackgroundTask {
            let began = ETLReport.PhaseStart()
            try writer.start("ratings")
            let total = byUser.movies.count
            let buffers = RatingsFileBuffers()
            for start in stride(from: 0, to: total, by: SilverOpenRows.ratingsPerFile) {
                let rows = start..<min(total, start + SilverOpenRows.ratingsPerFile)
                try writer.add(
                    "ratings",
                    SilverOpenRows.ratings(
                        userIDs: byUser.userIDs, offsets: byUser.offsets, movieRows: byUser.movies, ratings: byUser.ratings,
                        times: byUser.times, movieIDs: movieIDs, rows: rows, buffers: buffers))
            }
            try writer.add("movies", SilverOpenRows.movies(try movies.take(), links: links))
            try writer.start("tags")
            if tags.count > 0 { try writer.add("tags", SilverOpenRows.tags(tags, movieIDs: movieIDs)) }
            if writeEvents {
                try writer.start("events")
                for day in events.map(SilverOpenRows.events) ?? [] { try writer.add("events", day) }
            }
            // Nothing else to do here: wait for the disk now rather than in the commits.
            try writer.syncDataFiles()
            return began.finished("open_tables_write")
        }
    }

    /// Commits every open table (step 3); returns their new versions.
    mutating func commitOpenTables() throws -> [String: Int64] {
        guard let writer = openTables else { return [:] }
        let began = ETLReport.PhaseStart()
        let versions = try writer.commit()
        openTables = nil
        phase("open_tables_commit", since: began)
        Console.info(
            "etl",
            "open tables: "
                + versions.sorted { $0.key < $1.key }
                .map { "\(home.silverTable($0.key)) version \($0.value)" }.joined(separator: ", "))
        return versions
    }
}
