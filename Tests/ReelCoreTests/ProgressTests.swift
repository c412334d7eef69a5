import Testing
@testable import ReelCore

@Suite struct ProgressTests {
    @Test func theCompleteLineIsReportedOnceAndNotBeforeOneInterval() {
        let p = Progress(stage: "test", total: 10, unit: "rows")
        p.advance(3)  // immediately after start: no line (the rate would be start-up cost)
        #expect(p.reports == 0)
        p.advance(7)  // 100%: left to finish()
        p.finish()
        #expect(p.reports == 1)
    }
}
