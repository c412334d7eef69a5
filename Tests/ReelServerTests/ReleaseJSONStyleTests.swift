import Foundation
import Testing
@testable import ReelServer

/// `/v1/release` speaks the API's one style: camelCase keys, rounded numbers.
@Suite struct ReleaseJSONStyleTests {
    @Test func metadataKeysAreCamelCaseAndNumbersRounded() throws {
        let stored =
            #"{"served_mode":"implicit-als","metrics":{"ndcg_at_10":0.10999999999999993,"hit_rate":1e-7},"params":{"model.implicit_lambda":20.0,"rank":8}}"#
        var (responder, _) = makeResponder(FakeStore(metadata: stored))
        let text = responder.call("/v1/release").1
        #expect(!text.contains("_"), "snake_case left in \(text)")
        #expect(text.contains("0.11") && !text.contains("0.1099999"), "\(text)")
        let body = try jsonObject(text)
        let metadata = try #require(body["metadata"] as? [String: Any])
        #expect(metadata["servedMode"] as? String == "implicit-als")
        #expect((metadata["metrics"] as? [String: Double])?["ndcgAt10"] == 0.11)
        #expect((metadata["params"] as? [String: Double])?["model.implicitLambda"] == 20)
        #expect((metadata["params"] as? [String: Int])?["rank"] == 8)
    }
}
