import Foundation
import ReelCore

/// Small inline-SVG charts for the evaluation report: drawn by Reel, no
/// script, no external file, presentation attributes only (so the report's
/// Content-Security-Policy can forbid everything but inline styles).
/// Every label goes through `esc`.
enum SVGChart {
    static let palette = ["#2454d6", "#d6542a", "#1b7f3b", "#8a3fd1", "#b8860b", "#0f8a9d", "#c2185b", "#5d6d7e"]

    /// One bar per item, with an optional confidence interval whisker.
    struct Bar {
        var label: String
        var value: Double
        var ci: (Double, Double)?
        var highlight = false
    }

    static func bars(title: String, _ bars: [Bar], format: String = "%.4f") -> String {
        guard !bars.isEmpty else { return "" }
        let rowH = 26.0, left = 150.0, width = 560.0, plotW = width - left - 90
        let height = Double(bars.count) * rowH + 40
        let maxValue = max(bars.map { max($0.value, $0.ci?.1 ?? 0) }.max() ?? 0, 1e-9)
        var s = svgOpen(width: width, height: height, title: title)
        s += text(x: 8, y: 16, title, weight: "600")
        for (i, b) in bars.enumerated() {
            let y = 28 + Double(i) * rowH
            let w = max(1, plotW * b.value / maxValue)
            s += text(x: left - 8, y: y + 15, b.label, anchor: "end", weight: b.highlight ? "700" : "400")
            s +=
                "<rect x=\"\(f(left))\" y=\"\(f(y + 4))\" width=\"\(f(w))\" height=\"\(f(rowH - 10))\" fill=\"\(b.highlight ? "#d6542a" : "#2454d6")\" rx=\"3\"/>"
            if let (lo, hi) = b.ci {
                let x1 = left + plotW * lo / maxValue, x2 = left + plotW * hi / maxValue, cy = y + rowH / 2 - 1
                s += "<line x1=\"\(f(x1))\" y1=\"\(f(cy))\" x2=\"\(f(x2))\" y2=\"\(f(cy))\" stroke=\"#111\" stroke-width=\"1.5\"/>"
                s += "<line x1=\"\(f(x1))\" y1=\"\(f(cy - 5))\" x2=\"\(f(x1))\" y2=\"\(f(cy + 5))\" stroke=\"#111\"/>"
                s += "<line x1=\"\(f(x2))\" y1=\"\(f(cy - 5))\" x2=\"\(f(x2))\" y2=\"\(f(cy + 5))\" stroke=\"#111\"/>"
            }
            let end = left + max(w, b.ci.map { plotW * $0.1 / maxValue } ?? 0)
            s += text(x: end + 6, y: y + 15, String(format: format, b.value), size: 11)
        }
        return s + "</svg>"
    }

    /// Lines over a shared x axis (labels), one per series; NaN = no point.
    static func lines(title: String, xLabels: [String], series: [(name: String, values: [Double])], yFormat: String = "%.4g") -> String {
        let points = series.flatMap { $0.values }.filter { $0.isFinite }
        guard !xLabels.isEmpty, let lo0 = points.min(), let hi0 = points.max() else { return "" }
        let pad = (hi0 - lo0) * 0.08 + (hi0 == lo0 ? max(abs(hi0) * 0.05, 1e-6) : 0)
        let lo = lo0 - pad, hi = hi0 + pad
        let legendRows = Double((series.count + 2) / 3)
        let width = 560.0, height = 266.0 + 16 * legendRows, left = 62.0, right = 12.0, top = 30.0, bottom = 72.0 + 16 * legendRows
        let plotW = width - left - right, plotH = height - top - bottom
        func x(_ i: Int) -> Double { left + (xLabels.count == 1 ? plotW / 2 : plotW * Double(i) / Double(xLabels.count - 1)) }
        func y(_ v: Double) -> Double { top + plotH * (1 - (v - lo) / (hi - lo)) }
        var s = svgOpen(width: width, height: height, title: title)
        s += text(x: 8, y: 16, title, weight: "600")
        for t in 0...4 {
            let v = lo + (hi - lo) * Double(t) / 4
            s += "<line x1=\"\(f(left))\" y1=\"\(f(y(v)))\" x2=\"\(f(width - right))\" y2=\"\(f(y(v)))\" stroke=\"#e3e6ea\"/>"
            s += text(x: left - 6, y: y(v) + 4, String(format: yFormat, v), anchor: "end", size: 10)
        }
        let step = max(1, xLabels.count / 8)
        for (i, label) in xLabels.enumerated() where i % step == 0 || i == xLabels.count - 1 {
            s +=
                "<text x=\"\(f(x(i)))\" y=\"\(f(height - bottom + 14))\" font-size=\"10\" text-anchor=\"end\" transform=\"rotate(-30 \(f(x(i))) \(f(height - bottom + 14)))\" fill=\"#333\">\(esc(label))</text>"
        }
        for (k, line) in series.enumerated() {
            let color = palette[k % palette.count]
            let pts = line.values.enumerated().filter { $0.element.isFinite }.map { "\(f(x($0.offset))),\(f(y($0.element)))" }
            if pts.count > 1 { s += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(pts.joined(separator: " "))\"/>" }
            for p in pts {
                let xy = p.split(separator: ",")
                s += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"3\" fill=\"\(color)\"/>"
            }
            let legendY = height - 16 * legendRows + 16 * Double(k / 3) - 4
            s += "<rect x=\"\(f(left + Double(k % 3) * 165))\" y=\"\(f(legendY - 9))\" width=\"10\" height=\"10\" fill=\"\(color)\"/>"
            s += text(x: left + Double(k % 3) * 165 + 14, y: legendY, line.name, size: 11)
        }
        return s + "</svg>"
    }

    /// A grid of values (rows × columns) coloured from low (light) to high (dark); `mark` outlines one cell.
    static func heatmap(
        title: String, rowName: String, columnName: String, rows: [String], columns: [String],
        values: [[Double?]], mark: (Int, Int)?
    ) -> String {
        let all = values.flatMap { $0 }.compactMap { $0 }
        guard let lo = all.min(), let hi = all.max(), !rows.isEmpty, !columns.isEmpty else { return "" }
        let cell = 64.0, left = 110.0, top = 52.0
        let width = left + cell * Double(columns.count) + 20, height = top + cell * 0.6 * Double(rows.count) + 40
        var s = svgOpen(width: width, height: height, title: title)
        s += text(x: 8, y: 16, title, weight: "600")
        s += text(x: left + cell * Double(columns.count) / 2, y: 28, columnName, anchor: "middle", size: 11)
        s += text(x: 8, y: top - 4, rowName, size: 11)
        for (c, label) in columns.enumerated() { s += text(x: left + cell * (Double(c) + 0.5), y: top - 4, label, anchor: "middle", size: 11) }
        for (r, label) in rows.enumerated() {
            let y = top + cell * 0.6 * Double(r)
            s += text(x: left - 8, y: y + cell * 0.36, label, anchor: "end", size: 11)
            for c in columns.indices {
                let x = left + cell * Double(c)
                guard let v = values[r][c] else {
                    s += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(cell - 2))\" height=\"\(f(cell * 0.6 - 2))\" fill=\"#f3f4f6\"/>"
                    continue
                }
                let t = hi > lo ? (v - lo) / (hi - lo) : 1
                let shade = Int(235 - 170 * t), blue = Int(250 - 60 * t)
                let stroke = mark.map { $0 == (r, c) } == true ? " stroke=\"#d6542a\" stroke-width=\"3\"" : ""
                s +=
                    "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(cell - 2))\" height=\"\(f(cell * 0.6 - 2))\" fill=\"rgb(\(shade),\(shade + 5),\(blue))\"\(stroke)/>"
                s +=
                    "<text x=\"\(f(x + cell / 2 - 1))\" y=\"\(f(y + cell * 0.36))\" font-size=\"10\" text-anchor=\"middle\" fill=\"\(t > 0.6 ? "#fff" : "#111")\">\(String(format: "%.4f", v))</text>"
            }
        }
        return s + "</svg>"
    }

    static func svgOpen(width: Double, height: Double, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"\(f(width))\" height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\" font-family=\"system-ui, sans-serif\"><title>\(esc(title))</title>"
    }

    static func text(x: Double, y: Double, _ s: String, anchor: String = "start", size: Int = 12, weight: String = "400") -> String {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" font-size=\"\(size)\" font-weight=\"\(weight)\" text-anchor=\"\(anchor)\" fill=\"#1b1f24\">\(esc(s))</text>"
    }

    static func f(_ x: Double) -> String { String(format: "%.1f", x) }

    /// Escapes text for HTML and SVG (content and quoted attributes).
    static func esc(_ s: String) -> String { HTMLText.escape(s) }
}
