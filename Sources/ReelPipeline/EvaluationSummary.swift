import Foundation
import ReelCore
import ReelModel
import ReelSettings

/// The offline metrics a release carries (its `meta.metrics`) and a run
/// record keeps: the served mode's NDCG@10 (what the quality gate compares)
/// and every mode's ranking metrics side by side.
public enum EvaluationSummary {
    /// The evaluation mode whose list UC1 serves by default: for an implicit
    /// model, the evaluation's choice (`implicit-als`, `hybrid`, `popular`,
    /// `trending-*`); an explicit model's own list otherwise (the candidates
    /// are built on implicit-ALS lists).
    public static func servedMode(_ report: EvaluationReport, config: ReelConfig) -> String {
        config.string(.modelMode) == "implicit" ? report.defaultMode : config.string(.modelMode) + "-als"
    }

    /// The candidate `reel publish` precomputes and UC1 serves (nil: the model's own order).
    public static func servedCandidate(_ report: EvaluationReport?, config: ReelConfig) -> ServingCandidate? {
        guard let report, config.string(.modelMode) == "implicit" else { return nil }
        let c = report.servedCandidate
        return c == .model ? nil : c
    }

    /// True when the served list is a baseline (the model did not beat it on validation).
    public static func servingBaseline(_ report: EvaluationReport?, config: ReelConfig) -> Bool {
        servedCandidate(report, config: config)?.family.isBaseline ?? false
    }

    /// What is served and why, in one sentence (the run record's `serving`).
    public static func servingSentence(_ report: EvaluationReport, config: ReelConfig) -> String {
        let mode = servedMode(report, config: config)
        guard config.string(.modelMode) == "implicit", let c = report.choice else {
            return "serving \(mode) (model.mode = \(config.string(.modelMode)))"
        }
        var s = "serving \(c.chosenLabel)"
        if c.pinned { s += " (PINNED by serving.pin)" }
        if c.servingBaseline { s += " — a baseline: the model did not beat it on validation" }
        return s + ": " + c.reason
    }

    /// NDCG@10 of the served mode (what the quality gate compares).
    public static func servedNDCG(_ report: EvaluationReport, config: ReelConfig) -> Double {
        report.result(servedMode(report, config: config))?.ndcg ?? report.ndcg
    }

    /// Flat metric names for run records and MLflow: `ndcg_at_10` (served
    /// mode) and `<mode>.ndcg_at_10`, `<mode>.precision_at_10`, …
    public static func metrics(_ report: EvaluationReport, config: ReelConfig) -> [String: Double] {
        var out: [String: Double] = [
            "ndcg_at_10": servedNDCG(report, config: config),
            "serving_baseline": servingBaseline(report, config: config) ? 1 : 0,
            "serving_pinned": report.choice?.pinned == true ? 1 : 0,
        ]
        if let m = report.choice?.modelVsBestBaseline { out["validation.model_minus_best_baseline.ndcg_at_10"] = m.mean }
        for r in report.results {
            out["\(r.mode).ndcg_at_10"] = r.ndcg
            out["\(r.mode).precision_at_10"] = r.precision
            out["\(r.mode).recall_at_10"] = r.recall
            out["\(r.mode).map_at_10"] = r.map
            out["\(r.mode).coverage"] = r.coverage
            if let rmse = r.rmse { out["\(r.mode).rmse"] = rmse }
            if let mae = r.mae { out["\(r.mode).mae"] = mae }
        }
        return out
    }

    /// The JSON object stored as the release's `meta.metrics`.
    public static func releaseJSON(_ report: EvaluationReport, config: ReelConfig) -> String {
        var object: [String: Any] = [
            "served_mode": servedMode(report, config: config), "evaluated_at": report.createdAt,
            "split": report.split.split, "cut": report.split.cutTimeISO,
        ]
        if let c = report.choice {
            object["served_candidate"] = c.chosenLabel
            object["served_reason"] = c.reason
            object["served_pinned"] = c.pinned
        }
        for (k, v) in metrics(report, config: config) { object[k] = v }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// The latest model's saved evaluation, if `reel evaluate` ran on it.
    public static func latest(home: ReelHome) -> EvaluationReport? {
        guard let dir = ModelStore.latestFolder(home: home) else { return nil }
        let path = Path.join(dir, ModelStore.evaluationFile)
        guard let text = try? FileSystem.readText(path) else { return nil }
        return try? JSONText.decode(EvaluationReport.self, from: text)
    }

    /// NDCG@10 recorded in a release's metadata JSON, if any.
    public static func ndcg(inReleaseMeta json: String) -> Double? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            let metrics = object["metrics"] as? [String: Any]
        else { return nil }
        return (metrics["ndcg_at_10"] as? NSNumber)?.doubleValue
    }
}
