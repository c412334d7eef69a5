import ReelCore
import ReelLakehouse
import ReelParquet
import ReelServing

/// A published release's lists as rows of the gold open tables (`tables:` of
/// `gold_tables.yml`), read through the release reader: dense rows back to
/// external ids, ranks from 1, padding already trimmed by the reader.
enum GoldOpenRows {
    /// Rows per data file of the per-user and per-movie tables (~100 MB of
    /// columns in memory at a time; ml-25m's 16M recommendations make 4 files).
    static let rowsPerFile = 1 << 22

    /// `user_recommendations` in batches of whole users, ascending by userId, then rank.
    static func userRecommendations(_ release: Release, modelRun: String, _ emit: (OpenTableRows) throws -> Void) throws {
        let t = release.tables
        try ranked(
            count: t.userCount, owner: { t.userIDs[$0] }, list: { release.recommendations(userRow: $0) },
            movieIDs: t.movieIDs
        ) { owners, ranks, movies, scores in
            try emit(
                OpenTableRows([
                    "userId": .int32(owners), "rank": .int32(ranks), "movieId": .int32(movies),
                    "score": .float(scores),
                    "model_run": OpenColumns.repeating(modelRun, count: owners.count),
                ]))
        }
    }

    /// `similar_movies` in batches of whole movies, ascending by movieId, then rank.
    static func similarMovies(_ release: Release, _ emit: (OpenTableRows) throws -> Void) throws {
        let t = release.tables
        try ranked(
            count: t.movieCount, owner: { t.movieIDs[$0] }, list: { release.similar(movieRow: $0) },
            movieIDs: t.movieIDs
        ) { owners, ranks, movies, scores in
            try emit(
                OpenTableRows([
                    "movieId": .int32(owners), "rank": .int32(ranks), "similarMovieId": .int32(movies),
                    "score": .float(scores),
                ]))
        }
    }

    /// `trending`: every window (24h, 7d, 30d), the global list as genre "all", then each genre.
    static func trending(_ release: Release) throws -> OpenTableRows {
        let t = release.tables
        guard t.genreCount <= Genres.all.count else {
            throw ReelError(.corrupt, "\(release.path): \(t.genreCount) trending genres, the vocabulary has \(Genres.all.count)")
        }
        var windows = ByteArrayColumn(), genres = ByteArrayColumn()
        var ranks: [Int32] = [], movies: [Int32] = [], scores: [Float] = []
        for window in TrendingWindow.allCases {
            for genre in [nil] + (0..<t.genreCount).map(Optional.some) {
                let list = release.trending(window: window, genre: genre)
                for i in 0..<list.count {
                    windows.append(window.label)
                    genres.append(genre.map { Genres.all[$0] } ?? "all")
                    ranks.append(Int32(i + 1))
                    movies.append(t.movieIDs[Int(list.movies[i])])
                    scores.append(list.scores[i])
                }
            }
        }
        return OpenTableRows([
            "window": ParquetColumnData(.byteArray(windows)), "genre": ParquetColumnData(.byteArray(genres)),
            "rank": .int32(ranks), "movieId": .int32(movies), "score": .float(scores),
        ])
    }

    /// Ranked lists of `count` owners (users or movies) flattened into
    /// columns, handed to `emit` about `rowsPerFile` rows at a time.
    private static func ranked(
        count: Int, owner: (Int) -> Int32, list: (Int) -> RankedList, movieIDs: UnsafeBufferPointer<Int32>,
        rowsPerFile: Int = rowsPerFile,
        _ emit: ([Int32], [Int32], [Int32], [Float]) throws -> Void
    ) throws {
        var owners: [Int32] = [], ranks: [Int32] = [], movies: [Int32] = [], scores: [Float] = []
        func flush() throws {
            guard !owners.isEmpty else { return }
            try emit(owners, ranks, movies, scores)
            owners.removeAll(keepingCapacity: true)
            ranks.removeAll(keepingCapacity: true)
            movies.removeAll(keepingCapacity: true)
            scores.removeAll(keepingCapacity: true)
        }
        for row in 0..<count {
            let l = list(row)
            let id = owner(row)
            for i in 0..<l.count {
                owners.append(id)
                ranks.append(Int32(i + 1))
                movies.append(movieIDs[Int(l.movies[i])])
                scores.append(l.scores[i])
            }
            if owners.count >= rowsPerFile { try flush() }
        }
        try flush()
    }
}
