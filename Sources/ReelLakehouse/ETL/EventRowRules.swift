import ReelCore

/// The quality rules of the ratings table that also apply to events, taken
/// from the loaded contract so names and parameters live only in the YAML.
///
/// Ingest already enforced the event schema (ids, rating values, `ts`
/// format), so only the rules that need the ETL's context are left: the
/// ratings table's `not_before` and `not_after_run_clock` on its timestamp
/// and its `reference` from movieId to the accepted movies. They are checked
/// in contract order and an event is rejected with the first it breaks — the
/// same names a ratings.csv row would get (`timestamp_too_old`,
/// `timestamp_in_future`, `movieId_orphan`).
struct EventRowRules: Sendable {
    enum Check: Sendable {
        case notBefore(Int64)
        case notAfter(Int64)
        case movieReference
    }

    /// Rule names, in check order (indexes into per-rule counts).
    let names: [String]
    let checks: [Check]

    /// The rules of `ratings` on its `timestamp` and `movieId` columns that
    /// events can break; `runClock` bounds `not_after_run_clock`.
    init(ratings: BronzeTable, runClock: Int64) throws {
        let time = try ratings.columnIndex("timestamp")
        let movie = try ratings.columnIndex("movieId")
        var names: [String] = [], checks: [Check] = []
        for rule in ratings.rules {
            switch rule.check {
            case .notBefore(let c, let t) where c == time: checks.append(.notBefore(t))
            case .notAfterRunClock(let c) where c == time: checks.append(.notAfter(runClock))
            case .reference(let c, let table, let key) where c == movie && table == "movies" && key == "movieId":
                checks.append(.movieReference)
            default: continue
            }
            names.append(rule.name)
        }
        guard checks.contains(where: { if case .movieReference = $0 { return true } else { return false } }) else {
            throw ReelError(.invalidInput, "bronze contract: table '\(ratings.name)' has no reference from movieId to movies.movieId, which events need")
        }
        self.names = names
        self.checks = checks
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
