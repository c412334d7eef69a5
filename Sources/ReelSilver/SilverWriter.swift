import ReelCore

/// Writes the files of one silver version into its staging folder, which no
/// reader sees until it is complete (`SilverVersions`): each file is created
/// under its final name, streamed from the in-memory arrays without a copy,
/// hashed as it goes (the manifest's xxh3 comes from the same pass) and
/// re-opened for a structural check (`SectionFileWriter.writeUnpublished`).
/// Their writeback starts at once, and `writeManifest` fsyncs them all
/// before the manifest exists. Headers carry no time or id, so identical
/// data gives identical bytes.
public enum SilverWriter {
    /// Writes every file of `d` into the fresh folder `directory`, then
    /// `manifest.json`; returns the manifest.
    @discardableResult
    public static func write(_ d: SilverDataset, to directory: String) throws -> SilverManifest {
        let r = d.ratings
        let counts = SilverManifest.Counts(users: r.userCount, movies: d.movies.count, ratings: r.ratingCount, tags: d.tags.count)
        let files = [
            try writeRatingsByUser(
                userIDs: r.userIDs, offsets: r.userOffsets, movies: r.userMovies, ratings: r.userRatings,
                times: r.userTimes, movieCount: r.movieCount, to: directory),
            try writeRatingsByMovie(
                offsets: r.movieOffsets, users: r.movieUsers, ratings: r.movieRatings, times: r.movieTimes,
                userCount: r.userCount, to: directory),
            try writeMovies(d.movies, links: d.links, to: directory),
            try writeTags(d.tags, movieCount: d.movies.count, to: directory),
            try writePopularity(d.popularity, movieCount: d.movies.count, to: directory),
        ]
        return try writeManifest(files: files, counts: counts, popularityEndTime: d.popularity.endTime, to: directory)
    }

    package static func writeRatingsByUser(
        userIDs: [Int32], offsets: [Int64], movies: [Int32], ratings: [Float], times: [Int64],
        movieCount: Int, to directory: String
    ) throws -> SilverManifest.File {
        try emit(
            SilverFormat.ratingsByUserFile, SilverFormat.ratingsByUser, in: directory,
            words: [UInt64(userIDs.count), UInt64(movieCount), UInt64(movies.count)]
        ) { w in
            w.add("userIDs", userIDs)
            w.add("userOffsets", offsets)
            w.add("userMovies", movies)
            w.add("userRatings", ratings)
            w.add("userTimes", times)
        }
    }

    package static func writeRatingsByMovie(
        offsets: [Int64], users: [Int32], ratings: [Float], times: [Int64],
        userCount: Int, to directory: String
    ) throws -> SilverManifest.File {
        try emit(
            SilverFormat.ratingsByMovieFile, SilverFormat.ratingsByMovie, in: directory,
            words: [UInt64(userCount), UInt64(offsets.count - 1), UInt64(users.count)]
        ) { w in
            w.add("movieOffsets", offsets)
            w.add("movieUsers", users)
            w.add("movieRatings", ratings)
            w.add("movieTimes", times)
        }
    }

    package static func writeMovies(_ m: SilverMovies, links: SilverLinks, to directory: String) throws -> SilverManifest.File {
        try emit(SilverFormat.moviesFile, SilverFormat.movies, in: directory, words: [UInt64(m.count)]) { w in
            w.add("ids", m.ids)
            w.add("titleOffsets", m.titleOffsets)
            w.add("titleBytes", m.titleBytes)
            w.add("years", m.years)
            w.add("genres", m.genres)
            w.add("ratingCounts", m.ratingCounts)
            w.add("ratingMeans", m.ratingMeans)
            w.add("imdbIDs", links.imdbIDs)
            w.add("tmdbIDs", links.tmdbIDs)
        }
    }

    package static func writeTags(_ t: SilverTags, movieCount: Int, to directory: String) throws -> SilverManifest.File {
        try emit(SilverFormat.tagsFile, SilverFormat.tags, in: directory, words: [UInt64(t.count), UInt64(movieCount)]) { w in
            w.add("movieOffsets", t.movieOffsets)
            w.add("userIDs", t.userIDs)
            w.add("times", t.times)
            w.add("textOffsets", t.textOffsets)
            w.add("textBytes", t.textBytes)
        }
    }

    package static func writePopularity(_ p: SilverPopularity, movieCount: Int, to directory: String) throws -> SilverManifest.File {
        let windows = TrendingWindow.allCases
        return try emit(
            SilverFormat.popularityFile, SilverFormat.popularity, in: directory,
            words: [UInt64(bitPattern: p.endTime), UInt64(movieCount), UInt64(windows.count)]
        ) { w in
            w.add("windowSeconds", windows.map(\.seconds))
            w.add("scores", p.scores)
            w.add("counts", p.counts)
        }
    }

    /// Writes `manifest.json` last: a version folder without it is
    /// incomplete. First fsyncs every file it lists (and the folder), so a
    /// manifest never survives a crash that its files did not.
    package static func writeManifest(
        files: [SilverManifest.File], counts: SilverManifest.Counts, popularityEndTime: Int64,
        events: [String: SilverManifest.EventsUsed]? = nil, to directory: String
    ) throws -> SilverManifest {
        try sync(files, in: directory)
        let manifest = SilverManifest(counts: counts, popularityEndTime: popularityEndTime, files: files, events: events)
        try FileSystem.writeAtomically(Path.join(directory, SilverFormat.manifestName), bytes: manifest.encoded())
        return manifest
    }

    /// fsyncs written files and their folder (the ETL's writer strands do
    /// it as soon as they are done; `writeManifest` does it in any case).
    package static func sync(_ files: [SilverManifest.File], in directory: String) throws {
        try FileSystem.syncDeferred(files.map { Path.join(directory, $0.name) })
    }

    static func emit(
        _ name: String, _ kind: SectionFileKind, in directory: String, words: [UInt64],
        _ add: (inout SectionFileWriter) -> Void
    ) throws -> SilverManifest.File {
        try FileSystem.createDirectory(directory)
        var w = SectionFileWriter(kind: kind)
        for (i, word) in words.enumerated() { w.header.userWords[i] = word }
        add(&w)
        // Staged: the ETL fsyncs every file of the version at once, before its manifest.
        let written = try w.writeUnpublished(to: Path.join(directory, name), durability: .deferred)
        return SilverManifest.File(name: name, bytes: written.bytes, xxh3: XXH3.hex(written.checksum))
    }
}
