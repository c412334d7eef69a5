import ReelCore

/// Formats one day of synthetic sessions as NDJSON bytes, digit by digit
/// (no String per event), in the exact shape of the event contract.
struct SyntheticDayWriter {
    let day: Int64
    var bytes: [UInt8] = []
    /// Events written per type (view, click, rating).
    var counts = [0, 0, 0]
    private let datePrefix: [UInt8]  // "YYYY-MM-DDT"
    private var sessions = 0

    static let contexts = ["home", "search", "recommendations", "trending", "similar"].map { Array($0.utf8) }
    static let hex = Array("0123456789abcdef".utf8)

    init(day: Int64, seed: UInt64) {
        self.day = day
        datePrefix = Array((EventLayout.date(day) + "T").utf8)
    }

    /// One session of `user`: 1–5 views, then clicks on some viewed movies,
    /// then ratings of a few; at most `budget` events. Returns how many it wrote.
    mutating func session(
        user: Int32, budget: Int, rng: inout SplitMix64,
        movie: (inout SplitMix64) -> Int32
    ) -> Int {
        sessions += 1
        let session = Array("s-\(user)-\(day)-\(sessions)".utf8)
        var t = Int(rng.next() % UInt64(86_400 - 3_600))
        let viewCount = 1 + Int(rng.next() % 5)
        var viewed: [Int32] = []
        var written = 0
        for _ in 0..<viewCount where written < budget {
            let m = movie(&rng)
            viewed.append(m)
            begin(.view, user: user, movie: m, time: t, session: session, rng: &rng)
            append(",\"duration_ms\":")
            append(Int(60_000 + rng.next() % 7_140_000))
            end(.view)
            written += 1
            t += 15 + Int(rng.next() % 300)
        }
        for m in viewed where written < budget && rng.nextDouble() < 0.3 {
            begin(.click, user: user, movie: m, time: t, session: session, rng: &rng)
            append(",\"position\":")
            append(Int(1 + rng.next() % 20))
            append(",\"context\":\"")
            bytes.append(contentsOf: Self.contexts[Int(rng.next() % UInt64(Self.contexts.count))])
            append("\"")
            end(.click)
            written += 1
            t += 5 + Int(rng.next() % 60)
        }
        for m in viewed where written < budget && rng.nextDouble() < 0.1 {
            begin(.rating, user: user, movie: m, time: t, session: session, rng: &rng)
            let halves = max(1, min(10, Int((7 + 2 * rng.nextGaussian()).rounded())))  // mean 3.5 stars
            append(",\"rating\":")
            append(halves / 2)
            append(halves % 2 == 0 ? ".0" : ".5")
            end(.rating)
            written += 1
            t += 10 + Int(rng.next() % 120)
        }
        return written
    }

    private mutating func begin(
        _ type: EventType, user: Int32, movie: Int32, time: Int,
        session: [UInt8], rng: inout SplitMix64
    ) {
        append("{\"event_id\":\"")
        uuid(rng.next(), rng.next())
        append("\",\"event_type\":\"")
        append(type.rawValue)
        append("\",\"user_id\":")
        append(Int(user))
        append(",\"movie_id\":")
        append(Int(movie))
        append(",\"ts\":\"")
        bytes.append(contentsOf: datePrefix)
        two(time / 3600)
        append(":")
        two(time / 60 % 60)
        append(":")
        two(time % 60)
        append(".")
        let ms = Int(rng.next() % 1000)
        bytes.append(UInt8(48 + ms / 100)); bytes.append(UInt8(48 + ms / 10 % 10)); bytes.append(UInt8(48 + ms % 10))
        append("Z\",\"session_id\":\"")
        bytes.append(contentsOf: session)
        append("\"")
    }

    private mutating func end(_ type: EventType) {
        bytes.append(UInt8(ascii: "}"))
        bytes.append(0x0A)
        counts[type.index] += 1
    }

    /// A version-4 UUID from two random words.
    private mutating func uuid(_ a: UInt64, _ b: UInt64) {
        let high = (a & ~0xF000) | 0x4000
        let low = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        for i in 0..<16 {
            if i == 8 || i == 12 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(Self.hex[Int(high >> UInt64(60 - 4 * i) & 15)])
        }
        for i in 0..<16 {
            if i == 0 || i == 4 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(Self.hex[Int(low >> UInt64(60 - 4 * i) & 15)])
        }
    }

    private mutating func append(_ s: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    private mutating func append(_ s: String) {
        bytes.append(contentsOf: s.utf8)
    }

    private mutating func append(_ n: Int) {
        if n < 0 { bytes.append(UInt8(ascii: "-")); append(-n); return }
        if n >= 10 { append(n / 10) }
        bytes.append(UInt8(48 + n % 10))
    }

    private mutating func two(_ n: Int) {
        bytes.append(UInt8(48 + n / 10))
        bytes.append(UInt8(48 + n % 10))
    }
}
