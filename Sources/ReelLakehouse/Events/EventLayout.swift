import ReelCore

/// One date partition of one event type: `lakehouse/bronze/events/<type>/date=YYYY-MM-DD/`.
public struct EventPartition: Sendable, Equatable {
    public let type: EventType
    /// Days since 1970-01-01 (UTC).
    public let day: Int64
    public let directory: String
    /// The event files in it (`*.ndjson`, `*.ndjson.zst`), sorted by name.
    public let files: [String]

    /// `YYYY-MM-DD`.
    public var date: String { EventLayout.date(day) }
}

/// Paths and names of the bronze event layout, in one place.
///
///     lakehouse/bronze/events/<type>/date=YYYY-MM-DD/part-<run-id>.ndjson   accepted events
///     lakehouse/bronze/events/_index/<type>/date=YYYY-MM-DD.idx            event-id index
///     lakehouse/bronze/events/_synth_events.json                           what synth planted
///     lakehouse/quarantine/<run-id>/events.rejects.ndjson                  rejected lines
public enum EventLayout {
    public static func typeDirectory(_ home: ReelHome, _ type: EventType) -> String {
        Path.join(home.bronzeEvents, type.rawValue)
    }

    public static func partitionDirectory(_ home: ReelHome, _ type: EventType, day: Int64) -> String {
        Path.join(typeDirectory(home, type), "date=" + date(day))
    }

    public static func indexDirectory(_ home: ReelHome) -> String { Path.join(home.bronzeEvents, "_index") }

    public static func indexFile(_ home: ReelHome, _ type: EventType, day: Int64) -> String {
        Path.join(indexDirectory(home), type.rawValue, "date=" + date(day) + ".idx")
    }

    public static func synthManifest(_ home: ReelHome) -> String { Path.join(home.bronzeEvents, "_synth_events.json") }

    public static func quarantineFile(_ home: ReelHome, run: String) -> String {
        Path.join(home.quarantine(run: run), "events.rejects.ndjson")
    }

    /// The folder ingest reads when no source is given (where a shipper drops files).
    public static func inbox(_ home: ReelHome) -> String { home.path("lakehouse", "inbox", "events") }

    /// Every partition on disk, by type then date; optionally only dates in `days`.
    public static func partitions(_ home: ReelHome, days: ClosedRange<Int64>? = nil) -> [EventPartition] {
        var result: [EventPartition] = []
        for type in EventType.allCases {
            let dir = typeDirectory(home, type)
            for name in FileSystem.list(dir) where name.hasPrefix("date=") {
                guard let day = day(String(name.dropFirst(5))) else { continue }
                if let days, !days.contains(day) { continue }
                let path = Path.join(dir, name)
                guard FileSystem.isDirectory(path) else { continue }
                let files = FileSystem.list(path).filter(EventInput.isEventFileName)
                result.append(EventPartition(type: type, day: day, directory: path, files: files))
            }
        }
        return result
    }

    /// One partition as it is on disk now (no files when the folder does not exist).
    public static func partition(_ home: ReelHome, _ type: EventType, day: Int64) -> EventPartition {
        let dir = partitionDirectory(home, type, day: day)
        return EventPartition(
            type: type, day: day, directory: dir,
            files: FileSystem.list(dir).filter(EventInput.isEventFileName))
    }

    /// `YYYY-MM-DD` of a day number.
    public static func date(_ day: Int64) -> String { Clock.date(day * 86_400) }

    /// The day number of `YYYY-MM-DD`, or nil when it is not a real date.
    public static func day(_ date: String) -> Int64? {
        let b = Array(date.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r { let d = Int(b[i]) - 48; guard d >= 0 && d < 10 else { return nil }; v = v * 10 + d }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10),
            m >= 1, m <= 12, d >= 1, d <= EventFieldParsers.daysInMonth(y, m)
        else { return nil }
        return Int64(Clock.daysFromCivil(year: y, month: m, day: d))
    }
}
