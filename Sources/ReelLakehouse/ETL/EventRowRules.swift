import ReelCore

/// The quality rules of the ratings table that also apply to events, taken
/// from the loaded contract so names and parameters live only in the YAML.
///
/// One rule set for both stages that see an event:
/// - `reel events ingest` (`timeOnly`) applies the ratings table's
///   `not_before` and `not_after_run_clock` on its timestamp to `ts`, with
///   the ingest run's clock, so a too old or future-dated event is
///   quarantined by the first stage that sees it and never reaches bronze;
/// - the ETL applies the same rules with its own (later) clock, plus the
///   `reference` from movieId to the accepted movies, which needs the ETL's
///   context. Whatever ingest accepted passes the ETL's time rules too: the
///   ETL's clock is later and the tolerance is the same.
///
/// Rules are checked in contract order and an event is rejected with the
/// first it breaks — the names a ratings.csv row would get
/// (`timestamp_too_old`, `timestamp_in_future`, `movieId_orphan`).
struct EventRowRules: Sendable {
    enum Check: Sendable {
        case notBefore(Int64)
        /// The latest accepted time: the run's clock plus the rule's tolerance.
        case notAfter(Int64)
        case movieReference
    }

    /// Rule names, in check order (indexes into per-rule counts).
    let names: [String]
    let checks: [Check]

    /// - Parameters:
    ///   - ratings: the contract's ratings table.
    ///   - runClock: the run's clock (Unix seconds); `not_after_run_clock`
    ///     accepts up to it plus the rule's `tolerance_seconds`.
    ///   - timeOnly: only the time rules (ingest, which has no movies to refer to).
    init(ratings: BronzeTable, runClock: Int64, timeOnly: Bool = false) throws {
        let time = try ratings.columnIndex("timestamp")
        let movie = try ratings.columnIndex("movieId")
        var names: [String] = [], checks: [Check] = []
        for rule in ratings.rules {
            switch rule.check {
            case .notBefore(let c, let t) where c == time: checks.append(.notBefore(t))
            case .notAfterRunClock(let c, let tolerance) where c == time:
                let (limit, overflow) = runClock.addingReportingOverflow(tolerance)
                checks.append(.notAfter(overflow ? .max : limit))
            case .reference(let c, let table, let key) where !timeOnly && c == movie && table == "movies" && key == "movieId":
                checks.append(.movieReference)
            default: continue
            }
            names.append(rule.name)
        }
        guard timeOnly || checks.contains(where: { if case .movieReference = $0 { return true } else { return false } }) else {
            throw ReelError(
                .invalidInput, "bronze contract: table '\(ratings.name)' has no reference from movieId to movies.movieId, which events need")
        }
        self.names = names
        self.checks = checks
    }

    /// Whether rule `index` is also enforced by ingest (a time rule). In the
    /// ETL, events breaking such a rule were let into bronze by an older
    /// ingest (or placed by hand): they are quarantined but do not count
    /// towards the reject threshold, since bronze is never edited and they
    /// would otherwise fail every nightly from then on.
    func isEnforcedAtIngest(_ index: Int) -> Bool {
        if case .movieReference = checks[index] { return false }
        return true
    }

    /// The first rule an event breaks (an index into `names`), or nil when it
    /// passes. `movieRow` is the movie's row among accepted movies, −1 when absent.
    @inline(__always)
    func firstBroken(movieRow: Int32, time: Int64) -> Int? {
        for (i, check) in checks.enumerated() {
            switch check {
            case .notBefore(let t): if time < t { return i }
            case .notAfter(let t): if time > t { return i }
            case .movieReference: if movieRow < 0 { return i }
            }
        }
        return nil
    }
}
