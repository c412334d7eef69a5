import ReelCore
import ReelSilver

/// The pipeline of one run, table by table: movies first (the key every
/// other table references), then links, the events (when there are any),
/// ratings joined with the rating events, and tags, then the version on
/// disk (with the statistics, from the movie-major layout).
extension ETLRun {
    mutating func execute() throws -> ETLReport {
        Console.info("etl", "run \(runID): \(home.bronzeMovieLens) -> \(home.silver) (contract \(contract.path))")
        let movies = try loadMovies()
        let movieIndex = DenseIDIndex(sortedUniqueIDs: movies.ids)
        references["movies.movieId"] = movieIndex
        let links = try loadLinks(movieCount: movies.count)
        let events = try loadEvents(movies: movieIndex)
        openTableEvents = events
        // Declared apart so no second reference keeps the ratings alive once writeVersion frees them.
        var byUser: RatingsCSRBuilder.UserMajor
        let ratingEventsKept: Int
        (byUser, ratingEventsKept) = try loadRatings(events: events)
        let tags = try loadTags(movieCount: movies.count)
        if let events { try finishEvents(events, ratingEventsKept: ratingEventsKept) }
        return try writeVersion(&byUser, movies: movies, links: links, tags: tags, events: events)
    }

    /// Accepted movies sorted by id: they define the movie rows.
    mutating func loadMovies() throws -> SilverMovies {
        let table = try contract.table("movies")
        let proto = try MoviesSink(table: table)
        let parsed = try parse(table) { _ in proto }
        let movies = try parsed.sinks.first!.sortedMovies(file: table.file)
        try finish(table, parsed, accepted: movies.count, deduplicated: 0)
        return movies
    }

    mutating func loadLinks(movieCount: Int) throws -> SilverLinks {
        let table = try contract.table("links")
        let proto = try LinksSink(table: table)
        let parsed = try parse(table) { _ in proto }
        let (links, duplicates) = LinksSink.join(parsed.sinks, movieCount: movieCount)
        try finish(table, parsed, accepted: parsed.read - parsed.rejects.count - duplicates, deduplicated: duplicates)
        return links
    }

    /// Ratings parsed on every thread into compact columns, then the
    /// user-major CSR (deduplicated). The rating events that passed their
    /// rules join as one more chunk after ratings.csv, so one dedupe keeps
    /// the newest rating of each (user, movie) across both. Returns how many
    /// of the kept ratings came from events.
    mutating func loadRatings(events: ETLEvents?) throws -> (byUser: RatingsCSRBuilder.UserMajor, fromEvents: Int) {
        let table = try contract.table("ratings")
        let proto = try RatingsSink(table: table)
        let fileBytes = FileSystem.size(Path.join(home.bronzeMovieLens, table.file)) ?? 0
        var parsed = try parse(table, releasePages: true) { proto.forChunk(bytes: max($0, fileBytes)) }
        try checkRejects(table, parsed)  // fail before the expensive build
        let buildStart = ETLReport.PhaseStart()
        // Hand the columns to the builder alone, so it can free them as it goes.
        var chunks = parsed.sinks.map(\.columns)
        parsed.sinks = []
        let fromFile = chunks.reduce(0) { $0 + $1.count }
        if let events { chunks.append(events.ratingColumns()) }
        let byUser = RatingsCSRBuilder.userMajor(&chunks, threads: options.threads)
        let fromEvents = events?.ratingEventsKept(in: byUser) ?? 0
        phase("ratings_build", since: buildStart)
        let accepted = byUser.movies.count - fromEvents
        try finish(
            table, parsed, accepted: accepted, deduplicated: fromFile - accepted,
            extraSeconds: Clock.monotonic() - buildStart.wall)
        return (byUser, fromEvents)
    }

    mutating func loadTags(movieCount: Int) throws -> SilverTags {
        let table = try contract.table("tags")
        let proto = try TagsSink(table: table)
        let parsed = try parse(table) { _ in proto }
        let tags = try TagsSink.group(parsed.sinks, movieCount: movieCount, file: table.file)
        try finish(table, parsed, accepted: tags.count, deduplicated: 0)
        return tags
    }

    /// Writes the version into a staging folder and publishes it. Any failure
    /// removes the staging folder; `current` is untouched.
    mutating func writeVersion(
        _ byUser: inout RatingsCSRBuilder.UserMajor, movies: SilverMovies, links: SilverLinks,
        tags: SilverTags, events: ETLEvents?
    ) throws -> ETLReport {
        let counts = SilverManifest.Counts(users: byUser.userCount, movies: movies.count, ratings: byUser.movies.count, tags: tags.count)
        let staging = try SilverVersions.makeStaging(home: home, runID: runID)
        do {
            let (files, popularityEndTime) = try writeFiles(
                &byUser, movies: movies, links: links, tags: tags, events: events,
                to: staging)
            let manifest = try SilverWriter.writeManifest(
                files: files, counts: counts, popularityEndTime: popularityEndTime,
                events: events?.manifestEntries, to: staging)
            return try publish(staging: staging, manifest: manifest)
        } catch {
            try? FileSystem.removeTree(staging)
            throw error
        }
    }

    /// Every data file of the version, written by three strands at once so
    /// that both cores stay busy while files are copied into the page cache
    /// (docs/silver-format.md, "How a version is written"). Each strand
    /// fsyncs its files when it has nothing left to compute:
    /// - a writer thread streams `ratings_by_user.silver`;
    /// - a second one encodes and writes the open tables' Parquet files
    ///   (`ETLRun+OpenTables.swift`), the movies table once this thread has
    ///   handed it the movies with their rating statistics;
    /// - this thread builds the movie-major layout from the user-major one
    ///   (both cores), the statistics and popularity from it, then writes it
    ///   and the small files.
    /// All three only read the user-major arrays, which go away when the
    /// last strand is done with them. Every strand is waited for, even when
    /// another fails, before the first error is thrown. Returns the files
    /// and where the popularity windows end.
    mutating func writeFiles(
        _ byUser: inout RatingsCSRBuilder.UserMajor, movies: SilverMovies, links: SilverLinks,
        tags: SilverTags, events: ETLEvents?, to staging: String
    ) throws -> ([SilverManifest.File], Int64) {
        var ratings = byUser
        byUser = .empty
        let movieCount = movies.count, userCount = ratings.userCount
        let userFile = BackgroundTask { [ratings] in
            try ETLReport.PhaseStart().measure("write_ratings_by_user") {
                let file = try SilverWriter.writeRatingsByUser(
                    userIDs: ratings.userIDs, offsets: ratings.offsets, movies: ratings.movies,
                    ratings: ratings.ratings, times: ratings.times, movieCount: movieCount,
                    to: staging)
                // This thread has nothing else to do: wait for the disk here, not at the end.
                try SilverWriter.sync([file], in: staging)
                return file
            }
        }
        let ratedMovies = Handoff<SilverMovies>()
        let openTablesWrite = startOpenTablesWrite(ratings, movieIDs: movies.ids, movies: ratedMovies, links: links, tags: tags)
        let mine = Result { () throws -> ([SilverManifest.File], Int64) in
            // Whatever happens here, the open-tables strand must not wait forever.
            defer { if !ratedMovies.isResolved { ratedMovies.put(.failure(ReelError(.io, "the ETL stopped before the movie statistics"))) } }
            let movieMajorStart = ETLReport.PhaseStart()
            let byMovie = RatingsCSRBuilder.movieMajor(ratings, movieCount: movieCount, threads: options.threads)
            ratings = .empty
            phase("ratings_movie_major", since: movieMajorStart)
            let statsStart = ETLReport.PhaseStart()
            var rated = movies
            MovieStatistics.fill(&rated, from: byMovie)
            ratedMovies.put(.success(rated))
            let popularity = MovieStatistics.popularity(byMovie, movieCount: movieCount, rules: options.popularityRules, events: events)
            phase("statistics", since: statsStart)
            let writeStart = ETLReport.PhaseStart()
            let files = [
                try SilverWriter.writeRatingsByMovie(
                    offsets: byMovie.offsets, users: byMovie.users, ratings: byMovie.ratings,
                    times: byMovie.times, userCount: userCount, to: staging),
                try SilverWriter.writeMovies(rated, links: links, to: staging),
                try SilverWriter.writeTags(tags, movieCount: movieCount, to: staging),
                try SilverWriter.writePopularity(popularity, movieCount: movieCount, to: staging),
            ]
            // Only the other strands are left to wait for: wait for the disk meanwhile.
            try SilverWriter.sync(files, in: staging)
            phase("write", since: writeStart)
            return (files, popularity.endTime)
        }
        let waitStart = ETLReport.PhaseStart()
        let user = Result { try userFile.value() }
        let open = Result { try openTablesWrite?.value() }
        phase("wait_for_writers", since: waitStart)
        let (files, endTime) = try mine.get()
        let (userEntry, userPhase) = try user.get()
        recordPhase(userPhase)
        if let openPhase = try open.get() { recordPhase(openPhase) }
        return ([userEntry] + files, endTime)
    }
}
