import Logging
import ReelCore

/// The daemon's swift-log handler: an adapter over `Console`, the one logger
/// facade, so every event is a Reel log line on stderr (`LogLine`:
/// `<time> serve: listening address=… release=…`, or one JSON object with
/// `--log-format json`), the same shape as the pipeline's lines, so one parser
/// reads both.
///
/// The adapter only maps: swift-log's level to Reel's (trace…notice → info,
/// warning, error/critical → error); the stage is the handler's (`serve`) unless
/// the event's metadata names one (`stage`: the access log's `access`); fields
/// follow `leadingKeys`, then the rest by name; integers stay numbers in JSON.
public struct ConsoleLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    let stage: String
    let format: LogFormat

    /// The access log's fields, in reading order.
    static let leadingKeys = ["method", "path", "status", "bytes", "durationMicros", "client", "userAgent"]

    public init(stage: String, format: LogFormat) {
        self.stage = stage
        self.format = format
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let e = reelEvent(event)
        Console.log(e.level, stage: e.stage, e.message, fields: e.fields, format: format)
    }

    /// The line for `event` (tests call this with a fixed time).
    func render(_ event: LogEvent, time: String) -> String {
        let e = reelEvent(event)
        return Console.line(e.level, stage: e.stage, e.message, fields: e.fields, format: format, time: time)
    }

    /// `event` in Console's terms.
    func reelEvent(_ event: LogEvent) -> (level: LogLevel, stage: String, message: String, fields: [(key: String, value: LogValue)]) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let stage = merged.removeValue(forKey: "stage").map { "\($0)" } ?? self.stage
        let ordered =
            Self.leadingKeys.filter { merged[$0] != nil }
            + merged.keys.filter { !Self.leadingKeys.contains($0) }.sorted()
        let fields = ordered.map { key in (key: key, value: Self.value(merged[key]!)) }
        let level: LogLevel =
            switch event.level {
            case .trace, .debug, .info, .notice: .info
            case .warning: .warning
            case .error, .critical: .error
            }
        return (level, stage, "\(event.message)", fields)
    }

    private static func value(_ value: Logger.MetadataValue) -> LogValue {
        if case .stringConvertible(let convertible) = value {
            if let n = convertible as? Int { return .int(Int64(n)) }
            if let n = convertible as? Int64 { return .int(n) }
            if let n = convertible as? UInt64, n <= UInt64(Int64.max) { return .int(Int64(n)) }
        }
        return .string("\(value)")
    }
}
