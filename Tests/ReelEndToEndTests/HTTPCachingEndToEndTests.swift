import Foundation
import Testing

/// `ETag`/`Cache-Control`, `If-None-Match` → 304 and CORS on the real daemon, through curl.
@Suite(.serialized) struct HTTPCachingEndToEndTests {
    /// Status, lowercased header names → values, and body of one curl request.
    struct Answer {
        var status = 0
        var headers: [String: String] = [:]
        var body = ""
    }

    static func curl(_ args: [String]) throws -> Answer {
        let text = try HTTP.curl(["-s", "-i"] + args)
        let parts = text.components(separatedBy: "\r\n\r\n")
        var answer = Answer()
        var lines = parts[0].components(separatedBy: "\r\n")
        answer.status = Int(lines.removeFirst().split(separator: " ").dropFirst().first ?? "") ?? 0
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            answer.headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        answer.body = parts.dropFirst().joined(separator: "\r\n\r\n")
        return answer
    }

    @Test func lookupsAreTaggedPerReleaseRevalidatedWith304AndCrossOrigin() throws {
        let home = try makeHome("httpcache")
        for stage in [["synth", "--preset", "tiny", "--seed", "3"], ["etl"], ["train"], ["publish"]] {
            try ReelBinary.ok(stage + ["--quiet"], root: home, env: fastModel)
        }
        let origin = "https://app.example.com"
        let daemon = try Daemon(root: home, extraArgs: ["--cors-origin", origin])
        defer { _ = daemon.stop() }

        let first = try Self.curl(["\(daemon.base)/v1/trending?k=3"])
        #expect(first.status == 200 && first.body.contains("\"items\""), "\(first)")
        let tag = try #require(first.headers["etag"], "\(first.headers)")
        #expect(tag.hasPrefix("\"") && tag.hasSuffix("\"") && tag.count == 18)
        #expect(first.headers["cache-control"] == "public, max-age=60")
        #expect(first.headers["access-control-allow-origin"] == origin)
        // Every lookup of the release carries the same tag.
        let movie = try Self.curl(["\(daemon.base)/v1/users/1/recommendations?k=2"])
        #expect(movie.headers["etag"] == tag)

        let again = try Self.curl(["-H", "If-None-Match: \(tag)", "\(daemon.base)/v1/trending?k=3"])
        #expect(again.status == 304 && again.body.isEmpty, "\(again)")
        #expect(again.headers["etag"] == tag && again.headers["content-length"] == nil)
        let other = try Self.curl(["-H", "If-None-Match: \"0000000000000000\"", "\(daemon.base)/v1/trending?k=3"])
        #expect(other.status == 200)

        let preflight = try Self.curl([
            "-X", "OPTIONS", "-H", "Origin: \(origin)",
            "-H", "Access-Control-Request-Method: POST",
            "\(daemon.base)/v1/recommendations",
        ])
        #expect(preflight.status == 204, "\(preflight)")
        #expect(preflight.headers["access-control-allow-origin"] == origin)
        #expect(preflight.headers["access-control-allow-methods"] == "POST")
        #expect(preflight.headers["access-control-allow-headers"]?.contains("Content-Type") == true)

        for path in ["/healthz", "/readyz", "/metrics", "/v1/release"] {
            #expect(try Self.curl(["\(daemon.base)\(path)"]).headers["cache-control"] == "no-store", "\(path)")
        }
        #expect(daemon.stop() == 0)
    }
}
