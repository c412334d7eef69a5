import ReelSettings
import Testing
import ReelCore
import ReelModel
@testable import ReelPipeline

/// `reel_quality_serving_baseline` follows what the evaluation chose.
@Suite struct ServingBaselineMetricTests {
    @Test(arguments: [(1.0, "1"), (0.0, "0")])
    func nightlyTextfileSaysWhenABaselineIsServed(value: Double, expected: String) throws {
        var record = SampleRunRecord.successful()
        record.metrics["serving_baseline"] = value
        let text = try EmittedMetrics.nightly(record)
        #expect(text.contains("\nreel_quality_serving_baseline \(expected)\n"), "\(text)")
        #expect(text.contains("\nreel_quality_serving_pinned 0\n"))
    }

    @Test func pinIsReadFromTheConfig() throws {
        var config = ReelConfig()
        try config.set(.servingPin, .string("trending-7d"), source: .commandLine)
        #expect(config.evaluationParams().pin == "trending-7d")
        #expect(try config.evaluationParams().pinnedCandidate() == .trending(.week))
        #expect(try ReelConfig().evaluationParams().pinnedCandidate() == nil)
    }
}
