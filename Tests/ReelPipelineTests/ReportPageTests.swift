import Foundation
@testable import ReelPipeline
import Testing

/// `reel report`'s page: self-contained, escaped, and tolerant of what the evaluation records.
@Suite("Report page")
struct ReportPageTests {
    static func evaluation(ci: Bool) -> [String: Any] {
        var served: [String: Any] = ["mode": "hybrid", "ndcg": 0.31, "recall": 0.2, "precision": 0.1, "map": 0.05, "coverage": 0.4]
        if ci { served["ndcgCI"] = [0.29, 0.33]; served["recall_ci"] = ["lower": 0.18, "upper": 0.22] }
        return [
            "defaultMode": "hybrid", "params": ["k": 10],
            "split": ["split": "temporal", "cutTimeISO": "2015-01-01T00:00:00Z", "trainRatings": 90, "testRatings": 10, "evaluatedUsers": 7],
            "results": [served, ["mode": "<script>alert(1)</script>", "ndcg": 0.2, "recall": 0.1, "precision": 0.1, "map": 0.01, "coverage": 0.5]],
            "blend": [
                "chosen": ["weights": ["model": 0.9, "trending": 0.1, "diversity": 0.05], "window": "7d"],
                "validationNDCG": 0.3, "modelOnlyNDCG": 0.28, "gainT": 2.5,
                "grid": [
                    ["blend": ["weights": ["model": 1, "trending": 0, "diversity": 0]], "ndcg": 0.28],
                    ["blend": ["weights": ["model": 0.9, "trending": 0.1, "diversity": 0.05]], "ndcg": 0.3],
                ],
            ],
        ]
    }

    static func run(_ id: String, ndcg: Double) -> RunRecord {
        var r = RunRecord(runID: id, startedAt: "2026-12-01T02:00:00Z")
        r.outcome = "success"
        r.metrics = ["ndcg_at_10": ndcg, "hybrid.ndcg_at_10": ndcg, "hybrid.recall_at_10": 0.2, "hybrid.coverage": 0.4]
        r.rows = ["ratings": ["read": 100, "accepted": 98, "rejected": 2, "deduplicated": 0]]
        return r
    }

    @Test("every section is drawn as inline SVG; data is escaped; no script, no external reference")
    func sections() {
        let page = ReportPage.html(
            .init(
                evaluation: Self.evaluation(ci: true), train: nil,
                runs: [Self.run("r1", ndcg: 0.3), Self.run("r2<b>", ndcg: 0.31)], generatedAt: 0))
        for section in ["Candidates", "Blend search", "Training", "Nightly history", "Data volumes and quarantine"] {
            #expect(page.contains("<h2>\(section)</h2>"), "\(section)")
        }
        #expect(page.components(separatedBy: "<svg").count - 1 >= 7)
        #expect(!page.lowercased().contains("<script"))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && page.contains("r2&lt;b&gt;"))
        #expect(!page.contains("http://") || page.components(separatedBy: "http://").dropFirst().allSatisfy { $0.hasPrefix("www.w3.org/2000/svg") })
        #expect(page.contains("95% confidence intervals") && page.contains("[0.2900, 0.3300]") && page.contains("[0.1800, 0.2200]"))
        #expect(page.contains("7 users evaluated"))
    }

    @Test("without confidence intervals or history the page still renders and says so")
    func degrades() {
        let page = ReportPage.html(.init(evaluation: Self.evaluation(ci: false), train: nil, runs: [], generatedAt: 0))
        #expect(page.contains("records no confidence intervals"))
        #expect(page.contains("No nightly run records yet"))
        let empty = ReportPage.html(.init(evaluation: nil, train: nil, runs: [], generatedAt: 0))
        #expect(empty.contains("No evaluation of this model run") && empty.contains("No blend search"))
    }
}
