import ReelCore

/// Builds a Prometheus text-format file for node_exporter's textfile
/// collector (`output/metrics/reel_nightly.prom`), written atomically so the
/// collector never reads half a file.
public struct PrometheusTextfile {
    private var families: [(name: String, help: String, type: String, samples: [(labels: String, value: Double)])] = []

    public init() {}

    /// Adds a sample; metrics of one name are grouped under one HELP/TYPE.
    public mutating func add(
        _ name: String, help: String, type: String = "gauge",
        labels: [(String, String)] = [], value: Double
    ) {
        let rendered = labels.isEmpty ? "" : "{" + labels.map { "\($0.0)=\"\(PrometheusLabel.escape($0.1))\"" }.joined(separator: ",") + "}"
        if let i = families.firstIndex(where: { $0.name == name }) {
            families[i].samples.append((rendered, value))
        } else {
            families.append((name, help, type, [(rendered, value)]))
        }
    }

    public func render() -> String {
        var out = ""
        for f in families {
            out += "# HELP \(f.name) \(f.help)\n# TYPE \(f.name) \(f.type)\n"
            for s in f.samples { out += "\(f.name)\(s.labels) \(Self.format(s.value))\n" }
        }
        return out
    }

    public func write(to path: String) throws {
        try FileSystem.writeAtomically(path, text: render())
    }

    static func format(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }
}
