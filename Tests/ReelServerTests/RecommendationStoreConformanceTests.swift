import Foundation
import ReelCore
import ReelServing
import ReelTestSupport
import Testing

/// One store under test: how to make it and the user ids it knows (the
/// protocol can map an id to a row, not list the ids).
struct StoreSubject: Sendable, CustomTestStringConvertible {
    let name: String
    let knownUserIDs: [Int32]
    let unknownUserIDs: [Int32]
    let make: @Sendable () throws -> any RecommendationStore

    var testDescription: String { name }

    /// Every `RecommendationStore` in the package: the release (mmap'd file,
    /// with and without its optional sections) and the tests' in-memory stores.
    static let all: [StoreSubject] = [
        StoreSubject(name: "Release", knownUserIDs: FakeStore.userIDs, unknownUserIDs: [0, 4, -1, .min, .max]) {
            try FakeRelease.open(optionalSections: false)
        },
        StoreSubject(
            name: "Release with blend, served list and recent ratings", knownUserIDs: FakeStore.userIDs,
            unknownUserIDs: [0, 4, -1, .min, .max]
        ) {
            try FakeRelease.open(optionalSections: true)
        },
        StoreSubject(name: "FakeStore", knownUserIDs: FakeStore.userIDs, unknownUserIDs: [0, 4, -1, .min, .max]) {
            FakeStore()
        },
        StoreSubject(name: "BlendedFakeStore", knownUserIDs: FakeStore.userIDs, unknownUserIDs: [0, 4, -1, .min, .max]) {
            BlendedFakeStore(blend: ServingBlend(weights: HybridWeights(model: 0.8, trending: 0.2, diversity: 0.05), window: .day))
        },
        StoreSubject(name: "EmptyStore", knownUserIDs: [1, 2, 162_541], unknownUserIDs: [0, 162_542, -1, .min, .max]) {
            EmptyStore(releaseID: "20261125T023100Z-3fa2", createdAt: 1_764_036_000)
        },
    ]
}

/// The contract of `RecommendationStore` (its doc comments), checked against
/// every conformer, so a fake the daemon's tests rely on cannot drift from
/// what a real release answers.
@Suite struct RecommendationStoreConformanceTests {
    @Test(arguments: StoreSubject.all)
    func identityAndMetadata(subject: StoreSubject) throws {
        let store = try subject.make()
        #expect(!store.releaseID.isEmpty)
        #expect(store.createdAt > 0)
        #expect(store.storedK >= 1 && store.similarK >= 0 && store.trendingK >= 0)
        #expect(store.userCount >= 0 && store.movieCount >= 0)
        let meta = Data(store.metadataJSON)
        #expect(try JSONSerialization.jsonObject(with: meta) is [String: Any], "metadataJSON is one JSON object")
    }

    /// Movie ids and rows map both ways; ids the store does not hold map to nil.
    @Test(arguments: StoreSubject.all)
    func movieRowsAndIDsRoundTrip(subject: StoreSubject) throws {
        let store = try subject.make()
        var ids = Set<Int32>()
        for row in 0..<store.movieCount {
            let movie = store.movie(row: row)
            #expect(movie.row == row)
            #expect(store.movieRow(forID: movie.id) == row, "movie id \(movie.id)")
            #expect(String(validating: movie.title, as: UTF8.self) != nil, "title of row \(row) is UTF-8")
            #expect(movie.ratingCount >= 0 && movie.ratingMean.isFinite)
            ids.insert(movie.id)
        }
        #expect(ids.count == store.movieCount, "one id per movie")
        for id: Int32 in [0, -1, .min, .max, (ids.max() ?? 0) + 1] where !ids.contains(id) {
            #expect(store.movieRow(forID: id) == nil, "unknown movie id \(id)")
        }
    }

    /// Known user ids have distinct rows below `userCount`; unknown ids are nil
    /// (the daemon then answers with the fallback list).
    @Test(arguments: StoreSubject.all)
    func userIDsMapToRowsAndUnknownUsersToNil(subject: StoreSubject) throws {
        let store = try subject.make()
        let rows = subject.knownUserIDs.map { store.userRow(forID: $0) }
        #expect(rows.allSatisfy { $0.map { (0..<store.userCount).contains($0) } == true }, "\(rows)")
        #expect(Set(rows.compactMap { $0 }).count == rows.count, "distinct users, distinct rows")
        for id in subject.unknownUserIDs {
            #expect(store.userRow(forID: id) == nil, "unknown user id \(id)")
        }
    }

    /// Per user: at most `storedK` recommendations, best first, no movie twice,
    /// none the user rated (when the store keeps recent ratings); the blended and
    /// served lists exist exactly when the store names a blend or a served list.
    @Test(arguments: StoreSubject.all)
    func userListsKeepTheirBoundsOrderAndExclusions(subject: StoreSubject) throws {
        let store = try subject.make()
        if let name = store.servedName { #expect(ReleaseFormat.isValidServedName(Array(name.utf8)), "\(name)") }
        let recent = store.web?.recent
        for user in 0..<store.userCount {
            let rated = recent.map { r in Set(r.range(userRow: user).map { r.movies[$0] }) } ?? []
            let top = store.recommendations(userRow: user)
            try checkList(top, store, limit: store.storedK, "recommendations of user row \(user)")
            #expect(rated.isDisjoint(with: top.movies), "user row \(user) is recommended a movie they rated")
            let blended = store.blendedRecommendations(userRow: user)
            #expect((blended == nil) == (store.blend == nil), "a blended list exactly when there is a blend")
            if let blended {
                try checkList(blended, store, limit: store.storedK, "blended list of user row \(user)")
                #expect(Set(blended.movies).isSubset(of: top.movies), "the blend re-ranks the stored top-K")
            }
            let served = store.servedRecommendations(userRow: user)
            #expect((served == nil) == (store.servedName == nil), "a served list exactly when one is named")
            if let served {
                try checkList(served, store, limit: store.storedK, "served list of user row \(user)")
                #expect(rated.isDisjoint(with: served.movies), "user row \(user) is served a movie they rated")
            }
        }
    }

    /// Similar lists hold at most `similarK` other movies; trending lists at most
    /// `trendingK`, a genre's list only movies of that genre; popularity is in [0, 1].
    @Test(arguments: StoreSubject.all)
    func movieListsKeepTheirBoundsAndOrder(subject: StoreSubject) throws {
        let store = try subject.make()
        for row in 0..<store.movieCount {
            let similar = store.similar(movieRow: row)
            try checkList(similar, store, limit: store.similarK, "similar to movie row \(row)")
            #expect(!similar.movies.contains(Int32(row)), "movie row \(row) is similar to itself")
            for window in TrendingWindow.allCases {
                let p = store.popularity(movieRow: row, window: window)
                #expect(p >= 0 && p <= 1, "popularity of row \(row) in \(window): \(p)")
            }
        }
        for window in TrendingWindow.allCases {
            try checkList(store.trending(window: window, genre: nil), store, limit: store.trendingK, "trending \(window)")
            for genre in Genres.all.indices {
                let list = store.trending(window: window, genre: genre)
                try checkList(list, store, limit: store.trendingK, "trending \(window) \(Genres.all[genre])")
                #expect(
                    list.movies.allSatisfy { store.movie(row: Int($0)).genres & (1 << UInt32(genre)) != 0 },
                    "trending \(window) \(Genres.all[genre]) holds a movie of another genre")
            }
        }
    }

    /// A `RankedList`: as many scores as movies, at most `limit`, every movie
    /// row in range and listed once, scores finite and best first.
    func checkList(_ list: RankedList, _ store: any RecommendationStore, limit: Int, _ what: String) throws {
        try #require(list.movies.count == list.scores.count, "\(what): \(list.movies.count) movies, \(list.scores.count) scores")
        #expect(list.count <= limit, "\(what): \(list.count) entries, more than \(limit)")
        #expect(list.movies.allSatisfy { $0 >= 0 && Int($0) < store.movieCount }, "\(what): a movie row out of range")
        #expect(Set(list.movies).count == list.count, "\(what): a movie listed twice")
        #expect(list.scores.allSatisfy { $0.isFinite }, "\(what): a score that is not finite")
        let bestFirst = zip(list.scores, list.scores.dropFirst()).allSatisfy { $0 >= $1 }
        #expect(bestFirst, "\(what): not best first")
    }
}

/// A release file holding `FakeStore`'s movies, users and lists, written with
/// `ReleaseContents` (no builder: the daemon's tests do not link the batch side)
/// and opened, fully verified, as the daemon opens one.
enum FakeRelease {
    static func open(optionalSections: Bool) throws -> Release {
        let path = makeTempDir("reel-conformance") + "/release.reel"
        _ = try contents(optionalSections: optionalSections).write(to: path)
        return try Release(path: path)
    }

    static func contents(optionalSections: Bool) -> ReleaseContents {
        let fake = FakeStore()
        let movies = fake.movieCount, users = fake.userCount, rank = 2
        var titleOffsets: [UInt32] = [0], titles: [UInt8] = []
        for title in FakeStore.titles { titles += Array(title.utf8); titleOffsets.append(UInt32(titles.count)) }
        let views = (0..<movies).map(fake.movie(row:))
        func flatten(_ lists: [RankedList], k: Int) -> ([Int32], [Float]) {
            var m: [Int32] = [], s: [Float] = []
            for list in lists {
                m += Array(list.movies) + Array(repeating: -1, count: k - list.count)
                s += Array(list.scores) + Array(repeating: 0, count: k - list.count)
            }
            return (m, s)
        }
        let top = flatten((0..<users).map(fake.recommendations(userRow:)), k: fake.storedK)
        let similar = flatten((0..<movies).map(fake.similar(movieRow:)), k: fake.similarK)
        let trendLists = TrendingWindow.allCases.flatMap { w in
            [fake.trending(window: w, genre: nil)] + Genres.all.indices.map { fake.trending(window: w, genre: $0) }
        }
        let trend = flatten(trendLists, k: fake.trendingK)
        var contents = ReleaseContents(
            releaseID: "20261125T020000Z-conf", createdAt: fake.createdAt,
            k: fake.storedK, similarK: fake.similarK, trendingK: fake.trendingK, rank: rank,
            silverFingerprint: 1, modelFingerprint: 2,
            movieIDs: FakeStore.movieIDs, titleOffsets: titleOffsets, titles: titles, years: FakeStore.years,
            genres: FakeStore.genreMasks, ratingCounts: views.map(\.ratingCount), ratingMeans: views.map(\.ratingMean),
            userIDs: FakeStore.userIDs, userTopMovies: top.0, userTopScores: top.1,
            similarMovies: similar.0, similarScores: similar.1, trendMovies: trend.0, trendScores: trend.1,
            popularity: TrendingWindow.allCases.flatMap { w in (0..<movies).map { fake.popularity(movieRow: $0, window: w) } },
            movieFactors: (0..<movies * rank).map { Float($0 % 5) - 2 }, factorMask: Array(repeating: 1, count: movies),
            metaJSON: String(decoding: fake.metadataJSON, as: UTF8.self))
        guard optionalSections else { return contents }
        // The blend: each user's stored list reversed (a re-rank of the same movies), best first.
        contents.blend = [0.8, 0.2, 0.05, Float(TrendingWindow.day.rawValue)]
        let k = fake.storedK
        for u in 0..<users {
            contents.userBlendMovies += top.0[u * k..<(u + 1) * k].reversed()
            contents.userBlendScores += (0..<k).map { 1 - Float($0) * 0.1 }
        }
        contents.served = Array("item-knn".utf8)
        (contents.userServedMovies, contents.userServedScores) = top
        // Recent ratings: user row u rated rows u and u + 7 (mod 8), which FakeStore never recommends it.
        var web = ReleaseWebContents()
        web.recentN = 2
        for u in 0..<users {
            web.recentMovies += [Int32(u), Int32((u + 7) % movies)]
            web.recentRatings += [8, 5]
            web.recentTimes += [1_764_000_000, 1_763_900_000]
        }
        contents.web = web
        return contents
    }
}
