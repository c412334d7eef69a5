import Testing
@testable import ReelModel

@Suite struct MetricsTests {
    @Test func handComputedExample() {
        // Relevant {1, 2, 3}; hits at ranks 1 and 3 of a 10-long list.
        let m = RankingMetrics.evaluate(list: [1, 4, 2, 5, 6, 7, 8, 9, 10, 11], relevant: [1, 2, 3], k: 10)
        #expect(abs(m.precision - 0.2) < 1e-12)
        #expect(abs(m.recall - 2.0 / 3.0) < 1e-12)
        // DCG = 1/log2(2) + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3) + 1/log2(4).
        #expect(abs(m.ndcg - 1.5 / (1.5 + 1 / _log2(3))) < 1e-12)
        // AP = (1/1 + 2/3) / min(10, 3).
        #expect(abs(m.averagePrecision - (1 + 2.0 / 3.0) / 3) < 1e-12)
    }

    @Test func shortListsPaddingAndCutoff() {
        // Precision divides by k even when the list is shorter; -1 is padding.
        let short = RankingMetrics.evaluate(list: [7, -1, -1], relevant: [7], k: 3)
        #expect(short.precision == 1.0 / 3.0 && short.recall == 1 && short.ndcg == 1 && short.averagePrecision == 1)
        // Only the first k entries count.
        let cut = RankingMetrics.evaluate(list: [1, 2, 3, 4], relevant: [4], k: 3)
        #expect(cut.precision == 0 && cut.recall == 0 && cut.ndcg == 0 && cut.averagePrecision == 0)
        // More relevant items than k: the ideal DCG and AP use min(k, |relevant|).
        let many = RankingMetrics.evaluate(list: [1, 2], relevant: [1, 2, 3, 4, 5], k: 2)
        #expect(many.ndcg == 1 && many.averagePrecision == 1 && many.recall == 0.4)
    }

    @Test func totalsAverageOverUsersAndCountCoverage() {
        var totals = RankingTotals()
        totals.add(list: [1, 2], relevant: [1], k: 2)
        totals.add(list: [3, 2], relevant: [9], k: 2)
        #expect(totals.users == 2)
        #expect(totals.mean.precision == 0.25 && totals.mean.recall == 0.5)
        #expect(totals.recommended == [1, 2, 3])
    }
}
