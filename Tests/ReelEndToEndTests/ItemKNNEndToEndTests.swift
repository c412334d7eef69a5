import Foundation
import Testing

/// The item-based candidate from bronze to the daemon, as a new user meets
/// it: `reel bronze bootstrap --source DIR` with MovieLens-shaped files whose
/// planted structure is local (many small groups of movies rated together),
/// then `reel nightly` with its defaults: the evaluation chooses `item-knn`
/// on validation and the daemon and the CLI serve its lists by default.
@Suite(.serialized) struct ItemKNNEndToEndTests {
    static let clusters = 80, size = 6

    /// ratings.csv, movies.csv, links.csv, tags.csv in a fresh folder: 1,000
    /// users who each like 4 of 80 groups of 6 movies (5 stars for most of
    /// each group) and rate a few popular movies they do not like (2 stars).
    static func writeBronze() throws -> String {
        let dir = NSTemporaryDirectory() + "reel-knn-bronze-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var state: UInt64 = 0x5EED
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
        let movies = clusters * size
        var ratings = "userId,movieId,rating,timestamp\n"
        for u in 1...1000 {
            var rows: [(Int, String)] = []
            var seen = Set<Int>(), liked = Set<Int>()
            while liked.count < 4 { liked.insert(Int(next() % UInt64(clusters))) }
            func time() -> Int { 1_500_000_000 + Int(uniform() * 365 * 86_400) }
            for c in liked.sorted() {
                for i in 0..<size where uniform() < 0.85 {
                    seen.insert(c * size + i + 1)
                    rows.append((c * size + i + 1, "5.0,\(time())"))
                }
            }
            while seen.count < 26 {
                let m = 1 + Int(Double(movies) * uniform() * uniform())
                guard seen.insert(m).inserted else { continue }
                rows.append((m, "2.0,\(time())"))
            }
            for (m, rest) in rows.sorted(by: { $0.0 < $1.0 }) { ratings += "\(u),\(m),\(rest)\n" }
        }
        var titles = "movieId,title,genres\n", links = "movieId,imdbId,tmdbId\n"
        for m in 1...movies {
            titles += "\(m),Group \((m - 1) / size) Film \(m) (2001),Drama\n"
            links += "\(m),\(String(format: "%07d", 100_000 + m)),\(200_000 + m)\n"
        }
        for (name, text) in [("ratings.csv", ratings), ("movies.csv", titles), ("links.csv", links), ("tags.csv", "userId,movieId,tag,timestamp\n")] {
            try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        }
        return dir
    }

    @Test func nightlyChoosesAndServesItemKNN() throws {
        let home = try makeHome("knn")
        let bronze = try Self.writeBronze()
        defer { try? FileManager.default.removeItem(atPath: bronze) }
        try ReelBinary.ok(["bronze", "bootstrap", "--source", bronze, "--quiet"], root: home)
        try ReelBinary.ok(["nightly", "--quiet"], root: home, env: fastModel)
        let show = try ReelBinary.ok(["runs", "show"], root: home)
        #expect(show.stdout.contains("item-knn"), "\(show.stdout)")

        let daemon = try Daemon(root: home)
        defer { _ = daemon.stop() }
        let (_, release) = try HTTP.json("\(daemon.base)/v1/release")
        let serving = try #require((release["metadata"] as? [String: Any])?["serving"] as? [String: Any], "\(release)")
        #expect(serving["defaultMode"] as? String == "item-knn" && serving["baseline"] as? Bool == false)
        // Users are served the rest of the groups they like.
        let ratings = try String(contentsOfFile: bronze + "/ratings.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        var liked: [Int: Set<Int>] = [:]
        for line in ratings {
            let f = line.split(separator: ",")
            if f[2] == "5.0" { liked[Int(f[0])!, default: []].insert((Int(f[1])! - 1) / Self.size) }
        }
        var inGroups = 0, total = 0
        for user in 1...20 {
            let (s, body) = try HTTP.json("\(daemon.base)/v1/users/\(user)/recommendations?k=3")
            #expect(s == 200)
            #expect(body["source"] as? String == "item-knn", "\(body)")
            for item in body["items"] as? [[String: Any]] ?? [] {
                let m = try #require(item["movieId"] as? Int)
                total += 1
                if liked[user]!.contains((m - 1) / Self.size) { inGroups += 1 }
            }
            if user <= 3 {
                let cli = try ReelBinary.ok(["topk", "--user", "\(user)", "--k", "3", "--json"], root: home)
                let cliBody = try #require(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [String: Any])
                #expect(cliBody["source"] as? String == "item-knn")
            }
        }
        #expect(total == 60 && inGroups * 10 >= total * 8, "\(inGroups) of \(total) recommendations in the user's liked groups")
    }
}
