import Foundation
import Testing

/// The web face's command-line side on the real binary: a format 1.1 release carries the title
/// index, recent ratings and the report; `reel movie --search` and `reel report` use them.
@Suite(.serialized) struct WebEndToEndTests {
    @Test func searchRatingsAndReportFromAPublishedRelease() throws {
        let home = try makeHome("web")
        for stage in [["synth", "--preset", "tiny", "--seed", "7"], ["etl"], ["train"], ["evaluate"], ["publish"]] {
            try ReelBinary.ok(stage + ["--quiet"], root: home, env: fastModel)
        }
        let inspect = try ReelBinary.ok(["inspect", "output/current"], root: home).stdout
        for section in ["titleNorm", "titlePostings", "titleSorted", "recentMovies", "reportHTML"] {
            #expect(inspect.contains(section), "\(section)")
        }
        // A title of the release, searched in upper case with its accents stripped: found, first.
        let movie = try #require(
            try JSONSerialization.jsonObject(
                with: Data(
                    try ReelBinary.ok(["movie", "1", "--json"], root: home).stdout.utf8)) as? [String: Any])
        let title = try #require(movie["title"] as? String)
        let query = title.folding(options: [.diacriticInsensitive], locale: nil).uppercased()
        let found = try ReelBinary.ok(["movie", "--search", query, "--k", "3", "--json"], root: home).stdout
        let body = try #require(try JSONSerialization.jsonObject(with: Data(found.utf8)) as? [String: Any])
        let titles = (body["items"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }
        #expect(titles.contains(title), "\(query) → \(titles)")
        #expect(try ReelBinary.run(["movie", "--search", "qqqqqq"], root: home).status == 2)
        #expect(try ReelBinary.run(["movie", "1", "--search", "x"], root: home).status == 64)

        let out = home + "/r.html"
        try ReelBinary.ok(["report", "--out", out, "--quiet"], root: home)
        let page = try String(contentsOfFile: out, encoding: .utf8)
        #expect(page.contains("<h1>Reel evaluation report</h1>") && page.contains("<svg") && !page.contains("<script"))
    }
}
