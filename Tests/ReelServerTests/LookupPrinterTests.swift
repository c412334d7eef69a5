import ReelCore
@testable import ReelServing
@testable import ReelServer
import Testing

@Suite("Lookup CLI output")
struct LookupPrinterTests {
    @Test("--json prints exactly the daemon's body for the same request")
    func jsonMatchesDaemon() throws {
        let store = FakeStore()
        var (responder, _) = makeResponder(store)
        let pairs: [(LookupRequest, String)] = [
            (.recommendations(userID: 2, k: 4, mode: .als, weights: WeightOverrides()), "/v1/users/2/recommendations?k=4"),
            (
                .recommendations(userID: 2, k: 3, mode: .hybrid, weights: WeightOverrides(model: 1, trending: 0.5, diversity: 0)),
                "/v1/users/2/recommendations?k=3&mode=hybrid&w_model=1&w_trending=0.5&w_diversity=0"
            ),
            (.recommendations(userID: 77, k: nil, mode: .als, weights: WeightOverrides()), "/v1/users/77/recommendations"),
            (.trending(window: .month, genre: Genres.index(of: "Romance"), k: 3), "/v1/trending?window=30d&genre=Romance&k=3"),
            (.similar(movieID: 21, k: nil), "/v1/movies/21/similar"),
            (.movie(id: 3), "/v1/movies/3"),
        ]
        for (request, target) in pairs {
            let printed = try LookupPrinter.render(request, from: store, json: true).text
            #expect(printed == responder.call(target).1 + "\n", "\(target)")
        }
    }

    @Test("tables show ranks, ids, titles and genres; a fallback comes with a note")
    func tables() throws {
        let store = FakeStore()
        let list = try LookupPrinter.render(
            .recommendations(userID: 1, k: 3, mode: .als, weights: WeightOverrides()),
            from: store, json: false)
        let lines = list.text.split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines[0].hasPrefix("user 1: als · release 20261125T020000Z-test"))
        #expect(lines[1].contains("rank") && lines[1].contains("title") && lines[1].contains("genres"))
        #expect(lines[2].contains("Jumanji") && lines[2].contains("Adventure|Children|Fantasy") && lines[2].contains("5.0000"))
        #expect(list.note == nil)

        let fallback = try LookupPrinter.render(
            .recommendations(userID: 500, k: 2, mode: .als, weights: WeightOverrides()),
            from: store, json: false)
        #expect(fallback.note?.contains("user 500 is not in release") == true)
        #expect(fallback.text.contains("fallback"))

        let movie = try LookupPrinter.render(.movie(id: 34), from: store, json: false).text
        #expect(movie.contains("title       Untitled"))
        #expect(movie.contains("year        -"))
        #expect(movie.contains("popularity  24h "))
    }

    @Test("not found is ReelError.notFound (exit 2); a bad k is .usage (exit 1)")
    func errors() {
        let store = FakeStore()
        #expect(throws: ReelError(.notFound, "movie 4 is not in release 20261125T020000Z-test")) {
            try LookupPrinter.render(.movie(id: 4), from: store, json: false)
        }
        #expect(throws: ReelError(.usage, "k must be between 1 and 5 (the release stores 5 similar movies per movie); got 9")) {
            try LookupPrinter.render(.similar(movieID: 1, k: 9), from: store, json: true)
        }
    }
}
