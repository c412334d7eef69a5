import Foundation
import ReelCore
@testable import ReelServer
import Testing

/// Drives the router, query parsing, lookups and rendering with random
/// request targets (deterministic seed): no 5xx other than 503-before-load,
/// no crash, and every JSON body parses.
@Suite("Fuzzing the router and query parsing")
struct FuzzTests {
    /// Pieces that make random targets land on real routes often enough to reach deep code.
    static let fragments = [
        "/v1/users/", "/v1/movies/", "/v1/trending", "/v1/release", "/recommendations", "/similar", "/healthz",
        "/readyz", "/metrics", "/openapi.json", "?", "&", "=", "k", "mode", "hybrid", "als", "window", "genre",
        "w_model", "w_trending", "w_diversity", "24h", "7d", "30d", "Comedy", "sci-fi", "%", "%2", "%41", "+",
        "-", "0", "1", "3", "5", "42", "999", "2147483647", "2147483648", "99999999999999999999", ".", "..",
        "/", "//", "\u{00}", "\u{7f}", "é", "\"", "\\", "\u{FFFD}", " ", "\t",
    ]

    @Test("20,000 random targets: no 500, well-formed JSON, deterministic")
    func randomTargets() throws {
        var rng = SplitMix64(seed: 0x5EED_F022)
        var (responder, _) = makeResponder(FakeStore(storedK: 5))
        var seen = Set<ResponseStatus>()
        for _ in 0..<20_000 {
            var target = ""
            for _ in 0..<Int(rng.next() % 7) {
                if rng.next() % 4 == 0 {
                    target += String(
                        decoding: (0..<Int(rng.next() % 5)).map { _ in UInt8(truncatingIfNeeded: rng.next()) },
                        as: UTF8.self)
                } else {
                    target += Self.fragments[Int(rng.next() % UInt64(Self.fragments.count))]
                }
            }
            let method: RequestMethod = rng.next() % 10 == 0 ? .other : (rng.next() % 5 == 0 ? .head : .get)
            let (summary, text) = responder.call(target, method: method)
            seen.insert(summary.status)
            #expect(summary.status.rawValue < 500, "\(target.debugDescription) -> \(summary.status)")
            if summary.contentType == .json {
                let body = try? jsonObject(text)
                #expect(body != nil, "\(target.debugDescription) produced \(text)")
                if summary.status != .ok {
                    #expect(body?["error"] is String && body?["detail"] is String)
                }
            }
        }
        // The generator reaches every kind of answer, so the loop above tested them all.
        #expect(seen.isSuperset(of: [.ok, .badRequest, .notFound, .methodNotAllowed]))
    }
}
