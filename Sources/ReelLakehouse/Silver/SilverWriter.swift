import ReelCore

/// Writes a `SilverDataset` as the files of one silver version. Each file
/// goes through `SectionFileWriter` (temp file, fsync, full verification,
/// rename); headers carry no time or id, so identical data gives identical
/// bytes. One file is built at a time so only one extra copy of a column set
/// is ever in memory.
public enum SilverWriter {
    /// Writes every file into `directory` and then `manifest.json`; returns the manifest.
    @discardableResult
    public static func write(_ d: SilverDataset, to directory: String) throws -> SilverManifest {
        try FileSystem.createDirectory(directory)
        let r = d.ratings
        let userWords: [UInt64] = [UInt64(r.userCount), UInt64(r.movieCount), UInt64(r.ratingCount)]
        var files: [SilverManifest.File] = []

        func emit(_ name: String, _ kind: SectionFileKind, words: [UInt64], _ add: (inout SectionFileWriter) -> Void) throws {
            var w = SectionFileWriter(kind: kind)
            for (i, word) in words.enumerated() { w.header.userWords[i] = word }
            add(&w)
            let path = Path.join(directory, name)
            try w.write(to: path)
            let mapped = try MappedFile(path: path)
            files.append(SilverManifest.File(name: name, bytes: mapped.bytes.count, xxh3: XXH3.hex(XXH3.hash(mapped.bytes))))
        }

        try emit(SilverFormat.ratingsByUserFile, SilverFormat.ratingsByUser, words: userWords) { w in
            w.add("userIDs", r.userIDs)
            w.add("userOffsets", r.userOffsets)
            w.add("userMovies", r.userMovies)
            w.add("userRatings", r.userRatings)
            w.add("userTimes", r.userTimes)
        }
        try emit(SilverFormat.ratingsByMovieFile, SilverFormat.ratingsByMovie, words: userWords) { w in
            w.add("movieOffsets", r.movieOffsets)
            w.add("movieUsers", r.movieUsers)
            w.add("movieRatings", r.movieRatings)
            w.add("movieTimes", r.movieTimes)
        }
        let m = d.movies
        try emit(SilverFormat.moviesFile, SilverFormat.movies, words: [UInt64(m.count)]) { w in
            w.add("ids", m.ids)
            w.add("titleOffsets", m.titleOffsets)
            w.add("titleBytes", m.titleBytes)
            w.add("years", m.years)
            w.add("genres", m.genres)
            w.add("ratingCounts", m.ratingCounts)
            w.add("ratingMeans", m.ratingMeans)
            w.add("imdbIDs", d.links.imdbIDs)
            w.add("tmdbIDs", d.links.tmdbIDs)
        }
        let t = d.tags
        try emit(SilverFormat.tagsFile, SilverFormat.tags, words: [UInt64(t.count), UInt64(m.count)]) { w in
            w.add("movieOffsets", t.movieOffsets)
            w.add("userIDs", t.userIDs)
            w.add("times", t.times)
            w.add("textOffsets", t.textOffsets)
            w.add("textBytes", t.textBytes)
        }
        let p = d.popularity
        try emit(SilverFormat.popularityFile, SilverFormat.popularity,
                 words: [UInt64(bitPattern: p.endTime), UInt64(m.count), UInt64(TrendingWindow.allCases.count)]) { w in
            w.add("windowSeconds", TrendingWindow.allCases.map(\.seconds))
            w.add("scores", p.scores)
            w.add("counts", p.counts)
        }

        let manifest = SilverManifest(
            counts: .init(users: r.userCount, movies: m.count, ratings: r.ratingCount, tags: t.count),
            popularityEndTime: p.endTime, files: files)
        try FileSystem.writeAtomically(Path.join(directory, SilverFormat.manifestName), bytes: manifest.encoded())
        return manifest
    }
}
