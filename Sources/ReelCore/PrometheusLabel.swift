/// Prometheus text-format helpers shared by the daemon's `/metrics` and the
/// nightly job's textfile metrics.
public enum PrometheusLabel {
    /// Escapes a label value: backslash, double quote and newline.
    public static func escape(_ value: String) -> String {
        var out = ""
        for ch in value {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(ch)
            }
        }
        return out
    }
}
