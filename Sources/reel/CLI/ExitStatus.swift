import ReelCore

/// The one exit-code table of `reel`. Every `--help` ends with it, the README
/// shows it, and `ReelError.exitCode` follows it, so cron, systemd and Airflow
/// can tell "nothing to do about it until a human looks" from "retry later".
enum ExitStatus {
    /// (code, meaning) in the order the table prints them.
    static let rows: [(Int32, String)] = [
        (0, "success (stages may have been skipped as unchanged)"),
        (1, "error: a stage failed, bad input data, a corrupt file, an I/O failure"),
        (2, "not found: the input, release, run, user or movie asked for does not exist"),
        (3, "another Reel run holds the lock (output/.reel.lock); try again later"),
        (4, "the quality gate refused to publish the new model"),
        (64, "usage: unknown command or option, bad value, not a Reel home (EX_USAGE)"),
    ]

    /// The table as it ends every `--help`.
    static let helpText: String = {
        "EXIT CODES:\n"
            + rows.map { code, meaning in
                let c = String(code)
                return "  " + c + String(repeating: " ", count: 4 - c.count) + meaning
            }.joined(separator: "\n")
    }()
}
