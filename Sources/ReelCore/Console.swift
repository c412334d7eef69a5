#if canImport(Glibc)
import Glibc
#endif

/// Operator-facing output of the batch commands: one line per event on
/// stderr (`<time> <stage>: <message>`), so cron mail and journald read well,
/// while stdout stays free for results (tables, JSON).
///
/// This is the process's one logger facade: the pipeline's lines, the daemon's
/// swift-log events (its `ConsoleLogHandler` is an adapter over `log`), the CLI's
/// `error:` and `note:` lines and progress all render and write here, one `write`
/// per line, in the format `--log-format` chose.
public enum Console {
    /// True when stderr is a terminal (progress bars redraw in place).
    public static let isTTY: Bool = isatty(2) == 1

    /// Set by `--quiet`: only warnings and errors are printed.
    nonisolated(unsafe) public static var quiet = false

    /// Set by `--log-format` (or `log.format`): text lines or JSON objects (`LogLine`).
    nonisolated(unsafe) public static var format: LogFormat = .text

    public static func info(_ stage: String, _ message: String) {
        log(.info, stage: stage, message)
    }

    public static func warn(_ stage: String, _ message: String) {
        log(.warning, stage: stage, message)
    }

    /// Renders and writes one event (`--quiet` drops info); `format` overrides `Console.format`
    /// (the daemon fixes its format when it starts).
    public static func log(
        _ level: LogLevel, stage: String, _ message: String,
        fields: [(key: String, value: LogValue)] = [], format: LogFormat? = nil
    ) {
        guard level != .info || !quiet else { return }
        emit(line(level, stage: stage, message, fields: fields, format: format ?? self.format, time: Clock.iso8601(Clock.now())))
    }

    /// The line `log` writes for an event at `time` (tests compare lines with a fixed time).
    public static func line(
        _ level: LogLevel, stage: String, _ message: String,
        fields: [(key: String, value: LogValue)] = [], format: LogFormat, time: String
    ) -> String {
        LogLine.render(format, time: time, level: level, stage: stage, message: message, fields: fields)
    }

    /// A command's failure, the last line before a non-zero exit, never silenced: `error: <message>`
    /// in text (scripts and the docs quote it), one more JSON line (level `error`, stage `reel`) in JSON.
    public static func error(_ message: String) {
        emit(
            format == .json
                ? line(.error, stage: "reel", message, format: .json, time: Clock.iso8601(Clock.now()))
                : "error: \(message)\n")
    }

    /// A remark beside a command's answer on stdout (`note: <message>`, e.g. a fallback); `--quiet` drops it.
    public static func note(_ message: String) {
        guard !quiet else { return }
        emit("note: \(message)\n")
    }

    /// Writes a rendered line to stderr whole (one `write` for a short line: lines of
    /// concurrent threads do not interleave).
    public static func emit(_ line: String) {
        var l = line
        l.withUTF8 { buf in
            var offset = 0
            while offset < buf.count {
                let n = write(2, buf.baseAddress! + offset, buf.count - offset)
                if n <= 0 { if errno == EINTR { continue }; return }
                offset += n
            }
        }
    }

    /// Formats a count with thousands separators: 25,000,095.
    public static func count<T: BinaryInteger>(_ n: T) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// Formats seconds as `1.23 s`, `2m05s`.
    public static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return fixed(seconds, 2) + " s" }
        let s = Int(seconds.rounded())
        return "\(s / 60)m" + (s % 60 < 10 ? "0" : "") + "\(s % 60)s"
    }

    /// Formats bytes as `680.1 MB`.
    public static func bytes(_ n: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var v = Double(n)
        var u = 0
        while v >= 1000 && u < units.count - 1 { v /= 1000; u += 1 }
        return u == 0 ? "\(n) B" : fixed(v, 1) + " " + units[u]
    }

    /// `value` with `digits` decimals, without Foundation's String(format:).
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        var frac = String(Int(scaled - Double(whole) * scale))
        while frac.count < digits { frac = "0" + frac }
        return (value < 0 && scaled != 0 ? "-" : "") + String(whole) + (digits > 0 ? "." + frac : "")
    }
}

/// Progress of a long stage: on a terminal, a line redrawn in place with
/// done/total, rate and ETA; otherwise a plain log line every few seconds.
/// Cheap to call per chunk (not per row).
public final class Progress: @unchecked Sendable {
    let stage: String
    let unit: String
    let total: Int
    let start = Clock.monotonic()
    /// The first line waits one interval: a rate (and ETA) measured over the first chunk alone
    /// is start-up cost, not speed (a 1-second job once showed "ETA 2m").
    lazy var lastPrint = start
    private let lock = NSLockLite()
    private var done = 0
    /// Lines reported so far (tests: the 100% line is printed once, by `finish`).
    public private(set) var reports = 0

    public init(stage: String, total: Int, unit: String) {
        self.stage = stage
        self.total = total
        self.unit = unit
    }

    /// Adds `n` units of completed work; thread-safe.
    public func advance(_ n: Int) {
        lock.withLock {
            done += n
            let now = Clock.monotonic()
            let interval = Console.isTTY ? 0.2 : 5.0
            // At 100% only `finish` prints, so the complete line appears once.
            if total == 0 || done < total, now - lastPrint >= interval { lastPrint = now; report(now, final: false) }
        }
    }

    /// Prints the final line.
    public func finish() {
        lock.withLock { report(Clock.monotonic(), final: true) }
    }

    private func report(_ now: Double, final: Bool) {
        reports += 1
        guard !Console.quiet else { return }
        let elapsed = max(now - start, 1e-9)
        let rate = Double(done) / elapsed
        var line = Console.count(done)
        if total > 0 {
            line += "/\(Console.count(total)) \(unit) (\(Console.fixed(100 * Double(done) / Double(total), 1))%)"
        } else {
            line += " \(unit)"
        }
        line += ", \(Console.count(Int(rate)))/s"
        if !final, total > 0, rate > 0 { line += ", ETA \(Console.duration(Double(total - done) / rate))" }
        if final { line += ", \(Console.duration(elapsed))" }
        if Console.isTTY && Console.format == .text {
            Console.emit("\r\u{1B}[2K\(stage): " + line + (final ? "\n" : ""))
        } else {
            Console.info(stage, line)
        }
    }
}

/// A pthread mutex (ReelCore avoids Foundation so the lookup commands start fast).
public final class NSLockLite: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    public init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    public func withLock<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}
