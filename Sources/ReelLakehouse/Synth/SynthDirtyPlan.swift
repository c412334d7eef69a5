import ReelCore

/// Which malformed rows `--dirty RATE` injects, and where.
///
/// Every table gets, for each of its quality rules (and for ratings, one more
/// kind: duplicate ratings), `max(1, round(RATE × cleanRows / kinds))` rows, so a
/// table's injected rows add up to about RATE of its clean rows and even tiny
/// data sets carry every kind. Each row breaks exactly the rule it is counted
/// under and no rule checked before it. The plan is drawn from its own random
/// stream: the clean rows are the same bytes with or without `--dirty`.
struct SynthDirtyPlan: Sendable {
    /// One injected row: for ratings and tags `at` is the user row it goes with;
    /// for movies and links the clean row it is written before.
    struct Entry: Sendable {
        var at: Int32
        /// nil for a duplicate rating.
        var rule: BronzeQualityRule?
    }

    let counts: [MovieLensFile: [BronzeQualityRule: Int]]
    let duplicates: Int
    /// Entries per table, sorted by `at` (then by rule and draw order).
    let entries: [MovieLensFile: [Entry]]

    /// No injected rows.
    static let clean = SynthDirtyPlan(counts: [:], duplicates: 0, entries: [:])

    private init(counts: [MovieLensFile: [BronzeQualityRule: Int]], duplicates: Int, entries: [MovieLensFile: [Entry]]) {
        self.counts = counts
        self.duplicates = duplicates
        self.entries = entries
    }

    init(world: SynthWorld) {
        let config = world.config
        guard config.dirty > 0 else { self = .clean; return }
        var rng = SynthWorld.rng(config.seed, .dirtyPlan)
        let cleanRows: [MovieLensFile: Int] = [
            .ratings: config.ratings,
            .movies: config.movies,
            .tags: world.users.tagCounts.reduce(0) { $0 + Int($1) },
            .links: config.movies,
        ]
        var counts: [MovieLensFile: [BronzeQualityRule: Int]] = [:]
        var entries: [MovieLensFile: [Entry]] = [:]
        var duplicates = 0
        for table in MovieLensFile.allCases {
            let kinds: [BronzeQualityRule?] = table.qualityRules + (table == .ratings ? [nil] : [])
            let perKind = max(1, Int((config.dirty * Double(cleanRows[table]!) / Double(kinds.count)).rounded()))
            var list: [(entry: Entry, order: Int)] = []
            for rule in kinds {
                for _ in 0..<perKind {
                    // Ratings and tags go with a user; movies and links before a clean
                    // row (a movieId_duplicate after the first, to repeat an earlier id).
                    let at: Int
                    if table == .ratings || table == .tags {
                        at = Int(rng.next() % UInt64(config.users))
                    } else {
                        let low = rule == .movieIdDuplicate ? 1 : 0
                        at = low + Int(rng.next() % UInt64(config.movies + 1 - low))
                    }
                    list.append((Entry(at: Int32(at), rule: rule), list.count))
                }
                if let rule { counts[table, default: [:]][rule] = perKind } else { duplicates = perKind }
            }
            list.sort { ($0.entry.at, $0.order) < ($1.entry.at, $1.order) }
            entries[table] = list.map(\.entry)
        }
        self.init(counts: counts, duplicates: duplicates, entries: entries)
    }

    /// The entries of `table` whose `at` lies in `range` (entries are sorted by `at`).
    func entries(_ table: MovieLensFile, in range: Range<Int>) -> ArraySlice<Entry> {
        guard let all = entries[table] else { return [] }
        func lowerBound(_ value: Int) -> Int {
            var lo = 0, hi = all.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if Int(all[mid].at) < value { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        return all[lowerBound(range.lowerBound)..<lowerBound(range.upperBound)]
    }

    /// Per table name, per rule name, how many rows were injected (the manifest's `dirty`).
    var manifestCounts: [String: [String: Int]] {
        var out: [String: [String: Int]] = [:]
        for (table, rules) in counts {
            out[table.rawValue] = Dictionary(uniqueKeysWithValues: rules.map { ($0.key.rawValue, $0.value) })
        }
        return out
    }
}
