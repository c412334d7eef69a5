#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock and monotonic time without Foundation.
public enum Clock {
    /// Seconds since the Unix epoch.
    public static func now() -> Int64 { Int64(time(nil)) }

    /// Monotonic seconds, for durations and rates.
    public static func monotonic() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// CPU seconds this process has used so far, all threads together.
    public static func processCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Monotonic nanoseconds, for latency histograms.
    public static func nanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// The times `iso8601` prints as they are: years 0001 to 9999.
    public static let printableRange: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

    /// RFC 3339 UTC, second precision: `2026-11-25T13:49:18Z`. Total over
    /// `Int64`: a time outside years 0001–9999 (only a hostile file holds
    /// one, and readers refuse those) is clamped to the nearest end instead
    /// of overflowing `gmtime`'s year.
    public static func iso8601(_ seconds: Int64) -> String {
        var t = time_t(min(max(seconds, printableRange.lowerBound), printableRange.upperBound))
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return
            "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// `later - earlier` in seconds, saturating instead of trapping, for ages
    /// computed from a time read out of a file.
    public static func elapsed(from earlier: Int64, to later: Int64) -> Int64 {
        let (d, overflow) = later.subtractingReportingOverflow(earlier)
        return overflow ? (earlier > later ? .min : .max) : d
    }

    /// `YYYY-MM-DD` (UTC) of a Unix time, as used in partition names.
    public static func date(_ seconds: Int64) -> String {
        String(iso8601(seconds).prefix(10))
    }

    /// Days since 1970-01-01 for a civil date (proleptic Gregorian), for
    /// parsing dates without calendars.
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// A sortable id for a run or a release: `20261125T134918.123Z-3fa2`.
    /// Milliseconds keep ids made in the same second in creation order (the
    /// random suffix only separates processes).
    public static func runID() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return runID(at: Int64(ts.tv_sec), millis: Int(ts.tv_nsec / 1_000_000))
    }

    public static func runID(at seconds: Int64, millis: Int = 0) -> String {
        let compact = iso8601(seconds).filter { $0 != "-" && $0 != ":" }.dropLast()
        var ms = String(millis)
        while ms.count < 3 { ms = "0" + ms }
        var suffix = String(UInt16.random(in: 0...UInt16.max), radix: 16)
        while suffix.count < 4 { suffix = "0" + suffix }
        return compact + "." + ms + "Z-" + suffix
    }
}
