import ReelCore
@testable import ReelPipeline

/// A run record shaped like a real successful nightly run (every stage, four
/// tables, the evaluation's metric names, a release), for the metrics and
/// MLflow tests.
enum SampleRunRecord {
    static func successful(runID: String = "20261125T021500123Z-3fa2") -> RunRecord {
        var r = RunRecord(runID: runID, startedAt: "2026-11-25T02:15:00Z")
        r.finishedAt = "2026-11-25T02:31:42Z"
        r.outcome = "success"
        let stages: [(String, String, Double)] = [
            ("validate", "ran", 1.25), ("etl", "ran", 61.5), ("train", "ran", 734.0),
            ("evaluate", "ran", 180.75), ("publish", "ran", 21.0), ("prune", "ran", 0.05),
        ]
        r.stages = stages.map { .init(name: $0.0, status: $0.1, startedAt: r.startedAt, durationSeconds: $0.2, detail: "ok") }
        r.params = [
            "model.rank": "64", "model.mode": "implicit", "etl.reject_threshold": "0.01",
            "gate.ndcg_margin": "0.05", "release.k": "100",
        ]
        r.metrics = [
            "ndcg_at_10": 0.3125, "hybrid.ndcg_at_10": 0.3125, "hybrid.precision_at_10": 0.21,
            "hybrid.recall_at_10": 0.12, "hybrid.map_at_10": 0.18, "hybrid.coverage": 0.4,
            "implicit-als.ndcg_at_10": 0.29, "explicit-als.ndcg_at_10": 0.05, "explicit-als.rmse": 0.81,
            "popular.ndcg_at_10": 0.2, "train_seconds": 734.0, "train_rmse": 0.42,
        ]
        r.rows = [
            "ratings": ["read": 25_000_095, "accepted": 24_999_000, "rejected": 1_095, "deduplicated": 0],
            "movies": ["read": 62_423, "accepted": 62_423, "rejected": 0, "deduplicated": 0],
            "tags": ["read": 1_093_360, "accepted": 1_093_000, "rejected": 360, "deduplicated": 0],
            "links": ["read": 62_423, "accepted": 62_420, "rejected": 3, "deduplicated": 0],
        ]
        r.fingerprints = ["validate": "0123456789abcdef", "etl": "fedcba9876543210"]
        r.releaseID = "20261125T023100Z-3fa2"
        r.releaseBytes = 512_345_678
        r.gate = "quality gate passed: NDCG@10 0.3125 vs 0.3100 of release 20261124T023000Z-91c0 (floor 0.2945 at margin 5.0%)"
        return r
    }
}
