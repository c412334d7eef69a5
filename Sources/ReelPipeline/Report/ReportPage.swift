import Foundation
import ReelCore
import ReelModel

/// `reel report`: the evaluation report as one self-contained HTML page —
/// inline CSS, inline SVG plots drawn by `SVGChart`, no script, nothing
/// loaded from anywhere — for the latest model run and the recent nightly
/// history. The nightly writes it beside its run record and carries it in
/// the release it publishes (section `reportHTML`), which the daemon serves
/// at `/report`.
///
/// The evaluation is read as plain JSON rather than through
/// `EvaluationReport`, so fields added later (confidence intervals) show up
/// when present and their absence only hides the whiskers.
public enum ReportPage {
    /// Nightly runs shown by default.
    public static let defaultHistory = 30
    /// The report's file name beside a run record.
    public static let runFileName = "report.html"

    /// What the page is made from.
    public struct Inputs {
        /// `evaluation.json` of the model run, as a JSON object.
        public var evaluation: [String: Any]?
        public var train: TrainRecord?
        /// Nightly run records, oldest first.
        public var runs: [RunRecord]
        public var generatedAt: Int64
        public var modelRun: String?

        public init(evaluation: [String: Any]?, train: TrainRecord?, runs: [RunRecord], generatedAt: Int64 = Clock.now(), modelRun: String? = nil) {
            self.evaluation = evaluation
            self.train = train
            self.runs = runs
            self.generatedAt = generatedAt
            self.modelRun = modelRun
        }
    }

    /// Reads the latest model run (or `modelFolder`) and the last `history` run records of `home`.
    /// `current` (a run still in progress) replaces its stored record.
    public static func gather(home: ReelHome, history: Int, modelFolder: String? = nil, current: RunRecord? = nil) -> Inputs {
        let folder = modelFolder ?? ModelStore.latestFolder(home: home)
        var evaluation: [String: Any]?
        var train: TrainRecord?
        if let folder {
            if let bytes = try? FileSystem.readBytes(Path.join(folder, ModelStore.evaluationFile)) {
                evaluation = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
            }
            if let text = try? FileSystem.readText(Path.join(folder, ModelStore.recordFile)) {
                train = try? JSONText.decode(TrainRecord.self, from: text)
            }
        }
        let store = RunStore(home: home)
        var runs = store.list().suffix(history).compactMap { try? store.load($0) }
        if let current {
            runs.removeAll { $0.runID == current.runID }
            runs.append(current)
            runs = Array(runs.suffix(history))
        }
        return Inputs(evaluation: evaluation, train: train, runs: runs, modelRun: folder.map(Path.basename))
    }

    public static func html(_ inputs: Inputs) -> String {
        var body = ""
        body += candidatesSection(inputs.evaluation)
        body += blendSection(inputs.evaluation)
        body += trainingSection(inputs.train)
        body += historySection(inputs.runs)
        body += volumesSection(inputs.runs)
        let subtitle =
            "generated \(Clock.iso8601(inputs.generatedAt))" + (inputs.modelRun.map { " · model run \($0)" } ?? "")
            + " · \(inputs.runs.count) nightly run\(inputs.runs.count == 1 ? "" : "s")"
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Reel evaluation report</title>
            <style>\(css)</style></head>
            <body><header><h1>Reel evaluation report</h1><p class="muted">\(esc(subtitle))</p>
            <nav><a href="/">Explore</a> · <a href="/docs">API</a></nav></header>
            <main>\(body)</main></body></html>

            """
    }

    // MARK: Sections

    static func candidatesSection(_ evaluation: [String: Any]?) -> String {
        guard let evaluation, let results = evaluation["results"] as? [[String: Any]], !results.isEmpty else {
            return section("Candidates", "<p class=\"muted\">No evaluation of this model run (run <code>reel evaluate</code>).</p>")
        }
        let served = evaluation["defaultMode"] as? String
        let k = ((evaluation["params"] as? [String: Any])?["k"] as? NSNumber)?.intValue ?? 10
        var charts = ""
        var anyCI = false
        for (metric, label) in [("ndcg", "NDCG@\(k)"), ("recall", "Recall@\(k)"), ("coverage", "Coverage")] {
            let bars = results.compactMap { r -> SVGChart.Bar? in
                guard let mode = r["mode"] as? String, let v = number(r[metric]) else { return nil }
                let ci = interval(r, metric)
                if ci != nil { anyCI = true }
                return SVGChart.Bar(label: mode, value: v, ci: ci, highlight: mode == served)
            }
            charts += "<figure>" + SVGChart.bars(title: label + " per candidate", bars) + "</figure>"
        }
        var rows = ""
        for r in results {
            let mode = r["mode"] as? String ?? "?"
            func cell(_ m: String) -> String {
                guard let v = number(r[m]) else { return "<td>–</td>" }
                let ci = interval(r, m).map { String(format: " <span class=\"muted\">[%.4f, %.4f]</span>", $0.0, $0.1) } ?? ""
                return String(format: "<td>%.4f", v) + ci + "</td>"
            }
            rows +=
                "<tr\(mode == served ? " class=\"served\"" : "")><th scope=\"row\">\(esc(mode))</th>\(cell("ndcg"))\(cell("recall"))\(cell("precision"))\(cell("map"))\(cell("coverage"))</tr>"
        }
        var split = ""
        if let s = evaluation["split"] as? [String: Any] {
            split =
                "<p class=\"muted\">\(esc(s["split"] as? String ?? "")) split at \(esc(s["cutTimeISO"] as? String ?? "?")): "
                + "\(int(s["trainRatings"])) train / \(int(s["testRatings"])) test ratings, \(int(s["evaluatedUsers"])) users evaluated.</p>"
        }
        let note =
            anyCI
            ? "Whiskers: 95% confidence intervals from the evaluation."
            : "This evaluation records no confidence intervals; bars show point estimates."
        return section(
            "Candidates",
            split + "<p>Served: <strong>\(esc(served ?? "?"))</strong> (highlighted). \(note)</p>"
                + "<div class=\"charts\">\(charts)</div>"
                + "<table><thead><tr><th>candidate</th><th>NDCG@\(k)</th><th>Recall@\(k)</th><th>P@\(k)</th><th>MAP@\(k)</th><th>coverage</th></tr></thead><tbody>\(rows)</tbody></table>"
        )
    }

    static func blendSection(_ evaluation: [String: Any]?) -> String {
        guard let blend = evaluation?["blend"] as? [String: Any], let grid = blend["grid"] as? [[String: Any]], !grid.isEmpty else {
            return section("Blend search", "<p class=\"muted\">No blend search in this evaluation.</p>")
        }
        var points: [(trending: Double, diversity: Double, ndcg: Double)] = []
        for p in grid {
            guard let b = p["blend"] as? [String: Any], let ndcg = number(p["ndcg"]) else { continue }
            let w = b["weights"] as? [String: Any] ?? b
            points.append((number(w["trending"]) ?? 0, number(w["diversity"]) ?? 0, ndcg))
        }
        let ts = Array(Set(points.map(\.trending))).sorted(), ds = Array(Set(points.map(\.diversity))).sorted()
        var values = [[Double?]](repeating: [Double?](repeating: nil, count: ts.count), count: ds.count)
        for p in points { values[ds.firstIndex(of: p.diversity)!][ts.firstIndex(of: p.trending)!] = p.ndcg }
        var mark: (Int, Int)?
        if let chosen = blend["chosen"] as? [String: Any] {
            let w = chosen["weights"] as? [String: Any] ?? chosen
            if let t = ts.firstIndex(of: number(w["trending"]) ?? -1), let d = ds.firstIndex(of: number(w["diversity"]) ?? -1) { mark = (d, t) }
        }
        let chart = SVGChart.heatmap(
            title: "Validation NDCG by blend", rowName: "diversity", columnName: "trending weight",
            rows: ds.map { String(format: "%.2f", $0) }, columns: ts.map { String(format: "%.2f", $0) },
            values: values, mark: mark)
        var text =
            "<p>Each cell: validation NDCG of the model's list re-ranked with that trending weight and diversity penalty; the outlined cell was chosen."
        if let v = number(blend["validationNDCG"]), let m = number(blend["modelOnlyNDCG"]) {
            text += String(format: " Chosen %.4f vs the model's own order %.4f", v, m)
            if let t = number(blend["gainT"]) { text += String(format: " (paired t %.2f)", t) }
            text += "."
        }
        if let note = blend["note"] as? String { text += " " + esc(note) }
        return section("Blend search", text + "</p><figure>\(chart)</figure>")
    }

    static func trainingSection(_ train: TrainRecord?) -> String {
        guard let train, !train.iterations.isEmpty else {
            return section("Training", "<p class=\"muted\">No training record for this model run.</p>")
        }
        let x = train.iterations.map { "\($0.iteration)" }
        let loss = SVGChart.lines(title: "Training loss per iteration", xLabels: x, series: [("loss", train.iterations.map(\.loss))])
        let rmse = SVGChart.lines(title: "Training RMSE per iteration", xLabels: x, series: [("train RMSE", train.iterations.map(\.trainRMSE))])
        let p = train.params
        let text =
            "<p>\(esc(p.mode.rawValue)) ALS, rank \(p.rank), \(train.iterations.count) iterations in \(String(format: "%.1f", train.trainSeconds)) s on \(train.ratings) ratings (\(train.users) users, \(train.movies) movies).</p>"
        return section("Training", text + "<div class=\"charts\"><figure>\(loss)</figure><figure>\(rmse)</figure></div>")
    }

    static func historySection(_ runs: [RunRecord]) -> String {
        guard !runs.isEmpty else { return section("Nightly history", "<p class=\"muted\">No nightly run records yet.</p>") }
        let labels = runs.map { String($0.runID.prefix(16)) }
        var chart = ""
        for (suffix, title) in [("ndcg_at_10", "NDCG@10"), ("recall_at_10", "Recall@10"), ("coverage", "Coverage")] {
            // The served figure (a bare key) first, then one line per candidate.
            let keys = Set(runs.flatMap { $0.metrics.keys }).filter { $0 == suffix || $0.hasSuffix("." + suffix) }
                .sorted { ($0 == suffix ? 0 : 1, $0) < ($1 == suffix ? 0 : 1, $1) }
            let series = keys.prefix(9).map { key in
                (
                    name: key == suffix ? "served" : String(key.dropLast(suffix.count + 1)),
                    values: runs.map { $0.metrics[key] ?? .nan }
                )
            }
            if !series.isEmpty {
                chart +=
                    "<figure>"
                    + SVGChart.lines(
                        title: "\(title) across the last \(runs.count) nightly run\(runs.count == 1 ? "" : "s")",
                        xLabels: labels, series: Array(series)) + "</figure>"
            }
        }
        chart = chart.isEmpty ? "<p class=\"muted\">The runs record no ranking metrics.</p>" : "<div class=\"charts\">\(chart)</div>"
        var rows = ""
        for r in runs.reversed() {
            let ndcg = r.metrics["ndcg_at_10"].map { String(format: "%.4f", $0) } ?? "–"
            let seconds = r.stages.reduce(0) { $0 + $1.durationSeconds }
            rows +=
                "<tr><th scope=\"row\">\(esc(r.runID))</th><td>\(esc(r.outcome))</td><td>\(ndcg)</td><td>\(String(format: "%.1f s", seconds))</td><td>\(esc(r.releaseID ?? "–"))</td></tr>"
        }
        return section(
            "Nightly history",
            chart
                + "<table><thead><tr><th>run</th><th>outcome</th><th>NDCG@10</th><th>stage time</th><th>release</th></tr></thead><tbody>\(rows)</tbody></table>"
        )
    }

    static func volumesSection(_ runs: [RunRecord]) -> String {
        guard runs.contains(where: { !$0.rows.isEmpty }) else {
            return section("Data volumes and quarantine", "<p class=\"muted\">No row counts recorded.</p>")
        }
        let labels = runs.map { String($0.runID.prefix(16)) }
        let tables = Set(runs.flatMap { $0.rows.keys }).sorted()
        let accepted = tables.prefix(6).map { t in (name: t, values: runs.map { $0.rows[t]?["accepted"].map(Double.init) ?? .nan }) }
        let quarantined = runs.map { r in Double(r.rows.values.reduce(0) { $0 + ($1["rejected"] ?? 0) }) }
        var charts =
            "<figure>" + SVGChart.lines(title: "Accepted rows per run", xLabels: labels, series: Array(accepted), yFormat: "%.3g") + "</figure>"
        charts +=
            "<figure>"
            + SVGChart.lines(title: "Quarantined (rejected) rows per run", xLabels: labels, series: [("rejected", quarantined)], yFormat: "%.3g")
            + "</figure>"
        var rows = ""
        for r in runs.reversed() {
            for t in r.rows.keys.sorted() {
                let c = r.rows[t]!
                rows +=
                    "<tr><th scope=\"row\">\(esc(r.runID))</th><td>\(esc(t))</td><td>\(c["read"] ?? 0)</td><td>\(c["accepted"] ?? 0)</td><td>\(c["rejected"] ?? 0)</td><td>\(c["deduplicated"] ?? 0)</td></tr>"
            }
        }
        return section(
            "Data volumes and quarantine",
            "<div class=\"charts\">\(charts)</div>"
                + "<details><summary>Rows per run and table</summary><table><thead><tr><th>run</th><th>table</th><th>read</th><th>accepted</th><th>rejected</th><th>deduplicated</th></tr></thead><tbody>\(rows)</tbody></table></details>"
        )
    }

    // MARK: Helpers

    static func section(_ title: String, _ html: String) -> String {
        "<section><h2>\(esc(title))</h2>\(html)</section>\n"
    }

    static func number(_ value: Any?) -> Double? {
        guard let n = value as? NSNumber else { return nil }
        let d = n.doubleValue
        return d.isFinite ? d : nil
    }

    static func int(_ value: Any?) -> String { number(value).map { String(Int($0)) } ?? "?" }

    /// A metric's confidence interval, in whichever shape the evaluation records it:
    /// `ndcgCI`/`ndcg_ci`/`ndcgCi` as `[lo, hi]` or `{lower, upper}`, or `ci`/`intervals`/`confidence` → metric.
    static func interval(_ result: [String: Any], _ metric: String) -> (Double, Double)? {
        var candidates: [Any?] = [result[metric + "CI"], result[metric + "_ci"], result[metric + "Ci"], result[metric + "Interval"]]
        for container in ["ci", "cis", "intervals", "confidence", "confidenceIntervals"] {
            candidates.append((result[container] as? [String: Any])?[metric])
        }
        for c in candidates {
            if let a = c as? [Any], a.count >= 2, let lo = number(a[0]), let hi = number(a[1]) { return (lo, hi) }
            if let d = c as? [String: Any] {
                let lo = number(d["lower"] ?? d["low"] ?? d["lo"]), hi = number(d["upper"] ?? d["high"] ?? d["hi"])
                if let lo, let hi { return (lo, hi) }
            }
        }
        return nil
    }

    static func esc(_ s: String) -> String { SVGChart.esc(s) }

    static let css = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1f24;background:#f6f7f9;line-height:1.45}
        header{background:#11203f;color:#fff;padding:1rem 1.25rem}header h1{margin:0 0 .25rem}header a{color:#cfe0ff}
        header .muted{color:#cfe0ff}main{max-width:1200px;margin:0 auto;padding:1rem 1.25rem 3rem}
        section{background:#fff;border:1px solid #d9dde3;border-radius:10px;padding:1rem 1.1rem;margin-top:1rem;overflow-x:auto}
        h2{margin:0 0 .6rem}.muted{color:#5b6470}.charts{display:flex;flex-wrap:wrap;gap:1rem}figure{margin:0;max-width:100%}
        svg{max-width:100%;height:auto}table{border-collapse:collapse;margin-top:.8rem;font-variant-numeric:tabular-nums}
        th,td{border-bottom:1px solid #e3e6ea;padding:.3rem .6rem;text-align:left}tr.served th,tr.served td{background:#fff4e5}
        """
}
