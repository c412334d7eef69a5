import Foundation
import ReelCore
import ReelModel
@testable import ReelPipeline
import Testing

/// run.json goes through `JSONText`, the records' one Codable form: the bytes are those
/// RunRecord's own encoder wrote before (pretty, sorted keys, slashes escaped).
@Suite struct RunRecordJSONTests {
    @Test func bytesMatchTheFormerEncoderAndRoundTrip() throws {
        var record = SampleRunRecord.successful()
        record.stages[0].detail = "no inbox at /tmp/home/lakehouse/inbox/events; movies 100/100"
        let former = JSONEncoder()
        former.outputFormatting = [.prettyPrinted, .sortedKeys]
        let expected = String(decoding: try former.encode(record), as: UTF8.self)
        #expect(record.json() == expected)
        #expect(record.json().contains("\"duration_seconds\" : 1.25") && record.json().contains("\\/tmp\\/home"))
        #expect(try JSONText.decode(RunRecord.self, from: record.json()) == record)
    }

    @Test func aNonFiniteMetricIsWrittenNotLost() throws {
        var record = SampleRunRecord.successful()
        record.metrics["explicit-als.rmse"] = .nan
        let text = record.json()
        #expect(text.contains("\"explicit-als.rmse\" : \"nan\""), "\(text)")
        let back = try JSONText.decode(RunRecord.self, from: text)
        #expect(back.metrics["explicit-als.rmse"]?.isNaN == true && back.runID == record.runID)
    }
}
