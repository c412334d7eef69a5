import ReelCore
#if canImport(Glibc)
import Glibc
#endif

/// Writes the files of one silver version. Each goes through
/// `SectionFileWriter` (temp file, fsync, full verification, rename); headers
/// carry no time or id, so identical data gives identical bytes. Files are
/// written one at a time (and the ETL frees each column set once written), so
/// only one file's extra copy is ever in memory.
public enum SilverWriter {
    /// Writes every file of `d` into `directory`, then `manifest.json`; returns the manifest.
    @discardableResult
    public static func write(_ d: SilverDataset, to directory: String) throws -> SilverManifest {
        let r = d.ratings
        let counts = SilverManifest.Counts(users: r.userCount, movies: d.movies.count, ratings: r.ratingCount, tags: d.tags.count)
        let files = [
            try writeRatingsByUser(userIDs: r.userIDs, offsets: r.userOffsets, movies: r.userMovies, ratings: r.userRatings,
                                   times: r.userTimes, movieCount: r.movieCount, to: directory),
            try writeRatingsByMovie(offsets: r.movieOffsets, users: r.movieUsers, ratings: r.movieRatings, times: r.movieTimes,
                                    userCount: r.userCount, to: directory),
            try writeMovies(d.movies, links: d.links, to: directory),
            try writeTags(d.tags, movieCount: d.movies.count, to: directory),
            try writePopularity(d.popularity, movieCount: d.movies.count, to: directory),
        ]
        return try writeManifest(files: files, counts: counts, popularityEndTime: d.popularity.endTime, to: directory)
    }

    static func writeRatingsByUser(userIDs: [Int32], offsets: [Int64], movies: [Int32], ratings: [Float], times: [Int64],
                                   movieCount: Int, to directory: String) throws -> SilverManifest.File {
        try emit(SilverFormat.ratingsByUserFile, SilverFormat.ratingsByUser, in: directory,
                 words: [UInt64(userIDs.count), UInt64(movieCount), UInt64(movies.count)]) { w in
            w.add("userIDs", userIDs)
            w.add("userOffsets", offsets)
            w.add("userMovies", movies)
            w.add("userRatings", ratings)
            w.add("userTimes", times)
        }
    }

    static func writeRatingsByMovie(offsets: [Int64], users: [Int32], ratings: [Float], times: [Int64],
                                    userCount: Int, to directory: String) throws -> SilverManifest.File {
        try emit(SilverFormat.ratingsByMovieFile, SilverFormat.ratingsByMovie, in: directory,
                 words: [UInt64(userCount), UInt64(offsets.count - 1), UInt64(users.count)]) { w in
            w.add("movieOffsets", offsets)
            w.add("movieUsers", users)
            w.add("movieRatings", ratings)
            w.add("movieTimes", times)
        }
    }

    static func writeMovies(_ m: SilverMovies, links: SilverLinks, to directory: String) throws -> SilverManifest.File {
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

    static func writeTags(_ t: SilverTags, movieCount: Int, to directory: String) throws -> SilverManifest.File {
        try emit(SilverFormat.tagsFile, SilverFormat.tags, in: directory, words: [UInt64(t.count), UInt64(movieCount)]) { w in
            w.add("movieOffsets", t.movieOffsets)
            w.add("userIDs", t.userIDs)
            w.add("times", t.times)
            w.add("textOffsets", t.textOffsets)
            w.add("textBytes", t.textBytes)
        }
    }

    static func writePopularity(_ p: SilverPopularity, movieCount: Int, to directory: String) throws -> SilverManifest.File {
        let windows = TrendingWindow.allCases
        return try emit(SilverFormat.popularityFile, SilverFormat.popularity, in: directory,
                        words: [UInt64(bitPattern: p.endTime), UInt64(movieCount), UInt64(windows.count)]) { w in
            w.add("windowSeconds", windows.map(\.seconds))
            w.add("scores", p.scores)
            w.add("counts", p.counts)
        }
    }

    /// Writes `manifest.json` last: a version folder without it is incomplete.
    static func writeManifest(files: [SilverManifest.File], counts: SilverManifest.Counts, popularityEndTime: Int64,
                              events: [String: SilverManifest.EventsUsed]? = nil, to directory: String) throws -> SilverManifest {
        let manifest = SilverManifest(counts: counts, popularityEndTime: popularityEndTime, files: files, events: events)
        try FileSystem.writeAtomically(Path.join(directory, SilverFormat.manifestName), bytes: manifest.encoded())
        return manifest
    }

    static func emit(_ name: String, _ kind: SectionFileKind, in directory: String, words: [UInt64],
                     _ add: (inout SectionFileWriter) -> Void) throws -> SilverManifest.File {
        try FileSystem.createDirectory(directory)
        var w = SectionFileWriter(kind: kind)
        for (i, word) in words.enumerated() { w.header.userWords[i] = word }
        add(&w)
        let path = Path.join(directory, name)
        try w.write(to: path)
        let (bytes, checksum) = try FileChecksum.xxh3(path: path)
        return SilverManifest.File(name: name, bytes: bytes, xxh3: XXH3.hex(checksum))
    }
}

/// xxh3-64 of a whole file read with plain `read` calls through a small
/// buffer: unlike a mapping, the pages never count towards this process's
/// memory, which matters for files of hundreds of megabytes.
enum FileChecksum {
    static func xxh3(path: String) throws -> (bytes: Int, checksum: UInt64) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ReelError.system("cannot open", path: path, errno: errno) }
        defer { close(fd) }
        let stream = XXH3Stream()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { buffer.deallocate() }
        var total = 0
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw ReelError.system("cannot read", path: path, errno: errno)
            }
            if n == 0 { break }
            stream.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            total += n
        }
        return (total, stream.digest)
    }
}
