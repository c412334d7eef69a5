import ReelCore
import ReelSettings

/// Writes `output/metrics/reel_nightly.prom` for node_exporter's textfile
/// collector after every run (success or not): the job's health, stage
/// durations, rows and rejects, model metrics and release size. The alert
/// rules in pipeline/monitoring/alerts.yml read these names.
public enum NightlyMetrics {
    public static func write(record: RunRecord, home: ReelHome, config: ReelConfig) throws {
        var p = PrometheusTextfile()
        let now = Double(Clock.now())
        p.add("reel_nightly_last_run_timestamp_seconds", help: "When the last nightly run finished.", value: now)
        p.add(
            "reel_nightly_last_run_success", help: "1 if the last nightly run succeeded, else 0.",
            value: record.outcome == "success" ? 1 : 0)
        let lastSuccess =
            record.outcome == "success"
            ? now
            : (RunStore(home: home).lastSuccess()?.finishedAt.flatMap(parseISO) ?? 0)
        p.add("reel_nightly_last_success_timestamp_seconds", help: "When a nightly run last succeeded (0: never).", value: lastSuccess)
        p.add(
            "reel_nightly_quality_gate_blocked", help: "1 if the quality gate blocked the last run's publish.",
            value: record.outcome == "gate_blocked" ? 1 : 0)
        p.add(
            "reel_quality_serving_baseline",
            help: "1 if UC1 serves a baseline (popular or trending) because the model did not beat it on validation, else 0.",
            value: record.metrics["serving_baseline"] ?? 0)
        p.add(
            "reel_quality_serving_pinned", help: "1 if serving.pin chose the served list instead of the evaluation, else 0.",
            value: record.metrics["serving_pinned"] ?? 0)
        for stage in record.stages {
            p.add(
                "reel_nightly_stage_duration_seconds", help: "Duration of each stage in the last run.",
                labels: [("stage", stage.name), ("status", stage.status)], value: stage.durationSeconds)
        }
        for (table, counts) in record.rows.sorted(by: { $0.key < $1.key }) {
            for kind in ["read", "accepted", "rejected", "deduplicated"] {
                p.add(
                    "reel_nightly_rows", help: "Rows per table in the last ETL.", labels: [("table", table), ("kind", kind)],
                    value: Double(counts[kind] ?? 0))
            }
            let read = Double(counts["read"] ?? 0)
            p.add(
                "reel_nightly_reject_ratio", help: "Rejected / read per table in the last ETL.", labels: [("table", table)],
                value: read > 0 ? Double(counts["rejected"] ?? 0) / read : 0)
        }
        p.add(
            "reel_nightly_reject_threshold", help: "The configured reject ratio that fails the ETL.",
            value: config.double(.etlRejectThreshold))
        for (name, value) in record.metrics.sorted(by: { $0.key < $1.key }) {
            p.add(
                "reel_nightly_model_metric", help: "Offline metrics of the model of the last run.",
                labels: [("metric", name)], value: value)
        }
        if let size = record.releaseBytes {
            p.add("reel_nightly_release_size_bytes", help: "Size of the release the last run published.", value: Double(size))
        }
        try FileSystem.createDirectory(home.metrics)
        try p.write(to: Path.join(home.metrics, "reel_nightly.prom"))
    }

    static func parseISO(_ s: String) -> Double? {
        // 2026-11-25T13:49:18Z
        let u = Array(s.utf8)
        guard u.count == 20 else { return nil }
        func n(_ a: Int, _ b: Int) -> Int? { Int(String(decoding: u[a..<b], as: UTF8.self)) }
        guard let y = n(0, 4), let mo = n(5, 7), let d = n(8, 10), let h = n(11, 13), let mi = n(14, 16), let se = n(17, 19) else { return nil }
        return Double(Clock.daysFromCivil(year: y, month: mo, day: d) * 86_400 + h * 3600 + mi * 60 + se)
    }
}
