/// How operator-facing log lines are written (`--log-format`, `log.format`):
/// `text` is `<time> <stage>: <message> key=value …`, one line per event, for
/// people, cron mail and journald; `json` is one JSON object per line with the
/// same content (`time`, `level`, `stage`, `message`, then the fields, camelCase)
/// for log shippers. The pipeline's lines (`Console`) and the daemon's
/// (its swift-log handler, access log included) share this one renderer.
public enum LogFormat: String, Sendable, CaseIterable {
    case text, json
}

/// A structured field's value: numbers stay numbers in JSON.
public enum LogValue: Sendable, Equatable {
    case string(String)
    case int(Int64)
}

public enum LogLevel: String, Sendable {
    case info, warning, error
}

/// Renders one log line (with its newline).
public enum LogLine {
    public static func render(
        _ format: LogFormat, time: String, level: LogLevel, stage: String, message: String,
        fields: [(key: String, value: LogValue)] = []
    ) -> String {
        switch format {
        case .text:
            var line = "\(time) \(stage): " + (level == .info ? "" : "\(level.rawValue): ") + message
            for (key, value) in fields {
                line += " \(key)="
                switch value {
                case .int(let n): line += String(n)
                case .string(let s): line += needsQuotes(s) ? JSONStyle.string(s) : s
                }
            }
            return line + "\n"
        case .json:
            var line =
                "{\"time\":" + JSONStyle.string(time) + ",\"level\":" + JSONStyle.string(level.rawValue)
                + ",\"stage\":" + JSONStyle.string(stage) + ",\"message\":" + JSONStyle.string(message)
            for (key, value) in fields {
                line += "," + JSONStyle.string(key) + ":"
                switch value {
                case .int(let n): line += String(n)
                case .string(let s): line += JSONStyle.string(s)
                }
            }
            return line + "}\n"
        }
    }

    /// A text field value is quoted when it is empty or holds a space, a quote,
    /// a backslash or a control character (a user agent); `=` is fine (a key
    /// ends at the first one), so `path=/v1/trending?k=3` stays readable.
    static func needsQuotes(_ s: String) -> Bool {
        s.isEmpty || s.utf8.contains { $0 <= 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F }
    }
}
