import ReelCore

/// The `stats` JSON of an `add` action, from the statistics the Parquet
/// writer gathered: `numRecords`, and per column `minValues`, `maxValues`,
/// `nullCount` in the forms Spark and delta-rs use for data skipping
/// (numbers as numbers, timestamps as ISO-8601 strings with milliseconds,
/// strings as strings). Bounds must be safe, so a string longer than 32
/// characters contributes a 32-character prefix as its minimum and no
/// maximum; booleans and NaN-only floats have no bounds.
enum DeltaStats {
    static let stringPrefix = 32

    static func json(_ summary: ParquetFileSummary, columns: [TableColumn]) -> String {
        var mins: [JSONMember] = [], maxs: [JSONMember] = [], nulls: [JSONMember] = []
        for (column, stats) in zip(columns, summary.columnStatistics) {
            nulls.append(JSONMember(column.name, .int(stats.nullCount)))
            if let lo = stats.min, let v = bound(lo, column.type, isMax: false) { mins.append(JSONMember(column.name, v)) }
            if let hi = stats.max, let v = bound(hi, column.type, isMax: true) { maxs.append(JSONMember(column.name, v)) }
        }
        return JSONValue.object([
            "numRecords": .int(summary.rowCount),
            "minValues": .object(mins),
            "maxValues": .object(maxs),
            "nullCount": .object(nulls),
        ]).serialized
    }

    private static func bound(_ value: StatisticValue, _ type: ColumnType, isMax: Bool) -> JSONValue? {
        switch (value, type) {
        case (_, .boolean): return nil
        case let (.int(v), .timestampMillis): return .string(timestamp(v))
        case let (.int(v), _): return .int(v)
        case let (.real(v), .float): return .float(Float(v))
        case let (.real(v), _): return .double(v)
        case (.bytes, _):
            let s = value.stringValue ?? ""
            if s.count <= stringPrefix { return .string(s) }
            return isMax ? nil : .string(String(s.prefix(stringPrefix)))
        default: return nil
        }
    }

    /// `2019-11-20T20:01:00.123Z` for milliseconds since the epoch.
    static func timestamp(_ ms: Int64) -> String {
        let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let millis = ms - seconds * 1000
        var fraction = String(millis)
        while fraction.count < 3 { fraction = "0" + fraction }
        return String(Clock.iso8601(seconds).dropLast()) + "." + fraction + "Z"
    }
}
