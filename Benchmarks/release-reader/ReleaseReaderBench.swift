// Release reader benchmark (built by run.sh, not by SwiftPM): writes a
// synthetic release of a given shape, then times a full open (mmap, every
// checksum, every cross-section invariant) and random lookups.
//
//   run.sh [USERS] [MOVIES]        # default 16,254 × 6,242: a tenth of ml-25m
import ReelCore
#if canImport(Glibc)
import Glibc
#endif

@main
struct ReleaseReaderBench {
    static func main() throws {
        let args = CommandLine.arguments
        let users = args.count > 1 ? Int(args[1])! : 16_254
        let movies = args.count > 2 ? Int(args[2])! : 6_242
        let k = 100, similarK = 20, trendingK = 100, rank = 64, genres = 19
        var rng = SplitMix64(seed: 1)
        func row() -> Int32 { Int32(rng.next() % UInt64(movies)) }
        var titleOffsets: [UInt32] = [0], titles: [UInt8] = []
        for m in 0..<movies { titles += Array("Movie number \(m)".utf8); titleOffsets.append(UInt32(titles.count)) }
        let lists = 3 * (1 + genres)
        let contents = ReleaseContents(
            releaseID: "bench", createdAt: Clock.now(), k: k, similarK: similarK, trendingK: trendingK, rank: rank,
            silverFingerprint: 1, modelFingerprint: 2,
            movieIDs: (0..<movies).map { Int32(1 + 2 * $0) }, titleOffsets: titleOffsets, titles: titles,
            years: [Int16](repeating: 1999, count: movies), genres: (0..<movies).map { UInt32($0 % (1 << 19)) },
            ratingCounts: [Int32](repeating: 3, count: movies), ratingMeans: [Float](repeating: 3.5, count: movies),
            userIDs: (0..<users).map { Int32(1 + $0) },
            userTopMovies: (0..<users * k).map { _ in row() }, userTopScores: (0..<users * k).map { Float($0 % 97) },
            similarMovies: (0..<movies * similarK).map { _ in row() }, similarScores: [Float](repeating: 0.5, count: movies * similarK),
            trendMovies: (0..<lists * trendingK).map { _ in row() }, trendScores: [Float](repeating: 1, count: lists * trendingK),
            popularity: (0..<3 * movies).map { Float($0 % 100) / 100 },
            movieFactors: (0..<movies * rank).map { Float($0 % 13) }, factorMask: [UInt8](repeating: 1, count: movies),
            metaJSON: "{}")
        let path = "/tmp/reel-bench-\(getpid()).reel"
        defer { unlink(path) }
        var t = Clock.monotonic()
        try contents.write(to: path)
        let written = Clock.monotonic() - t
        let size = FileSystem.size(path) ?? 0

        var opens: [Double] = []
        var tables: ReleaseTables?
        for _ in 0..<5 {
            t = Clock.monotonic()
            tables = try ReleaseTables(path: path)
            opens.append(Clock.monotonic() - t)
        }
        let r = tables!
        let lookups = 2_000_000
        var sink = 0
        t = Clock.monotonic()
        for i in 0..<lookups {
            let id = Int32(1 + (UInt64(i) &* 2_654_435_761) % UInt64(users))
            guard let u = r.userRow(forID: id) else { continue }
            let range = r.recommendationRange(userRow: u)
            let first = Int(r.userTopMovies[range.lowerBound])
            sink &+= first &+ r.title(row: first).count
        }
        let perLookup = (Clock.monotonic() - t) / Double(lookups) * 1e9
        opens.sort()
        print(
            "release: \(Console.count(users)) users × \(Console.count(movies)) movies, K=\(k), similar K=\(similarK), rank \(rank): \(Console.bytes(size))"
        )
        print("write (build sections, fsync, verify, rename): \(Console.duration(written))")
        print(
            "open (mmap + all checksums + all invariants), median of 5: \(Console.fixed(opens[2] * 1000, 1)) ms = \(Console.fixed(Double(size) / opens[2] / 1e9, 2)) GB/s"
        )
        print(
            "user id → row → top-K range → first title: \(Console.fixed(perLookup, 1)) ns per lookup (\(Console.count(lookups)) lookups) [\(sink & 1)]"
        )
    }
}
