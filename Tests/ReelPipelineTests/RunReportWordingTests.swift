import Testing
@testable import ReelPipeline

@Suite struct RunReportWordingTests {
    @Test func theGateVerdictIsLabelledOnce() {
        var r = SampleRunRecord.successful()
        r.gate = "quality gate blocked the publish: NDCG@10 0.1 vs 0.2"
        let text = RunReport.show(r)
        #expect(text.contains("\nquality gate blocked the publish: NDCG@10"))
        #expect(!text.contains("quality gate: quality gate"))
    }
}
