import ReelCore

/// Generates the ratings.csv and tags.csv rows of a block of users, as bytes.
///
/// Each user draws from their own random stream (`split(user)`), so a block's
/// bytes depend only on the seed and the users in it — never on the thread
/// that ran it or on how many threads there were. The hot loop allocates
/// nothing per rating: scratch arrays live for the block, rows are formatted
/// straight into one pre-sized byte buffer.
struct SynthUserRows: Sendable {
    let world: SynthWorld
    let plan: SynthDirtyPlan

    /// The most bytes a clean ratings row takes: two 10-digit ids, "x.y", a
    /// 10-digit timestamp, three commas and a newline.
    static let ratingRowBytes = 40

    struct Block: Sendable {
        var ratings: [UInt8]
        var tags: [UInt8]
        var ratingRows: Int
        var tagRows: Int
        var cleanRatings: Int
    }

    /// Reusable per-block buffers.
    struct Scratch {
        /// `seenBy[m] == u` when user u already rated movie m.
        var seenBy: [Int32]
        var picks: [Int32] = []
        var times: [Int64] = []
        var slots: [(position: Int, entry: Int)] = []
        /// (movie row << 32 | time) while sorting a dynamic user's picks.
        var keys: [UInt64] = []
    }

    func block(_ users: Range<Int>) -> Block {
        var cleanRatings = 0, cleanTags = 0
        for u in users {
            cleanRatings += Int(world.users.ratingCounts[u])
            cleanTags += Int(world.users.tagCounts[u])
        }
        let dirtyRatings = plan.entries(.ratings, in: users)
        let dirtyTags = plan.entries(.tags, in: users)
        let tagRowBytes = 48 + CSVText.quotedBound(SynthNames.longestTag)
        var scratch = Scratch(seenBy: [Int32](repeating: -1, count: world.config.movies))
        scratch.picks.reserveCapacity(world.config.maxRatingsPerUser)
        scratch.times.reserveCapacity(world.config.maxRatingsPerUser)
        var ratingRows = 0, tagRows = 0
        let ratingBound = cleanRatings * Self.ratingRowBytes + dirtyRatings.count * SynthDirtyRows.maxRowBytes
        let tagBound = (cleanTags + dirtyTags.count) * (tagRowBytes + SynthDirtyRows.maxRowBytes)
        var tagBytes: [UInt8] = []
        let ratingBytes = CSVText.build(bound: ratingBound) { rc in
            tagBytes = CSVText.build(bound: tagBound) { tc in
                var ri = dirtyRatings.startIndex, ti = dirtyTags.startIndex
                for u in users {
                    let rStart = ri, tStart = ti
                    while ri < dirtyRatings.endIndex, Int(dirtyRatings[ri].at) == u { ri += 1 }
                    while ti < dirtyTags.endIndex, Int(dirtyTags[ti].at) == u { ti += 1 }
                    if world.trends != nil { sampleMoviesOverTime(u, &scratch) } else { sampleMovies(u, &scratch) }
                    ratingRows += writeRatings(u, dirty: dirtyRatings[rStart..<ri], &scratch, &rc)
                    tagRows += writeTags(u, dirty: dirtyTags[tStart..<ti], &scratch, &tc)
                }
            }
        }
        return Block(
            ratings: ratingBytes, tags: tagBytes, ratingRows: ratingRows, tagRows: tagRows,
            cleanRatings: cleanRatings)
    }

    /// Draws the user's movies (distinct, released before the user's last
    /// activity) into `scratch.picks`, sorted by movie row, with their times.
    private func sampleMovies(_ u: Int, _ s: inout Scratch) {
        var rng = SynthWorld.rng(world.config.seed, .ratings).split(UInt64(u))
        let n = Int(world.users.ratingCounts[u])
        let end = world.users.end[u], start = world.users.start[u]
        let cdf = world.users.dimensionCDF[u]
        let tag = Int32(u)
        s.picks.removeAll(keepingCapacity: true)
        s.times.removeAll(keepingCapacity: true)
        while s.picks.count < n {
            var chosen = -1
            for _ in 0..<8 {
                let m: Int
                if rng.nextDouble() < SynthModel.popularShare {
                    m = world.movies.popular.sample(&rng)
                } else {
                    let r = Float(rng.nextDouble())
                    var d = 0
                    while cdf[d] <= r { d += 1 }
                    m = world.movies.byDimension[d].sample(&rng)
                }
                if s.seenBy[m] != tag && world.movies.yearStart[m] <= end { chosen = m; break }
            }
            if chosen < 0 { chosen = fallbackMovie(end: end, seen: s.seenBy, tag: tag, &rng) }
            s.seenBy[chosen] = tag
            s.picks.append(Int32(chosen))
        }
        s.picks.sort()
        for m in s.picks {
            let low = max(start, world.movies.yearStart[Int(m)])
            s.times.append(low + Int64(rng.next() % UInt64(end - low + 1)))
        }
    }

    /// A uniformly chosen unseen movie among those released by `end` (when the
    /// weighted draws keep hitting movies the user has already rated).
    func fallbackMovie(end: Int64, seen: [Int32], tag: Int32, _ rng: inout SplitMix64) -> Int {
        let eligible = world.movies.releasedCount(by: end)
        var i = Int(rng.next() % UInt64(eligible))
        while seen[Int(world.movies.releasedOrder[i])] == tag { i = i + 1 == eligible ? 0 : i + 1 }
        return Int(world.movies.releasedOrder[i])
    }

    /// Writes the user's ratings rows, with the user's dirty rows merged in at
    /// their drawn positions. Returns the rows written.
    private func writeRatings(
        _ u: Int, dirty: ArraySlice<SynthDirtyPlan.Entry>, _ s: inout Scratch,
        _ c: inout CSVByteCursor
    ) -> Int {
        var rng = SynthWorld.rng(world.config.seed, .ratings).split(UInt64(u) | 1 << 40)
        let userID = Int64(u + 1)
        let n = s.picks.count
        var drng = SynthWorld.rng(world.config.seed, .dirtyRows).split(UInt64(u) | 1 << 41)
        placeDirty(dirty, rows: n, duplicatesTarget: true, &s, &drng)
        var next = 0
        for j in 0...n {
            while next < s.slots.count, s.slots[next].position == j {
                let entry = dirty[dirty.startIndex + s.slots[next].entry]
                if let rule = entry.rule {
                    SynthDirtyRows.rating(&c, rule, dirtyContext(u, &s, &drng), &drng)
                } else {
                    // A duplicate: same user and movie, another rating, an older timestamp.
                    let m = Int(s.picks[j])
                    let floor = max(BronzeQualityRule.oldestTimestamp + 86_400, world.movies.release[m])
                    var t = max(s.times[j] - 1 - Int64(drng.next() % (365 * 86_400)), floor)
                    if t >= s.times[j] { t = s.times[j] - 1 }
                    c.require(Self.ratingRowBytes)
                    c.int(userID); c.comma(); c.int(Int64(world.movies.ids[m])); c.comma()
                    c.halfStars(1 + Int(drng.next() % 10)); c.comma(); c.int(t); c.newline()
                }
                next += 1
            }
            guard j < n else { break }
            let m = Int(s.picks[j])
            let noise = Self.noise(rng.next())
            let x = world.expectedRating(user: u, movie: m) + SynthModel.noiseSD * noise
            let halves = world.halves(x)
            c.require(Self.ratingRowBytes)
            c.int(userID); c.comma(); c.int(Int64(world.movies.ids[m])); c.comma()
            c.halfStars(halves); c.comma(); c.int(s.times[j]); c.newline()
        }
        return n + dirty.count
    }

    /// Writes the user's tags: a few tags on movies they rated, sorted by movie.
    private func writeTags(
        _ u: Int, dirty: ArraySlice<SynthDirtyPlan.Entry>, _ s: inout Scratch,
        _ c: inout CSVByteCursor
    ) -> Int {
        let count = Int(world.users.tagCounts[u])
        guard count > 0 || !dirty.isEmpty else { return 0 }
        var rng = SynthWorld.rng(world.config.seed, .tags).split(UInt64(u))
        var positions = (0..<count).map { _ in Int(rng.next() % UInt64(s.picks.count)) }
        positions.sort()
        var drng = SynthWorld.rng(world.config.seed, .dirtyRows).split(UInt64(u) | 1 << 42)
        placeDirty(dirty, rows: count, duplicatesTarget: false, &s, &drng)
        let userID = Int64(u + 1)
        let names = SynthNames.tagBytes
        var next = 0
        for k in 0...count {
            while next < s.slots.count, s.slots[next].position == k {
                let tag = names.common[Int(drng.next() % UInt64(names.common.count))]
                SynthDirtyRows.tag(&c, dirty[dirty.startIndex + s.slots[next].entry].rule!, dirtyContext(u, &s, &drng), tag: tag, &drng)
                next += 1
            }
            guard k < count else { break }
            let j = positions[k]
            let m = Int(s.picks[j])
            let fromMovie = rng.next() % 2 == 0
            let list = fromMovie ? names.byDimension[Int(world.movies.cluster[m])] : names.common
            let tag = list[Int(rng.next() % UInt64(list.count))]
            let time = min(s.times[j] + Int64(rng.next() % 86_400), SynthModel.end)
            c.require(48 + CSVText.quotedBound(tag.count))
            c.int(userID); c.comma(); c.int(Int64(world.movies.ids[m])); c.comma()
            c.field(tag); c.comma(); c.int(time); c.newline()
        }
        return count + dirty.count
    }

    /// Draws where each dirty entry goes among `rows` clean rows (before row
    /// `position`; `rows` = at the end); a duplicate goes just before the row it repeats.
    private func placeDirty(
        _ dirty: ArraySlice<SynthDirtyPlan.Entry>, rows: Int, duplicatesTarget: Bool,
        _ s: inout Scratch, _ rng: inout SplitMix64
    ) {
        s.slots.removeAll(keepingCapacity: true)
        guard !dirty.isEmpty else { return }
        for (k, entry) in dirty.enumerated() {
            let isDuplicate = duplicatesTarget && entry.rule == nil
            let position = Int(rng.next() % UInt64(isDuplicate ? rows : rows + 1))
            s.slots.append((position, k))
        }
        s.slots.sort { ($0.position, $0.entry) < ($1.position, $1.entry) }
    }

    /// Valid field values for a dirty row of user `u`: a movie the user has not
    /// rated, a half-star rating, a time inside the user's activity.
    private func dirtyContext(_ u: Int, _ s: inout Scratch, _ rng: inout SplitMix64) -> SynthDirtyRows.Context {
        var m = Int(rng.next() % UInt64(world.config.movies))
        for _ in 0..<64 where s.seenBy[m] == Int32(u) { m = Int(rng.next() % UInt64(world.config.movies)) }
        let start = world.users.start[u], end = world.users.end[u]
        return SynthDirtyRows.Context(
            userID: Int64(u + 1), movieID: Int64(world.movies.ids[m]),
            orphanID: world.orphanID(&rng),
            halves: 1 + Int(rng.next() % 10),
            time: start + Int64(rng.next() % UInt64(end - start + 1)))
    }

    /// Roughly standard normal noise from one 64-bit draw (Irwin–Hall: the sum
    /// of four 16-bit uniforms, centred and scaled) — cheaper than Box–Muller.
    @inline(__always)
    static func noise(_ r: UInt64) -> Float {
        let sum = Float(r & 0xFFFF) + Float((r >> 16) & 0xFFFF) + Float((r >> 32) & 0xFFFF) + Float(r >> 48)
        return (sum * (1 / 65_536) - 2) * 1.732_050_8
    }
}
