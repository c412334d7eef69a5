import Foundation
import Testing

/// Fold-in on the real daemon and CLI: `POST /v1/recommendations` and
/// `POST /v1/users/{id}/recommendations`, every refused input (4xx with a JSON
/// error, never 5xx), GETs and POSTs together under load, `reel topk
/// --ratings`, and a release published without the sections (404).
@Suite(.serialized) struct FoldInEndToEndTests {
    struct Reply { var status: Int; var body: [String: Any]; var raw: String }

    /// POST through curl; `body` from a file so any size and byte can be sent.
    static func post(_ url: String, _ body: String, contentType: String? = "application/json") throws -> Reply {
        let file = NSTemporaryDirectory() + "foldin-\(UUID().uuidString).json"
        try body.write(toFile: file, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        var args = ["--max-time", "20", "-s", "-o", "-", "-w", "\n%{http_code}", "-X", "POST", "--data-binary", "@" + file]
        args += ["-H", contentType.map { "Content-Type: \($0)" } ?? "Content-Type:"]
        args.append(url)
        let text = try HTTP.curl(args)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let raw = lines.dropLast().joined(separator: "\n")
        let object = (try? JSONSerialization.jsonObject(with: Data(raw.utf8))) as? [String: Any] ?? [:]
        return Reply(status: Int(lines.last ?? "") ?? 0, body: object, raw: raw)
    }

    static func ids(_ o: [String: Any]) -> [Int] { (o["items"] as? [[String: Any]] ?? []).compactMap { $0["movieId"] as? Int } }

    static func ratingsJSON(_ pairs: [(Int, Double)], k: Int? = nil, mode: String? = nil) -> String {
        var s = "{\"ratings\":[" + pairs.map { "{\"movieId\":\($0.0),\"rating\":\($0.1)}" }.joined(separator: ",") + "]"
        if let k { s += ",\"k\":\(k)" }
        if let mode { s += ",\"mode\":\"\(mode)\"" }
        return s + "}"
    }

    @Test func daemonAndCLIFoldInAndRefuseBadInput() throws {
        let home = try makeHome("foldin")
        for stage in [["synth", "--preset", "tiny", "--seed", "5"], ["etl"], ["train"], ["publish"]] {
            try ReelBinary.ok(stage + ["--quiet"], root: home, env: fastModel)
        }
        let inspect = try ReelBinary.ok(["inspect"], root: home)
        #expect(inspect.stdout.contains("foldInGram") && inspect.stdout.contains("foldInParams"), "\(inspect.stdout)")
        #expect(inspect.stdout.contains("fold-in"), "inspect summarises the fold-in: \(inspect.stdout)")

        let daemon = try Daemon(root: home)
        defer { _ = daemon.stop() }
        let url = "\(daemon.base)/v1/recommendations"
        // Movies a user of the release has rated: take a trained user's own stored list's neighbours.
        var popular: [Int] = []
        for user in 1...10 {
            let (_, list) = try HTTP.json("\(daemon.base)/v1/users/\(user)/recommendations?k=10&mode=als")
            for id in Self.ids(list) where !popular.contains(id) { popular.append(id) }
        }
        try #require(popular.count >= 10)
        let rated = Array(popular.prefix(6))

        // Happy path: the shape of the GET answer, source fold-in, rated movies left out.
        let ok = try Self.post(url, Self.ratingsJSON(rated.map { ($0, 4.5) }, k: 7))
        #expect(ok.status == 200, "\(ok.raw)")
        #expect(ok.body["source"] as? String == "fold-in")
        #expect(ok.body["count"] as? Int == 7 && Self.ids(ok.body).count == 7)
        #expect(Set(Self.ids(ok.body)).isDisjoint(with: rated), "rated movies are excluded")
        #expect(ok.body["ignored"] as? [Int] == [])
        #expect(ok.body["release"] is String && ok.body.keys.contains("userId"))
        // Bare ids mean watched/liked; unknown ids are ignored and listed.
        let bare = try Self.post(url, "{\"ratings\":[\(rated.map(String.init).joined(separator: ",")),999999999]}")
        #expect(bare.status == 200, "\(bare.raw)")
        #expect(bare.body["ignored"] as? [Int] == [999_999_999])
        #expect(Self.ids(bare.body).count == 10, "default k is 10")

        // Every refused input: 4xx with a JSON error, never 5xx.
        let refused: [(String, String?, Int, String)] = [
            ("{\"ratings\":[{\"movieId\":1,\"rating\":4.5}", "application/json", 400, "malformed_json"),
            ("{\"ratings\":[999999998,999999999]}", "application/json", 400, "invalid_parameter"),
            ("{\"ratings\":[]}", "application/json", 400, "invalid_parameter"),
            (Self.ratingsJSON([(rated[0], 7)]), "application/json", 400, "invalid_parameter"),
            (Self.ratingsJSON([(rated[0], 0.2)]), "application/json", 400, "invalid_parameter"),
            ("{\"ratings\":[" + (1...1001).map(String.init).joined(separator: ",") + "]}", "application/json", 400, "invalid_parameter"),
            ("{\"ratings\":[1],\"colour\":\"red\"}", "application/json", 400, "invalid_parameter"),
            (Self.ratingsJSON([(rated[0], 4)], k: 100000), "application/json", 400, "invalid_parameter"),
            ("{\"ratings\":[" + String(repeating: "1,", count: 40000) + "1]}", "application/json", 413, "body_too_large"),
            (Self.ratingsJSON([(rated[0], 4)]), "text/plain", 415, "unsupported_media_type"),
            (Self.ratingsJSON([(rated[0], 4)]), nil, 415, "unsupported_media_type"),
        ]
        for (body, type, status, code) in refused {
            let r = try Self.post(url, body, contentType: type)
            #expect(r.status == status, "\(body.prefix(60)) as \(type ?? "-"): \(r.status) \(r.raw)")
            #expect(r.body["error"] as? String == code && r.body["detail"] is String, "\(body.prefix(60)): \(r.raw)")
        }
        let get = try HTTP.get(url)
        #expect(get.status == 405, "GET on the POST route")

        // A known user: extra ratings on top of the stored row; none added = the stored list.
        let (_, stored) = try HTTP.json("\(daemon.base)/v1/users/1/recommendations?k=10&mode=als")
        try #require(stored["source"] as? String == "implicit-als", "user 1 has a stored list, named by its model")
        let same = try Self.post("\(daemon.base)/v1/users/1/recommendations", "{\"ratings\":[],\"mode\":\"als\",\"k\":10}")
        #expect(same.status == 200, "\(same.raw)")
        #expect(Self.ids(same.body) == Self.ids(stored), "no new ratings: the stored order")
        let storedTop = Self.ids(stored)
        let more = try Self.post("\(daemon.base)/v1/users/1/recommendations", Self.ratingsJSON([(storedTop[0], 5), (storedTop[1], 5)], mode: "als"))
        #expect(more.status == 200 && more.body["userId"] as? Int == 1 && more.body["source"] as? String == "fold-in", "\(more.raw)")
        #expect(Set(Self.ids(more.body)).isDisjoint(with: storedTop.prefix(2)))

        // GETs and POSTs together, four keep-alive connections at once: all 200.
        let fold = Self.ratingsJSON(rated.map { ($0, 4) }, k: 5)
        let bodyFile = NSTemporaryDirectory() + "foldin-load.json"
        try fold.write(toFile: bodyFile, atomically: false, encoding: .utf8)
        let statuses = Collected()
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            var args = ["--max-time", "60", "-s"]
            for i in 0..<60 {
                if i > 0 { args.append("--next") }
                if i % 2 == 0 {
                    args += [
                        "-o", "/dev/null", "-w", "%{http_code}\n", "-X", "POST", "-H", "Content-Type: application/json",
                        "--data-binary", "@" + bodyFile, url,
                    ]
                } else {
                    args += ["-o", "/dev/null", "-w", "%{http_code}\n", "\(daemon.base)/v1/users/\(1 + (i + worker) % 30)/recommendations"]
                }
            }
            let out = (try? HTTP.curl(args)) ?? ""
            statuses.append(out)
        }
        let codes = statuses.all.split(separator: "\n")
        #expect(codes.count == 240 && codes.allSatisfy { $0 == "200" }, "\(codes.filter { $0 != "200" }.prefix(5)) of \(codes.count)")
        let metrics = try HTTP.get("\(daemon.base)/metrics")
        #expect(metrics.body.contains("reel_foldin_duration_seconds_bucket"))
        #expect(metrics.body.contains("route=\"fold_in\",status=\"200\""))
        #expect(metrics.body.contains("route=\"fold_in\",status=\"415\""))

        // The CLI answers the same fold-in with the same list.
        let cli = try ReelBinary.ok(["topk", "--ratings", rated.map { "\($0):4.5" }.joined(separator: ","), "--k", "7", "--json"], root: home)
        let cliBody = try #require(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [String: Any])
        #expect(Self.ids(cliBody) == Self.ids(ok.body))
        let csv = home + "/ratings.csv"
        try ("movieId,rating\n" + rated.map { "\($0),4.5" }.joined(separator: "\n") + "\n").write(toFile: csv, atomically: false, encoding: .utf8)
        let fromCSV = try ReelBinary.ok(["topk", "--ratings-file", csv, "--k", "7", "--json"], root: home)
        #expect(fromCSV.stdout == cli.stdout)
        let json = home + "/ratings.json"
        try Self.ratingsJSON(rated.map { ($0, 4.5) }, k: 7).write(toFile: json, atomically: false, encoding: .utf8)
        let fromJSON = try ReelBinary.ok(["topk", "--ratings-file", json, "--json"], root: home)
        #expect(fromJSON.stdout == cli.stdout)
        let table = try ReelBinary.ok(["topk", "--ratings", "\(rated[0]):5,999999999"], root: home)
        #expect(table.stdout.contains("fold-in") && table.stderr.contains("999999999"), "\(table.stdout + table.stderr)")
        let badRating = try ReelBinary.run(["topk", "--ratings", "\(rated[0]):9"], root: home)
        #expect(badRating.status == 64 && badRating.stderr.contains("outside 0.5–5.0"), "\(badRating.stderr)")
        try "movieId,rating\n\(rated[0]),x\n".write(toFile: csv, atomically: false, encoding: .utf8)
        let badFile = try ReelBinary.run(["topk", "--ratings-file", csv], root: home)
        #expect(badFile.status == 1 && badFile.stderr.contains("line 2"), "\(badFile.stderr)")
        let nothingKnown = try ReelBinary.run(["topk", "--ratings", "999999999"], root: home)
        #expect(nothingKnown.status == 64 && nothingKnown.stderr.contains("none of"), "\(nothingKnown.stderr)")

        // A release without the sections: still served, POST answers 404 with the reason.
        try ReelBinary.ok(["publish", "--no-fold-in", "--quiet"], root: home, env: fastModel)
        let deadline = Date().addingTimeInterval(15)
        var last = Reply(status: 0, body: [:], raw: "")
        while Date() < deadline {
            last = try Self.post(url, fold)
            if last.status == 404 { break }
            usleep(100_000)
        }
        #expect(last.status == 404 && last.body["error"] as? String == "fold_in_unavailable", "\(last.raw)")
        #expect((last.body["detail"] as? String ?? "").contains("no fold-in sections"))
        #expect(try HTTP.get("\(daemon.base)/v1/users/1/recommendations").status == 200)
        let cliOld = try ReelBinary.run(["topk", "--ratings", "\(rated[0]):5"], root: home)
        #expect(cliOld.status == 2, "not found: \(cliOld.stderr)")
    }
}

/// Output of concurrent workers, appended under a lock.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    func append(_ s: String) { lock.lock(); text += s; lock.unlock() }
    var all: String { lock.lock(); defer { lock.unlock() }; return text }
}
