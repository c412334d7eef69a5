import Foundation
import Testing
import ReelCore
@testable import ReelServer
@testable import ReelServing

/// A fold-in model for `FakeStore`s whose release id starts with "fold":
/// 8 movies of rank 4 (movie row 7 without factors), λ 1, α 1, user factors
/// for the 3 users. Other ids have none, as a 1.0 release.
extension FakeStore {
    func makeFoldInModel() -> FoldInModel? {
        guard releaseID.hasPrefix("fold") else { return nil }
        let rank = 4
        var g = SplitMix64(seed: 3)
        var factors = (0..<movieCount * rank).map { _ in Float(g.nextGaussian()) }
        for d in 0..<rank { factors[7 * rank + d] = 0 }
        var gram = [Float](repeating: 0, count: rank * rank)
        for m in 0..<movieCount { for i in 0..<rank { for j in 0..<rank { gram[i * rank + j] += factors[m * rank + i] * factors[m * rank + j] } } }
        let mask: [UInt8] = [1, 1, 1, 1, 1, 1, 1, 0]
        let users = (0..<userCount * rank).map { _ in Float(g.nextGaussian()) }
        return factors.withUnsafeBufferPointer { f in
            gram.withUnsafeBufferPointer { gr in
                mask.withUnsafeBufferPointer { mk in
                    users.withUnsafeBufferPointer {
                        FoldInModel(
                            movieFactors: f, movieCount: movieCount, rank: rank, gram: gr, recommendable: mk,
                            params: FoldInParams(rule: .implicitConfidence, lambda: 1, alpha: 1), userFactors: $0)
                    }
                }
            }
        }
    }
}

/// The fold-in routes through the real HTTP handler on a socket: bodies split
/// across reads, pipelined POSTs answered in order (one fold-in per loop
/// turn), the refusals, and a release without the sections.
@Suite struct FoldInServerTests {
    static func post(_ target: String, _ body: String, type: String = "application/json") -> String {
        "POST \(target) HTTP/1.1\r\nHost: x\r\nContent-Type: \(type)\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    @Test func foldInOverASocketWithSplitAndPipelinedBodies() async throws {
        try await withServer(id: "fold-1") { running in
            try await onThread {
                let client = try TestHTTPClient(port: running.port)
                // Head first, body later: the handler waits for the whole body.
                let request = Self.post(
                    "/v1/recommendations", "{\"ratings\":[{\"movieId\":1,\"rating\":5},{\"movieId\":2,\"rating\":4.5}],\"k\":3,\"mode\":\"als\"}")
                let split = request.utf8.count - 20
                try client.send(Array(request.utf8.prefix(split)))
                usleep(50_000)
                try client.send(Array(request.utf8.dropFirst(split)))
                let first = try client.readResponse()
                #expect(first.status == 200, "\(first.text)")
                let body = try first.object()
                #expect(body["source"] as? String == "fold-in" && body["count"] as? Int == 3)
                let ids = (body["items"] as? [[String: Any]] ?? []).compactMap { $0["movieId"] as? Int }
                #expect(!ids.contains(1) && !ids.contains(2) && !ids.contains(34), "rated and factorless movies left out: \(ids)")
                // Three POSTs and a GET in one write: four answers, in order.
                let many =
                    Self.post("/v1/recommendations", "{\"ratings\":[1]}")
                    + Self.post("/v1/recommendations", "{\"ratings\":[3,5],\"k\":2}")
                    + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                    + Self.post("/v1/users/2/recommendations", "{\"ratings\":[{\"movieId\":8,\"rating\":5}]}")
                try client.send(many)
                let answers = try (0..<4).map { _ in try client.readResponse() }
                #expect(answers.map(\.status) == [200, 200, 200, 200], "\(answers.map(\.text))")
                #expect(try answers[1].object()["count"] as? Int == 2)
                #expect(answers[2].text == "{\"status\":\"ok\"}")
                #expect(try answers[3].object()["userId"] as? Int == 2)
                // Refusals keep the connection (4xx after routing), except an oversized body.
                try client.send(Self.post("/v1/recommendations", "{\"ratings\":[1]}", type: "text/csv"))
                #expect(try client.readResponse().status == 415)
                try client.send(Self.post("/v1/recommendations", "{\"ratings\":[1,]}"))
                let malformed = try client.readResponse()
                let malformedError = try malformed.object()["error"] as? String
                #expect(malformed.status == 400 && malformedError == "malformed_json")
                try client.send("GET /v1/recommendations HTTP/1.1\r\nHost: x\r\n\r\n")
                let wrongMethod = try client.readResponse()
                #expect(wrongMethod.status == 405 && wrongMethod.headers["allow"] == "POST")
                try client.send("POST /v1/recommendations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 70000\r\n\r\n")
                #expect(try client.readResponse().status == 413)
                #expect(client.waitForClose())
            }
            #expect(running.server.metrics.foldIn.count == 4, "four fold-ins answered 200")
        }
    }

    @Test func aReleaseWithoutTheSectionsAnswers404AndStillServesGETs() async throws {
        try await withServer(id: "R1") { running in
            try await onThread {
                let client = try TestHTTPClient(port: running.port)
                try client.send(Self.post("/v1/recommendations", "{\"ratings\":[1,2]}"))
                let r = try client.readResponse()
                let error = try r.object()["error"] as? String
                #expect(r.status == 404 && error == "fold_in_unavailable", "\(r.text)")
                #expect(try client.request("/v1/users/1/recommendations").status == 200)
            }
        }
    }
}
