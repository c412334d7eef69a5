import ReelCore
import ReelSilver

/// The bronze event partitions as one ETL run uses them: every event checked
/// against the ratings table's rules that apply to events (`EventRowRules`),
/// rating events handed to the ratings build as one more chunk, views and
/// clicks added to trending, and per type the counts that reconcile.
struct ETLEvents {
    /// One event type.
    struct Kind {
        let type: EventType
        /// As `EventReader` returned them (each event id once), partition order.
        let columns: EventColumns
        /// Movie row of each event among the accepted movies, or, for an event
        /// that broke a rule, −1 − the rule's index in `EventRowRules.names`.
        var movieRows: [Int32]
        /// Bronze lines of this type, repeated event ids included.
        var read = 0
        /// Lines whose event id an earlier line already had (only hand-placed files hold them).
        var repeats = 0
        /// Rejections per rule, in `EventRowRules.names` order.
        var rejectedByRule: [Int]
        /// The newest event that passed the rules.
        var newestPassed: Int64?

        var rejected: Int { rejectedByRule.reduce(0, +) }
        /// Events that passed the rules (for ratings: before the (user, movie) dedupe).
        var passed: Int { columns.count - rejected }

        /// xxh3-64 of the columns, so the silver manifest changes whenever the events do.
        var checksum: UInt64 {
            let stream = XXH3Stream()
            columns.users.withUnsafeBytes { stream.update($0) }
            columns.movies.withUnsafeBytes { stream.update($0) }
            columns.times.withUnsafeBytes { stream.update($0) }
            columns.ratings.withUnsafeBytes { stream.update($0) }
            return stream.digest
        }
    }

    /// Indexed by `EventType.index`.
    var kinds: [Kind]
    let ruleNames: [String]
    var files = 0
    var partitions = 0

    subscript(_ type: EventType) -> Kind { kinds[type.index] }

    /// Reads every partition (validated again by `EventReader`) and applies `rules`.
    static func read(
        home: ReelHome, schemasDirectory: String, movies: DenseIDIndex, rules: EventRowRules,
        threads: Int
    ) throws -> ETLEvents {
        let hasFiles = EventLayout.partitions(home).contains { !$0.files.isEmpty }
        // Schemas are needed only to validate files; an events folder without any reads none.
        let schemas = hasFiles ? try EventSchemaSet.load(directory: Path.join(schemasDirectory, "events")) : nil
        let load = try EventReader.read(home: home, schemas: schemas, workers: threads)
        var events = ETLEvents(kinds: [], ruleNames: rules.names, files: load.files, partitions: load.partitions)
        for type in EventType.allCases {
            let columns = load.columns[type] ?? EventColumns()
            var kind = Kind(
                type: type, columns: columns, movieRows: [Int32](repeating: -1, count: columns.count),
                rejectedByRule: [Int](repeating: 0, count: rules.names.count))
            kind.repeats = load.duplicatesByType[type] ?? 0
            kind.read = columns.count + kind.repeats
            var newest = Int64.min
            for i in 0..<columns.count {
                let row = movies.row(of: Int64(columns.movies[i]))
                let time = columns.times[i]
                if let broken = rules.firstBroken(movieRow: row, time: time) {
                    kind.rejectedByRule[broken] += 1
                    kind.movieRows[i] = -1 - Int32(broken)
                } else {
                    kind.movieRows[i] = row
                    newest = max(newest, time)
                }
            }
            kind.newestPassed = newest == .min ? nil : newest
            events.kinds.append(kind)
        }
        return events
    }

    /// The rating events that passed, as one more chunk for the ratings build:
    /// appended after the ratings.csv chunks, so on equal timestamps the
    /// event (the later line) wins, as the contract's dedupe says.
    func ratingColumns() -> RatingColumns {
        let k = self[.rating]
        var out = RatingColumns()
        out.reserve(k.passed)
        for i in 0..<k.columns.count where k.movieRows[i] >= 0 {
            out.append(user: k.columns.users[i], movieRow: k.movieRows[i], rating: k.columns.ratings[i], time: k.columns.times[i])
        }
        return out
    }

    /// How many (user, movie) pairs of the built ratings came from a rating
    /// event rather than ratings.csv. A pair's kept rating is the newest, the
    /// later line on a tie, and events come after every ratings.csv line, so
    /// an event won exactly when the kept time equals the pair's newest event time.
    func ratingEventsKept(in byUser: RatingsCSRBuilder.UserMajor) -> Int {
        let k = self[.rating]
        var pairs: [(key: UInt64, time: Int64)] = []
        pairs.reserveCapacity(k.passed)
        for i in 0..<k.columns.count where k.movieRows[i] >= 0 {
            pairs.append((UInt64(UInt32(bitPattern: k.columns.users[i])) << 32 | UInt64(UInt32(bitPattern: k.movieRows[i])), k.columns.times[i]))
        }
        pairs.sort { $0.key < $1.key }
        var kept = 0
        var i = 0
        while i < pairs.count {
            var newest = pairs[i].time
            var j = i + 1
            while j < pairs.count && pairs[j].key == pairs[i].key { newest = max(newest, pairs[j].time); j += 1 }
            let user = Int32(bitPattern: UInt32(pairs[i].key >> 32)), movie = Int32(bitPattern: UInt32(pairs[i].key & 0xFFFF_FFFF))
            if byUser.keptTime(user: user, movieRow: movie) == newest { kept += 1 }
            i = j
        }
        return kept
    }

    /// The newest view or click that passed the rules (ratings are covered by the built ratings).
    var newestInteraction: Int64? {
        [self[.view].newestPassed, self[.click].newestPassed].compactMap { $0 }.max()
    }

    /// Adds the views and clicks that passed to `accumulator`, with their weights.
    func addViewsAndClicks(to accumulator: inout PopularityAccumulator) {
        for type in [EventType.view, .click] {
            let k = self[type]
            let weight = type.weight(accumulator.rules)
            for i in 0..<k.columns.count where k.movieRows[i] >= 0 {
                accumulator.add(movie: Int(k.movieRows[i]), time: k.columns.times[i], weight: weight)
            }
        }
    }

    /// What the silver manifest records per type.
    var manifestEntries: [String: SilverManifest.EventsUsed] {
        var out: [String: SilverManifest.EventsUsed] = [:]
        for k in kinds {
            out[k.type.rawValue] = SilverManifest.EventsUsed(events: k.columns.count, passed: k.passed, xxh3: XXH3.hex(k.checksum))
        }
        return out
    }

    /// Writes the rejected events to `<directory>/events.rejects.csv`
    /// (`event_type,user_id,movie_id,ts,rule`); nil when none was rejected.
    func writeQuarantine(directory: String) throws -> String? {
        guard kinds.contains(where: { $0.rejected > 0 }) else { return nil }
        let path = Path.join(directory, "events.rejects.csv")
        try AtomicFile.write(to: path) { w in
            w.write("event_type,user_id,movie_id,ts,rule\n")
            for k in kinds where k.rejected > 0 {
                for i in 0..<k.columns.count where k.movieRows[i] < 0 {
                    let c = k.columns
                    w.write("\(k.type.rawValue),\(c.users[i]),\(c.movies[i]),\(Clock.iso8601(c.times[i])),\(ruleNames[Int(-1 - k.movieRows[i])])\n")
                }
            }
        }
        return path
    }
}

extension RatingsCSRBuilder.UserMajor {
    /// The time of the kept rating of (user id, movie row), or nil when there is none.
    func keptTime(user: Int32, movieRow: Int32) -> Int64? {
        var lo = 0, hi = userIDs.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if userIDs[mid] < user { lo = mid + 1 } else { hi = mid }
        }
        guard lo < userIDs.count, userIDs[lo] == user else { return nil }
        var a = Int(offsets[lo]), b = Int(offsets[lo + 1])
        while a < b {
            let mid = (a + b) >> 1
            if movies[mid] < movieRow { a = mid + 1 } else { b = mid }
        }
        return a < Int(offsets[lo + 1]) && movies[a] == movieRow ? times[a] : nil
    }
}
