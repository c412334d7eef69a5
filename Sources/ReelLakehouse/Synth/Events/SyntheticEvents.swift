import ReelCore

/// Synthetic view, click and rating events with planted structure, for tests,
/// demos and benchmarks: `reel synth events`.
///
/// Each day gets `perDay` events in sessions: a user (Zipf-like activity)
/// views 1–5 movies (Zipf-like popularity, in the order of the `movies` list:
/// most popular first), then clicks some of them (30 %), then rates a few
/// (10 %). A handful of movies go viral, each on one known day: their event
/// rate is multiplied by `viralMultiplier` (×20) that day. The viral movies
/// are drawn from popularity ranks 2…(1 + 2 × count) so they stand out only
/// because of the boost; the newest viral day is the last day, the others
/// spread back through the period.
///
/// Deterministic: every day draws from its own `SplitMix64` stream derived
/// from the seed, so the same seed, lists and settings give the same bytes.
public enum SyntheticEvents {
    /// The viral plan for a config and movie list (popularity order).
    public static func viralPlan(config: SyntheticEventsConfig, movies: [Int32]) -> [ViralMovie] {
        guard config.viralMovies > 0, movies.count >= 2 else { return [] }
        var rng = SplitMix64(seed: config.seed).split(0x5649_5241_4C)  // "VIRAL"
        var candidates = Array(1..<min(movies.count, 1 + 2 * config.viralMovies))
        let count = min(config.viralMovies, candidates.count)
        let gap = max(1, config.days / count)
        var plan: [ViralMovie] = []
        for k in 0..<count {
            let pick = k + Int(rng.next() % UInt64(candidates.count - k))
            candidates.swapAt(k, pick)
            let day = max(config.firstDay, config.endDay - Int64(k * gap))
            plan.append(ViralMovie(movieID: movies[candidates[k]], day: day))
        }
        return plan
    }

    /// Generates the events and hands each day's NDJSON bytes to `sink`, oldest day first.
    public static func generate(
        config: SyntheticEventsConfig, users: [Int32], movies: [Int32],
        sink: (Int64, [UInt8]) throws -> Void
    ) throws -> SyntheticEventsSummary {
        try config.validate()
        guard !users.isEmpty, !movies.isEmpty else {
            throw ReelError(.usage, "synthetic events need at least one user and one movie")
        }
        let viral = viralPlan(config: config, movies: movies)
        var summary = SyntheticEventsSummary(config: config, viral: viral)
        let movieSampler = ZipfSampler(count: movies.count, skew: config.movieSkew)
        let userSampler = ZipfSampler(count: users.count, skew: config.userSkew)
        var rank: [Int32: Int] = [:]
        for (i, m) in movies.enumerated() where rank[m] == nil { rank[m] = i }
        var totals = [0, 0, 0]
        for day in config.firstDay...config.endDay {
            let boosts = viral.filter { $0.day == day }.map {
                (rank: rank[$0.movieID]!, extra: (config.viralMultiplier - 1) * movieSampler.weight(rank[$0.movieID]!))
            }
            var writer = SyntheticDayWriter(day: day, seed: config.seed)
            writer.bytes.reserveCapacity(config.perDay * 200)
            var produced = 0
            var rng = SplitMix64(seed: config.seed).split(UInt64(bitPattern: day))
            while produced < config.perDay {
                let user = users[userSampler.sample(&rng)]
                produced += writer.session(user: user, budget: config.perDay - produced, rng: &rng) {
                    rng in movies[movieSampler.sample(&rng, boosts: boosts)]
                }
            }
            for t in 0..<3 { totals[t] += writer.counts[t] }
            try sink(day, writer.bytes)
        }
        for t in EventType.allCases { summary.generated[t] = totals[t.index] }
        return summary
    }

    /// Generates the events and ingests them into `home` through `EventIngest`
    /// (so they are validated and deduplicated like any other input), then
    /// writes the plan to `lakehouse/bronze/events/_synth_events.json`.
    /// The ingest run id is `synth-<seed>`, so the part files name their origin;
    /// rerunning with the same settings accepts nothing new (all duplicates).
    public static func generate(
        config: SyntheticEventsConfig, users: [Int32], movies: [Int32], to home: ReelHome,
        schemas: EventSchemaSet? = nil
    ) throws -> SyntheticEventsSummary {
        var all: [UInt8] = []
        var summary = try generate(config: config, users: users, movies: movies) { _, bytes in
            all.append(contentsOf: bytes)
        }
        var options = EventIngestOptions(runID: "synth-\(config.seed)", schemas: schemas)
        options.chunkSize = EventChunks.chunkSize
        summary.ingest = try EventIngest.run(home: home, inputs: [.bytes(name: "synth-events", all)], options: options)
        try FileSystem.writeAtomically(EventLayout.synthManifest(home), text: summary.manifestJSON())
        return summary
    }

    /// Writes the events as NDJSON to `path` (zstd-compressed when it ends in
    /// `.zst`), for benchmarks and for feeding `reel events ingest`.
    public static func write(config: SyntheticEventsConfig, users: [Int32], movies: [Int32], to path: String) throws -> SyntheticEventsSummary {
        if path.hasSuffix(".zst") {
            var all: [UInt8] = []
            let summary = try generate(config: config, users: users, movies: movies) { _, bytes in all.append(contentsOf: bytes) }
            try FileSystem.writeAtomically(path, bytes: try Zstd.compress(all))
            return summary
        }
        return try AtomicFile.write(to: path) { w in
            try generate(config: config, users: users, movies: movies) { _, bytes in w.write(bytes) }
        }
    }
}

/// Draws ranks 0..<count with probability ∝ 1 / (rank + 1)^skew, by binary
/// search in the cumulative weights; optionally with extra weight on a few
/// ranks (viral movies).
struct ZipfSampler {
    private let cumulative: [Double]
    let total: Double

    init(count: Int, skew: Double) {
        var c = [Double](repeating: 0, count: count)
        var sum = 0.0
        for r in 0..<count {
            sum += Self.rawWeight(r, skew)
            c[r] = sum
        }
        cumulative = c
        total = sum
        self.skew = skew
    }

    private let skew: Double

    static func rawWeight(_ rank: Int, _ skew: Double) -> Double {
        1 / _pow(Double(rank + 1), skew)
    }

    func weight(_ rank: Int) -> Double { Self.rawWeight(rank, skew) }

    func sample(_ rng: inout SplitMix64) -> Int {
        search(rng.nextDouble() * total)
    }

    func sample(_ rng: inout SplitMix64, boosts: [(rank: Int, extra: Double)]) -> Int {
        if boosts.isEmpty { return sample(&rng) }
        var u = rng.nextDouble() * (total + boosts.reduce(0) { $0 + $1.extra })
        if u < total { return search(u) }
        u -= total
        for b in boosts {
            if u < b.extra { return b.rank }
            u -= b.extra
        }
        return boosts[boosts.count - 1].rank
    }

    private func search(_ u: Double) -> Int {
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

#if canImport(Glibc)
import Glibc
private func _pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
#endif
