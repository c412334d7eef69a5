import Foundation
import ReelCore
import NIOCore
@testable import ReelServer
import Testing
@testable import ReelServing

@Suite("Lookups answered from a store")
struct LookupResponderTests {
    @Test("UC1: the stored list, best first, with titles, years and genres")
    func recommendations() throws {
        var (responder, _) = makeResponder()
        let (summary, text) = responder.call("/v1/users/1/recommendations?k=3")
        #expect(summary.status == .ok && summary.route == .recommendations)
        let body = try jsonObject(text)
        #expect(body["userId"] as? Int == 1)
        #expect(body["source"] as? String == "als")
        #expect(body["release"] as? String == "20261125T020000Z-test")
        #expect(body["count"] as? Int == 3)
        let items = try #require(body["items"] as? [[String: Any]])
        #expect(items.map { $0["rank"] as? Int } == [1, 2, 3])
        // User row 0's list starts at movie row 1 (Jumanji, id 2).
        #expect(items[0]["movieId"] as? Int == 2)
        #expect(items[0]["title"] as? String == "Jumanji")
        #expect(items[0]["year"] as? Int == 1995)
        #expect(items[0]["genres"] as? [String] == ["Adventure", "Children", "Fantasy"])
        #expect(items[1]["title"] as? String == "Grumpier \"Old\" Men")
        let scores = items.compactMap { $0["score"] as? Double }
        #expect(scores == [5, 4.75, 4.5])
    }

    @Test("the default k is 10 capped at the stored K")
    func defaultK() throws {
        var (responder, _) = makeResponder(FakeStore(storedK: 5))
        let body = try jsonObject(responder.call("/v1/users/2/recommendations").1)
        #expect(body["count"] as? Int == 5)
    }

    @Test("UC3: mode=hybrid re-ranks the stored list with HybridRanker and echoes the weights")
    func hybrid() throws {
        let store = FakeStore()
        var (responder, _) = makeResponder(store)
        let body = try jsonObject(responder.call("/v1/users/1/recommendations?k=4&mode=hybrid&w_trending=0.9").1)
        #expect(body["source"] as? String == "hybrid")
        let weights = try #require(body["weights"] as? [String: Double])
        #expect(weights == ["model": 0.6, "trending": 0.9, "diversity": 0.1])
        var expected: [(movie: Int32, score: Float)] = []
        let list = store.recommendations(userRow: 0)
        HybridRanker.rerank(
            candidates: list.movies, scores: list.scores, k: 4,
            weights: HybridWeights(model: 0.6, trending: 0.9, diversity: 0.1),
            popularity: { store.popularity(movieRow: Int($0), window: .week) },
            genres: { store.movie(row: Int($0)).genres }, output: &expected)
        let items = try #require(body["items"] as? [[String: Any]])
        #expect(items.compactMap { $0["movieId"] as? Int } == expected.map { Int(FakeStore.movieIDs[Int($0.movie)]) })
        // The blend changes the order here, so the test would notice hybrid being ignored.
        #expect(items.compactMap { $0["movieId"] as? Int } != [2, 3, 5, 8])
    }

    @Test("a user not in the release gets the 7d trending list, marked fallback and counted")
    func fallback() throws {
        let store = FakeStore()
        var (responder, metrics) = makeResponder(store)
        let body = try jsonObject(responder.call("/v1/users/999/recommendations?k=4&mode=hybrid").1)
        #expect(body["source"] as? String == "fallback")
        #expect(body["window"] as? String == "7d")
        let trending = store.trending(window: .week, genre: nil)
        let items = try #require(body["items"] as? [[String: Any]])
        #expect(items.compactMap { $0["movieId"] as? Int } == (0..<4).map { Int(FakeStore.movieIDs[Int(trending.movies[$0])]) })
        #expect(metrics.fallbacks == 1)
    }

    @Test("k outside 1...stored is a 400 that names the range")
    func kRange() throws {
        var (responder, _) = makeResponder(FakeStore(storedK: 5, similarK: 4, trendingK: 6))
        for (target, range) in [
            ("/v1/users/1/recommendations?k=6", "between 1 and 5"),
            ("/v1/users/1/recommendations?k=0", "between 1 and 5"),
            ("/v1/users/1/recommendations?k=-3", "between 1 and 5"),
            ("/v1/users/999/recommendations?k=50", "between 1 and 5"),
            ("/v1/movies/1/similar?k=5", "between 1 and 4"),
            ("/v1/trending?k=7", "between 1 and 6"),
            ("/v1/trending?k=123456789012345678901", "between 1 and 6"),
        ] {
            let (summary, text) = responder.call(target)
            #expect(summary.status == .badRequest, "\(target)")
            let body = try jsonObject(text)
            #expect(body["error"] as? String == "invalid_parameter")
            #expect((body["detail"] as? String)?.contains(range) == true, "\(target): \(text)")
        }
    }

    @Test("UC2: trending per window and genre")
    func trending() throws {
        let store = FakeStore()
        var (responder, _) = makeResponder(store)
        let body = try jsonObject(responder.call("/v1/trending?window=24h&genre=Comedy&k=2").1)
        #expect(body["window"] as? String == "24h")
        #expect(body["genre"] as? String == "Comedy")
        let list = store.trending(window: .day, genre: Genres.index(of: "Comedy"))
        let items = try #require(body["items"] as? [[String: Any]])
        #expect(items.compactMap { $0["movieId"] as? Int } == (0..<2).map { Int(FakeStore.movieIDs[Int(list.movies[$0])]) })
        let all = try jsonObject(responder.call("/v1/trending").1)
        #expect(all["genre"] is NSNull)
        #expect(all["window"] as? String == "7d")
        #expect(all["count"] as? Int == 6)
    }

    @Test("movie metadata, and a movie without year or genres")
    func movie() throws {
        var (responder, _) = makeResponder()
        let toyStory = try jsonObject(responder.call("/v1/movies/1").1)
        #expect(toyStory["title"] as? String == "Toy Story")
        #expect(toyStory["year"] as? Int == 1995)
        #expect(toyStory["ratingCount"] as? Int == 10)
        #expect(toyStory["ratingMean"] as? Double == 3.5)
        #expect((toyStory["popularity"] as? [String: Double])?.keys.sorted() == ["24h", "30d", "7d"])
        let untitled = try jsonObject(responder.call("/v1/movies/34").1)
        #expect(untitled["year"] is NSNull)
        #expect(untitled["genres"] as? [String] == [])
    }

    @Test("similar movies; an unknown movie is 404")
    func similar() throws {
        var (responder, _) = makeResponder()
        let body = try jsonObject(responder.call("/v1/movies/1/similar?k=2").1)
        #expect(body["movieId"] as? Int == 1)
        #expect(body["title"] as? String == "Toy Story")
        #expect((body["items"] as? [[String: Any]])?.compactMap { $0["movieId"] as? Int } == [2, 3])
        for target in ["/v1/movies/4/similar", "/v1/movies/4"] {
            let (summary, text) = responder.call(target)
            #expect(summary.status == .notFound)
            let error = try jsonObject(text)
            #expect(error["error"] as? String == "not_found")
            #expect((error["detail"] as? String)?.contains("movie 4 is not in release") == true)
        }
    }

    @Test("/v1/release carries id, times, counts and the stored metadata object")
    func release() throws {
        var (responder, _) = makeResponder()
        let body = try jsonObject(responder.call("/v1/release").1)
        #expect(body["id"] as? String == "20261125T020000Z-test")
        #expect(body["created"] as? String == "2025-11-25T02:00:00Z")
        #expect(body["createdAt"] as? Int == 1_764_036_000)
        let counts = try #require(body["counts"] as? [String: Int])
        #expect(counts == ["users": 3, "movies": 8, "recommendationsPerUser": 5, "similarPerMovie": 5, "trendingPerList": 6])
        let metadata = try #require(body["metadata"] as? [String: Any])
        #expect((metadata["params"] as? [String: Int])?["rank"] == 8)

        var (broken, _) = makeResponder(FakeStore(metadata: "{\"truncat"))
        #expect(try jsonObject(broken.call("/v1/release").1)["metadata"] is NSNull)
    }

    @Test("before a release is loaded: lookups and readyz are 503 with the reason, healthz is 200")
    func notReady() throws {
        var (responder, _) = makeResponder(nil)
        for target in ["/readyz", "/v1/release", "/v1/trending", "/v1/users/1/recommendations", "/v1/movies/1"] {
            let (summary, text) = responder.call(target)
            #expect(summary.status == .serviceUnavailable, "\(target)")
            #expect(try jsonObject(text)["error"] as? String == "not_ready")
        }
        #expect(responder.call("/healthz").0.status == .ok)
        #expect(responder.call("/metrics").0 == ResponseSummary(status: .ok, route: .metrics, contentType: .prometheus))
    }

    @Test("readyz names the served release")
    func ready() throws {
        var (responder, _) = makeResponder()
        #expect(
            try jsonObject(responder.call("/readyz").1) as NSDictionary == ["status": "ready", "release": "20261125T020000Z-test"] as NSDictionary)
    }

    @Test("movie JSON pre-rendered at load (as the daemon serves) gives the same bytes as rendering per request")
    func preRenderedItems() {
        var (perRequest, _) = makeResponder(FakeStore(storedK: 5))
        var (preRendered, _) = makeResponder(FakeStore(storedK: 5), preRender: true)
        for target in [
            "/v1/users/1/recommendations", "/v1/users/2/recommendations?k=3&mode=hybrid",
            "/v1/users/999/recommendations", "/v1/trending?window=30d", "/v1/trending?genre=Comedy&k=2",
            "/v1/movies/1/similar", "/v1/movies/3/similar?k=1",
        ] {
            let (expected, expectedBody) = perRequest.call(target)
            let (summary, body) = preRendered.call(target)
            #expect(summary == expected, "\(target)")
            #expect(body == expectedBody, "\(target)")
            #expect(body.contains("\"items\":[{"), "\(target) lists items")
        }
        // Every movie's rendered fields, escaped titles included, are what writeMovieSummary writes.
        let store = FakeStore()
        let table = MovieSummaryTable(store)
        for row in 0..<store.movieCount {
            var expected = ByteBuffer()
            let movie = store.movie(row: row)
            expected.writeJSON(maxBytes: LookupJSON.summaryMaxBytes(movie)) { LookupJSON.writeMovieSummary(movie, into: &$0) }
            #expect(table.withRows { Array($0[row]) } == Array(expected.readableBytesView), "row \(row)")
        }
        #expect(table.withRows { String(decoding: $0[2], as: UTF8.self) }.contains(#""title":"Grumpier \"Old\" Men""#))
    }
}
