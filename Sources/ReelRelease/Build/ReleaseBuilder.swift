import ReelCore
import ReelSilver
import ReelModel
import ReelServing

/// Builds a release from a silver snapshot and trained model factors:
/// every user's top-K (seen movies excluded), similar movies by cosine,
/// trending lists per window and genre, movie metadata and factors.
///
/// Pure computation: it writes nothing (`ReleaseContents.write`,
/// `ReleasePublisher.publish` do), so the nightly job, the CLI and tests all
/// go through the same code. Given the same inputs and options it produces
/// the same bytes, except the id and creation time from `metadata`.
public enum ReleaseBuilder {
    public static func build(
        silver: SilverSnapshot, factors: ModelFactors, options: ReleaseOptions,
        metadata: ReleaseMetadata
    ) throws -> ReleaseContents {
        try options.validate()
        guard ReleaseFormat.isValidReleaseID(Array(metadata.releaseID.utf8)) else {
            throw ReelError(.usage, "release id '\(metadata.releaseID)' must be 1–64 characters of [A-Za-z0-9._-], not starting with '.'")
        }
        let ratings = silver.ratings
        let movies = silver.movies
        try checkSilver(silver)
        let movieCount = ratings.movieCount
        let userCount = ratings.userCount
        let genreCount = Genres.all.count
        let k = options.k, similarK = options.similarK, trendingK = options.trendingK
        Console.info(
            "publish",
            "building release \(metadata.releaseID): \(Console.count(userCount)) users, \(Console.count(movieCount)) movies, K=\(k), similar K=\(similarK), trending K=\(trendingK)"
        )

        let aligned = try FactorAlignment(ratings: ratings, factors: factors)
        let rank = aligned.rank
        if aligned.queryCount < userCount {
            Console.info(
                "publish", "\(Console.count(userCount - aligned.queryCount)) users have no factors: they get no stored list (trending fallback)")
        }
        if aligned.itemCount < movieCount {
            Console.info("publish", "\(Console.count(movieCount - aligned.itemCount)) movies have no factors: they are never recommended")
        }
        // UC1: every user's top-K.
        var topMovies = [Int32](repeating: -1, count: userCount * k)
        var topScores = [Float](repeating: 0, count: userCount * k)
        BlockedTopK.run(
            stage: "publish: top-\(k)", queries: aligned.queryFactors, queryRows: aligned.queryUserRows,
            items: aligned.itemFactors, itemRows: aligned.itemMovieRows, rank: rank, k: k,
            seen: aligned.seenItems(ratings), options: options, movies: &topMovies, scores: &topScores)

        // Similar movies: cosine = dot product of unit vectors, self excluded.
        var similarMovies = [Int32](repeating: -1, count: movieCount * similarK)
        var similarScores = [Float](repeating: 0, count: movieCount * similarK)
        let unit = aligned.normalisedItems()
        let selfExcluded = (offsets: (0...aligned.itemCount).map(Int64.init), items: (0..<aligned.itemCount).map(Int32.init))
        BlockedTopK.run(
            stage: "publish: similar", queries: unit, queryRows: aligned.itemMovieRows,
            items: unit, itemRows: aligned.itemMovieRows, rank: rank, k: similarK,
            seen: selfExcluded, options: options, movies: &similarMovies, scores: &similarScores)

        // UC2: trending.
        let trending = TrendingLists(
            popularity: silver.popularity, genres: movies.genres,
            trendingK: trendingK, genreCount: genreCount)

        // UC1's default order: one blend is precomputed as the blend sections (UC3 weights);
        // any other candidate but the model's order (a baseline, a per-user blend) as the served lists.
        var served = options.served ?? options.blend.map { ServingCandidate.blend($0) }
        if case .blend(let b)? = served, b.isPureModel { served = .model }
        var blend: ServingBlend?
        if case .blend(let b)? = served, !b.isPureModel { blend = b }
        let servedLists: (name: String, lists: CandidateLists)? = served.flatMap { candidate in
            guard candidate != .model, blend == nil else { return nil }
            if case .blend = candidate { return nil }
            let context = CandidateContext(
                ratings: ratings, users: (0..<userCount).map(Int32.init), popularity: silver.popularity,
                genres: movies.genres, model: (topMovies, topScores, k), threads: options.threads)
            Console.info("publish", "serving \(candidate.label): every user's list from it")
            return (candidate.name, candidate.recommender.lists(context, k: k))
        }
        let blended = blend.map {
            BlendedLists.build(
                blend: $0, topMovies: topMovies, topScores: topScores, k: k,
                popularity: trending.popularity, genres: movies.genres, threads: options.threads)
        }

        var movieFactors = [Float](repeating: 0, count: movieCount * rank)
        var factorMask = [UInt8](repeating: 0, count: movieCount)
        for (item, row) in aligned.itemMovieRows.enumerated() {
            factorMask[Int(row)] = 1
            let r = Int(row)
            movieFactors.replaceSubrange(r * rank..<(r + 1) * rank, with: aligned.itemFactors[item * rank..<(item + 1) * rank])
        }

        var counts = ReleaseMeta.Counts()
        counts.users = userCount
        counts.movies = movieCount
        counts.ratings = ratings.ratingCount
        counts.usersWithRecommendations = (0..<userCount).reduce(0) { $0 + (topMovies[$1 * k] >= 0 ? 1 : 0) }
        counts.moviesWithFactors = aligned.itemCount
        counts.factorUsersNotInSilver = aligned.unknownUsers
        counts.factorMoviesNotInSilver = aligned.unknownMovies
        counts.genres = genreCount
        let meta = try ReleaseMeta.json(
            metadata: metadata, options: options, rank: rank, counts: counts,
            silverVersion: silver.versionID, silverFingerprint: silver.fingerprint,
            trendingEnd: silver.popularity.endTime, modelJSON: factors.metadataJSON,
            blend: blend, served: served)

        var contents = ReleaseContents(
            releaseID: metadata.releaseID, createdAt: metadata.createdAt,
            k: k, similarK: similarK, trendingK: trendingK, rank: rank,
            silverFingerprint: silver.fingerprint, modelFingerprint: metadata.modelFingerprint,
            movieIDs: ratings.movieIDs, titleOffsets: movies.titleOffsets, titles: movies.titleBytes,
            years: movies.years, genres: movies.genres, ratingCounts: movies.ratingCounts, ratingMeans: movies.ratingMeans,
            userIDs: ratings.userIDs, userTopMovies: topMovies, userTopScores: topScores,
            similarMovies: similarMovies, similarScores: similarScores,
            trendMovies: trending.movies, trendScores: trending.scores, popularity: trending.popularity,
            movieFactors: movieFactors, factorMask: factorMask, metaJSON: meta)
        if let blend, let blended {
            contents.blend = BlendedLists.section(blend)
            contents.userBlendMovies = blended.movies
            contents.userBlendScores = blended.scores
        }
        contents.modelName = Array((ReleaseMeta.modelName(modelJSON: factors.metadataJSON) ?? "").utf8)
        if let servedLists {
            contents.served = Array(servedLists.name.utf8)
            contents.userServedMovies = servedLists.lists.movies
            contents.userServedScores = servedLists.lists.scores
        }
        FoldInSections.add(to: &contents, factors: factors, aligned: aligned, options: options)
        // The web face: title search, each user's recent ratings, the report page.
        TitleIndexBuilder.build(
            titleOffsets: movies.titleOffsets, titles: movies.titleBytes,
            ratingCounts: movies.ratingCounts, into: &contents.web)
        RecentRatingsBuilder.build(
            userOffsets: ratings.userOffsets, userMovies: ratings.userMovies,
            userRatings: ratings.userRatings, userTimes: ratings.userTimes,
            n: options.recentN, into: &contents.web)
        contents.web.reportHTML = options.reportHTML
        return contents
    }

    /// The silver invariants the builder relies on, each failure naming the table.
    static func checkSilver(_ silver: SilverSnapshot) throws {
        let r = silver.ratings, m = silver.movies
        func bad(_ why: String) -> ReelError { ReelError(.invalidInput, "silver \(silver.versionID): \(why)") }
        guard r.movieCount > 0 else { throw bad("no movies: nothing to publish") }
        guard m.ids == r.movieIDs else { throw bad("movies table rows disagree with the ratings' movie rows") }
        guard m.titleOffsets.count == m.count + 1, m.years.count == m.count, m.genres.count == m.count,
            m.ratingCounts.count == m.count, m.ratingMeans.count == m.count,
            m.titleOffsets.first == 0, Int(m.titleOffsets.last ?? 0) == m.titleBytes.count
        else {
            throw bad("movies table columns have inconsistent lengths")
        }
        guard zip(r.movieIDs, r.movieIDs.dropFirst()).allSatisfy({ $0 < $1 }),
            zip(r.userIDs, r.userIDs.dropFirst()).allSatisfy({ $0 < $1 })
        else {
            throw bad("user or movie ids are not strictly ascending")
        }
        guard r.userOffsets.count == r.userCount + 1, r.userOffsets.first == 0,
            Int(r.userOffsets.last ?? 0) == r.userMovies.count,
            zip(r.userOffsets, r.userOffsets.dropFirst()).allSatisfy({ $0 <= $1 }),
            r.userMovies.allSatisfy({ $0 >= 0 && Int($0) < r.movieCount })
        else {
            throw bad("user-major ratings (offsets or movie rows) are inconsistent")
        }
        let windows = ReleaseFormat.windowCount
        guard silver.popularity.scores.count == windows * r.movieCount else {
            throw bad("popularity holds \(silver.popularity.scores.count) scores, expected \(windows) windows × \(r.movieCount) movies")
        }
        guard silver.popularity.scores.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw bad("popularity has a negative or non-finite score")
        }
        guard m.genres.allSatisfy({ $0 >> UInt32(Genres.all.count) == 0 }) else {
            throw bad("a movie has a genre bit outside the \(Genres.all.count) contract genres")
        }
    }
}
