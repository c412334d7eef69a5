@testable import ReelRelease
import Testing

/// Issue 18: "(1 rows)" — the gold summary counts rows in the singular when there is one.
@Suite struct GoldSummaryWordingTests {
    @Test func oneRowIsSingular() {
        var report = GoldTables.Report(releaseID: "r")
        report.versions = ["user_recommendations": 3, "trending": 1]
        report.rows = ["user_recommendations": 1, "trending": 2_500]
        #expect(report.summary == "gold tables: user_recommendations v3 (1 row), trending v1 (2,500 rows)")
    }
}
