import Foundation
import NIOCore
import ReelCore
@testable import ReelPipeline
import ReelServer
import ReelSettings
import ReelTestSupport
import Testing
import Yams
@testable import ReelServing

/// pipeline/monitoring/ against what Reel really emits: promtool accepts the
/// rules, the scrape config and both metrics outputs; the alert unit tests
/// pass; every metric an alert or a dashboard panel reads exists; every alert
/// links to a runbook section that exists.
///
/// promtool comes from Debian's `prometheus` package (in `make print-apt`, so
/// CI installs it). When it is missing these tests fail rather than skip.
@Suite("Monitoring: alert rules, scrape config, dashboard, metrics")
struct MonitoringTests {
    // MARK: promtool

    @Test("promtool check rules accepts alerts.yml")
    func rulesPassPromtool() throws {
        let result = try Subprocess.run(try promtool(), ["check", "rules", Checkout.monitoring + "/alerts.yml"])
        #expect(result.status == 0, "promtool check rules:\n\(result.output)")
        #expect(result.output.contains("SUCCESS"))
    }

    @Test("promtool check config accepts prometheus.yml (and the rule file it loads)")
    func configPassesPromtool() throws {
        let result = try Subprocess.run(try promtool(), ["check", "config", Checkout.monitoring + "/prometheus.yml"])
        #expect(result.status == 0, "promtool check config:\n\(result.output)")
        #expect(result.output.contains("rule files found"), "the config must load alerts.yml:\n\(result.output)")
    }

    @Test("promtool test rules: the alert unit tests in alerts_test.yml pass")
    func alertUnitTestsPass() throws {
        let result = try Subprocess.run(try promtool(), ["test", "rules", Checkout.monitoring + "/alerts_test.yml"])
        #expect(result.status == 0, "promtool test rules:\n\(result.output)")
        #expect(result.output.contains("SUCCESS"))
    }

    @Test("promtool check metrics accepts the nightly textfile, after a success and after a failure")
    func nightlyMetricsPassPromtool() throws {
        var failed = SampleRunRecord.successful()
        failed.outcome = "failed"
        failed.failedStage = "train"
        failed.stages[2].status = "failed"
        failed.stages.removeLast(3)
        failed.releaseBytes = nil
        for record in [SampleRunRecord.successful(), failed] {
            let text = try EmittedMetrics.nightly(record)
            let result = try Subprocess.run(try promtool(), ["check", "metrics"], stdin: text)
            #expect(result.status == 0, "promtool check metrics (\(record.outcome)):\n\(result.output)\n\(text)")
        }
    }

    @Test("promtool check metrics accepts the daemon's /metrics text")
    func daemonMetricsPassPromtool() throws {
        let text = EmittedMetrics.daemon()
        let result = try Subprocess.run(try promtool(), ["check", "metrics"], stdin: text)
        #expect(result.status == 0, "promtool check metrics:\n\(result.output)\n\(text)")
    }

    @Test("every dashboard query is valid PromQL (checked by promtool as recording rules)")
    func dashboardQueriesParse() throws {
        let exprs = try Dashboard.load().strings(forKey: "expr")
        #expect(exprs.count >= 20)
        var yaml = "groups:\n  - name: dashboard\n    rules:\n"
        for (i, expr) in exprs.enumerated() {
            let concrete = Dashboard.substituteVariables(expr)
            #expect(!concrete.contains("$"), "unknown dashboard variable in: \(expr)")
            yaml += "      - record: dashboard:query_\(i)\n        expr: \(try Dashboard.yamlString(concrete))\n"
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("reel-dashboard-\(UUID().uuidString).yml").path
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result = try Subprocess.run(try promtool(), ["check", "rules", file])
        #expect(result.status == 0, "promtool on the dashboard queries:\n\(result.output)")
    }

    // MARK: names and structure

    @Test("alerts and dashboard read only metrics Reel emits")
    func referencedMetricsExist() throws {
        let emitted = EmittedMetrics.names(in: try EmittedMetrics.nightly(SampleRunRecord.successful()))
            .union(EmittedMetrics.names(in: EmittedMetrics.daemon()))
        // Sanity: both sources were rendered.
        #expect(emitted.contains("reel_nightly_last_success_timestamp_seconds"))
        #expect(emitted.contains("reel_http_request_duration_seconds_bucket"))

        let rules = try AlertRules.load()
        let dashboard = try Dashboard.load()
        let sources: [(String, [String])] = [
            ("alerts.yml", rules.flatMap { [$0.expr] + $0.annotations.values }),
            ("grafana-dashboard.json", dashboard.strings(forKey: "expr") + dashboard.strings(forKey: "definition")),
        ]
        for (file, texts) in sources {
            let referenced = Set(texts.flatMap(EmittedMetrics.referencedNames))
            #expect(referenced.count >= 8, "\(file): too few metric names found: \(referenced.sorted())")
            for name in referenced.sorted() {
                #expect(
                    EmittedMetrics.isEmitted(name, by: emitted),
                    "\(file) reads \(name), which Reel does not emit (emitted: \(emitted.sorted()))")
            }
        }
    }

    @Test("every alert has a for:, a severity, a summary, a description and a runbook section that exists")
    func alertsAreDocumented() throws {
        let rules = try AlertRules.load()
        let anchors = Markdown.anchors(try String(contentsOfFile: Checkout.path("docs/operations.md"), encoding: .utf8))
        for name in [
            "ReelNightlyStale", "ReelNightlyFailed", "ReelNightlyRejectRatioHigh", "ReelNightlyQualityGateBlocked",
            "ReelServeHighErrorRate", "ReelServeHighLatency", "ReelReleaseTooOld", "ReelReleaseReloadFailed",
            "ReelServeNotReady", "ReelServeDown",
        ] {
            #expect(rules.contains { $0.name == name }, "alerts.yml lacks \(name)")
        }
        #expect(Set(rules.map(\.name)).count == rules.count, "alert names repeat")
        for rule in rules {
            #expect(rule.forDuration != nil, "\(rule.name) has no for:")
            #expect(["critical", "warning"].contains(rule.labels["severity"] ?? ""), "\(rule.name): severity must be critical or warning")
            #expect(!(rule.annotations["summary"] ?? "").isEmpty, "\(rule.name) has no summary")
            #expect(!(rule.annotations["description"] ?? "").isEmpty, "\(rule.name) has no description")
            let runbook = rule.annotations["runbook"] ?? ""
            #expect(runbook.hasPrefix("docs/operations.md#"), "\(rule.name): runbook must point into docs/operations.md, got '\(runbook)'")
            let anchor = String(runbook.drop { $0 != "#" }.dropFirst())
            #expect(anchors.contains(anchor), "\(rule.name): docs/operations.md has no section #\(anchor)")
        }
    }

    @Test("the dashboard: Grafana schema 38, a Prometheus datasource variable every query uses, unique panel ids")
    func dashboardStructure() throws {
        let dashboard = try Dashboard.load()
        #expect(dashboard.root["schemaVersion"] as? Int == 38)
        let variables = (dashboard.root["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        #expect(
            variables.contains {
                $0["name"] as? String == "datasource" && $0["type"] as? String == "datasource"
                    && $0["query"] as? String == "prometheus"
            })
        let panels = dashboard.root["panels"] as? [[String: Any]] ?? []
        let ids = panels.compactMap { $0["id"] as? Int }
        #expect(ids.count == panels.count && Set(ids).count == ids.count, "panel ids must be present and unique")
        for panel in panels where panel["type"] as? String != "row" {
            let title = panel["title"] as? String ?? "?"
            #expect((panel["datasource"] as? [String: Any])?["uid"] as? String == "${datasource}", "\(title): datasource")
            let targets = panel["targets"] as? [[String: Any]] ?? []
            #expect(!targets.isEmpty, "\(title) has no query")
            for target in targets {
                #expect((target["datasource"] as? [String: Any])?["uid"] as? String == "${datasource}", "\(title): target datasource")
            }
        }
        // The panels the operations guide promises.
        let titles = Set(panels.compactMap { $0["title"] as? String })
        for title in [
            "Requests/s by route", "5xx ratio", "Lookup latency p50 / p99", "Fallbacks/s", "Release age",
            "Release reloads", "Ready", "Since last success", "Stage durations (last run)",
            "Rows per table (last ETL)", "Reject ratio per table", "NDCG@10 over time", "Release size", "Quality gate",
        ] {
            #expect(titles.contains(title), "the dashboard lacks the panel '\(title)'")
        }
    }

    @Test("the name scanner: metric tokens, not file names or label values")
    func referencedNameScanner() {
        let names = EmittedMetrics.referencedNames(
            #"rate(reel_http_requests_total{status=~"5.."}[5m]) / reel_ready and output/metrics/reel_nightly.prom"#)
        #expect(names == ["reel_http_requests_total", "reel_ready"])
        let emitted: Set<String> = ["reel_x_bucket", "reel_y"]
        #expect(EmittedMetrics.isEmitted("reel_x_bucket", by: emitted))
        #expect(EmittedMetrics.isEmitted("reel_y", by: emitted))
        #expect(!EmittedMetrics.isEmitted("reel_z", by: emitted))
    }

    private func promtool() throws -> String {
        try #require(
            Subprocess.which("promtool"),
            "promtool is not on PATH: install Debian's `prometheus` package (apt-get install prometheus); CI installs it through `make print-apt`")
    }
}

// MARK: - What Reel emits

/// The two metrics outputs, rendered by the production code.
enum EmittedMetrics {
    /// `output/metrics/reel_nightly.prom` as `NightlyMetrics.write` leaves it for `record`.
    static func nightly(_ record: RunRecord) throws -> String {
        let home = tempHome()
        defer { try? FileManager.default.removeItem(atPath: home.root) }
        try NightlyMetrics.write(record: record, home: home, config: ReelConfig())
        return try String(contentsOfFile: Path.join(home.metrics, "reel_nightly.prom"), encoding: .utf8)
    }

    /// The daemon's /metrics after some traffic of every kind, with a release mapped.
    static func daemon() -> String {
        let metrics = ServerMetrics(startedAt: 1_764_030_000)
        let traffic: [(RouteID, ResponseStatus, UInt64)] = [
            (.recommendations, .ok, 42_000), (.recommendations, .ok, 3_000_000), (.recommendations, .badRequest, 9_000),
            (.trending, .ok, 30_000), (.movie, .notFound, 12_000), (.similar, .ok, 55_000), (.release, .ok, 20_000),
            (.readyz, .serviceUnavailable, 5_000), (.metrics, .ok, 250_000), (.unmatched, .notFound, 4_000),
            (.invalid, .requestTimeout, 10_000_000_000),
        ]
        for (route, status, nanos) in traffic { metrics.recordRequest(route: route, status: status, nanoseconds: nanos) }
        metrics.recordFallback()
        metrics.recordReload(success: true, at: 1_764_036_000)
        metrics.recordReload(success: false, at: 1_764_036_500)
        let store = EmptyStore(releaseID: "20261125T023100Z-3fa2", createdAt: 1_764_036_000)
        var buffer = ByteBuffer()
        metrics.render(release: ServedRelease(store, loadedAt: 1_764_036_100), now: 1_764_040_000, into: &buffer)
        return String(buffer: buffer)
    }

    /// Family names (`# TYPE` lines) and sample names (with their `_bucket`,
    /// `_sum`, `_count` suffixes) of a Prometheus text.
    static func names(in text: String) -> Set<String> {
        var out = Set<String>()
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                out.insert(String(line.dropFirst(7).prefix { $0 != " " }))
            } else if !line.hasPrefix("#") {
                out.insert(String(line.prefix { $0 != "{" && $0 != " " }))
            }
        }
        return out
    }

    /// `reel_…` metric names in an expression or annotation; a name directly
    /// followed by `.` is a file name (reel_nightly.prom), not a metric.
    static func referencedNames(_ text: String) -> [String] {
        let pattern = try! Regex(#"reel_[a-z0-9_]+(?![a-z0-9_.])"#)
        var seen = Set<String>()
        return text.matches(of: pattern).map { String(text[$0.range]) }.filter { seen.insert($0).inserted }
    }

    /// A referenced name exists when emitted as is, or as a histogram's series.
    static func isEmitted(_ name: String, by emitted: Set<String>) -> Bool {
        if emitted.contains(name) { return true }
        return ["_bucket", "_sum", "_count"].contains { suffix in
            name.hasSuffix(suffix) && emitted.contains(String(name.dropLast(suffix.count)) + "_bucket")
        }
    }
}

// MARK: - The files under test

/// One alerting rule of alerts.yml.
struct AlertRules {
    var name: String
    var expr: String
    var forDuration: String?
    var labels: [String: String]
    var annotations: [String: String]

    static func load() throws -> [AlertRules] {
        let text = try String(contentsOfFile: Checkout.monitoring + "/alerts.yml", encoding: .utf8)
        let root = try #require(try Yams.load(yaml: text) as? [String: Any], "alerts.yml is not a YAML mapping")
        let groups = try #require(root["groups"] as? [[String: Any]], "alerts.yml has no groups")
        let rules = groups.flatMap { $0["rules"] as? [[String: Any]] ?? [] }
        return rules.compactMap { rule in
            guard let name = rule["alert"] as? String else { return nil }
            return AlertRules(
                name: name, expr: rule["expr"] as? String ?? "",
                forDuration: rule["for"] as? String,
                labels: rule["labels"] as? [String: String] ?? [:],
                annotations: rule["annotations"] as? [String: String] ?? [:])
        }
    }
}

/// grafana-dashboard.json, parsed.
struct Dashboard {
    var root: [String: Any]

    static func load() throws -> Dashboard {
        let data = try Data(contentsOf: URL(fileURLWithPath: Checkout.monitoring + "/grafana-dashboard.json"))
        let object = try JSONSerialization.jsonObject(with: data)
        return Dashboard(root: try #require(object as? [String: Any], "grafana-dashboard.json is not a JSON object"))
    }

    /// Every string value stored under `key`, anywhere in the document.
    func strings(forKey key: String) -> [String] {
        var out: [String] = []
        func walk(_ value: Any) {
            if let object = value as? [String: Any] {
                for (k, v) in object {
                    if k == key, let s = v as? String { out.append(s) } else { walk(v) }
                }
            } else if let array = value as? [Any] {
                array.forEach(walk)
            }
        }
        walk(root)
        return out
    }

    /// Grafana's variables replaced by what they expand to at query time.
    static func substituteVariables(_ expr: String) -> String {
        expr.replacingOccurrences(of: "$__rate_interval", with: "5m")
            .replacingOccurrences(of: "$serve_instance", with: ".*")
            .replacingOccurrences(of: "$nightly_instance", with: ".*")
    }

    /// A double-quoted YAML scalar (JSON string syntax is valid YAML).
    static func yamlString(_ s: String) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: [s], options: .withoutEscapingSlashes), as: UTF8.self).dropFirst().dropLast()
            .description
    }
}

/// GitHub-style heading anchors of a Markdown document.
enum Markdown {
    static func anchors(_ text: String) -> Set<String> {
        var out = Set<String>()
        for line in text.split(separator: "\n") where line.hasPrefix("#") {
            let heading = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces).lowercased()
            let kept = heading.filter { $0.isLetter || $0.isNumber || $0 == " " || $0 == "-" || $0 == "_" }
            out.insert(kept.replacingOccurrences(of: " ", with: "-"))
        }
        return out
    }
}
