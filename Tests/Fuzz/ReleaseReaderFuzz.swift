// libFuzzer target for the release reader (built by Tests/Fuzz/run.sh, not by SwiftPM).
//
// Each input is opened twice: as is (exercising the container checks:
// magic, versions, sizes, bounds, checksums) and "resealed" — every section
// checksum and the whole-file checksum recomputed — so mutations inside
// sections get past the checksums and reach the cross-section validation.
// Whatever opens is then looked up exhaustively; a crash, an out-of-bounds
// read (ASan, debug bounds checks) or a row outside its table is a finding.
import ReelCore
#if canImport(Glibc)
import Glibc
#endif

nonisolated(unsafe) var scratchPath = "/tmp/reel-fuzz-\(getpid()).reel"

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>>>)
    -> Int32
{
    if FileSystem.isDirectory("/dev/shm") { scratchPath = "/dev/shm/reel-fuzz-\(getpid()).reel" }
    atexit { unlink(scratchPath) }
    if let dir = getenv("REEL_FUZZ_SEED_DIR").map({ String(cString: $0) }) {
        for (name, sparse) in [("seed-dense.reel", false), ("seed-sparse.reel", true)] {
            // The seeds must open, or the fuzzer would never get past validation.
            do {
                let path = Path.join(dir, name)
                try FuzzSeed.contents(sparse: sparse).write(to: path)
                exercise(try ReleaseTables(path: path))
            } catch {
                fatalError("seed \(name): \(error)")
            }
        }
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    check(input)
    if size >= 160 { check(reseal(input)) }
    return 0
}

func check(_ bytes: [UInt8]) {
    let f = fopen(scratchPath, "wb")!
    _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
    fclose(f)
    guard let tables = try? ReleaseTables(path: scratchPath, verify: .full) else { return }
    exercise(tables)
}

/// Every lookup over every row, list and a spread of ids; every returned row must be in range.
func exercise(_ t: ReleaseTables) {
    func list(_ range: Range<Int>, _ movies: UnsafeBufferPointer<Int32>, _ scores: UnsafeBufferPointer<Float>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= movies.count && range.upperBound <= scores.count)
        for i in range {
            let m = Int(movies[i])
            precondition(m >= 0 && m < t.movieCount, "list entry outside the movie table")
            _ = t.title(row: m).count
            precondition(scores[i].isFinite)
        }
    }
    var sink = 0
    for m in 0..<t.movieCount {
        precondition(t.movieRow(forID: t.movieIDs[m]) == m, "movie id does not map back to its row")
        sink &+= t.title(row: m).reduce(0) { $0 &+ Int($1) }
        sink &+= Int(t.years[m]) &+ Int(t.genres[m]) &+ Int(t.ratingCounts[m]) &+ Int(t.factorMask[m])
        list(t.similarRange(movieRow: m), t.similarMovies, t.similarScores)
        sink &+= t.factors(movieRow: m).count
        for w in 0..<ReleaseFormat.windowCount {
            let p = t.popularity(movieRow: m, window: w)
            precondition(p >= 0 && p <= 1)
        }
    }
    for u in 0..<t.userCount {
        precondition(t.userRow(forID: t.userIDs[u]) == u, "user id does not map back to its row")
        list(t.recommendationRange(userRow: u), t.userTopMovies, t.userTopScores)
        if let b = t.blend {
            precondition(b.window >= 0 && b.window < ReleaseFormat.windowCount && b.model.isFinite && b.trending.isFinite)
            list(t.blendRange(userRow: u), t.userBlendMovies, t.userBlendScores)
        }
    }
    for w in -1...ReleaseFormat.windowCount {
        for g in [nil, -1, 0, 1, 18, 19, 31, 32, 1000] as [Int?] {
            list(t.trendingRange(window: w, genre: g), t.trendMovies, t.trendScores)
        }
    }
    for id: Int32 in [.min, -1, 0, 1, 2, 3, 7, 100, 65_535, 1 << 20, .max] {
        if let r = t.movieRow(forID: id) { precondition(r < t.movieCount && t.movieIDs[r] == id) }
        if let r = t.userRow(forID: id) { precondition(r < t.userCount && t.userIDs[r] == id) }
    }
    if sink == 42 { print("") }
}

/// Recomputes the checksums of a container wherever its TOC entries are in bounds.
func reseal(_ bytes: [UInt8]) -> [UInt8] {
    var b = bytes
    func u64(_ at: Int) -> UInt64 { (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[at + $1]) << (8 * UInt64($1)) } }
    func put(_ at: Int, _ v: UInt64) { for i in 0..<8 { b[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) } }
    let footer = b.count - 32
    let count = Int(b[16]) | Int(b[17]) << 8
    let toc = u64(48)
    if toc <= UInt64(footer), count < 4096 {
        for e in 0..<count {
            let entry = Int(toc) + e * 64
            guard entry + 64 <= footer else { break }
            let offset = u64(entry + 16), length = u64(entry + 24)
            guard offset <= UInt64(footer), length <= UInt64(footer) - offset else { continue }
            put(entry + 48, b.withUnsafeBytes { XXH3.hash(UnsafeRawBufferPointer(rebasing: $0[Int(offset)..<Int(offset + length)])) })
        }
    }
    put(footer + 16, b.withUnsafeBytes { XXH3.hash(UnsafeRawBufferPointer(rebasing: $0[0..<footer])) })
    return b
}

/// Small valid releases to start from (written by `LLVMFuzzerInitialize`).
enum FuzzSeed {
    static func contents(sparse: Bool) -> ReleaseContents {
        let movies = 5, users = 4, k = 3, similarK = 2, trendingK = 2, rank = 2, genres = 19
        let movieIDs: [Int32] = sparse ? [3, 2_000_000, 2_000_001, 9_000_000, 9_000_100] : [1, 2, 4, 7, 9]
        let userIDs: [Int32] = sparse ? [5, 6_000_000, 7_000_000, 8_000_000] : [1, 2, 3, 5]
        let titles = ["Alpha", "Bêta", "", "Delta", "Epsilon"]
        var offsets: [UInt32] = [0], heap: [UInt8] = []
        for t in titles { heap += Array(t.utf8); offsets.append(UInt32(heap.count)) }
        let lists = 3 * (1 + genres)
        var trend = [Int32](repeating: -1, count: lists * trendingK)
        trend[0] = 4; trend[1] = 0; trend[2 * trendingK] = 1
        var contents = ReleaseContents(
            releaseID: sparse ? "seed-sparse" : "seed-dense", createdAt: 1_700_000_000,
            k: k, similarK: similarK, trendingK: trendingK, rank: rank, silverFingerprint: 1, modelFingerprint: 2,
            movieIDs: movieIDs, titleOffsets: offsets, titles: heap, years: [1999, 0, 2001, 1950, 2020],
            genres: [1, 3, 0, 1 << 18, 5], ratingCounts: [3, 0, 1, 2, 7], ratingMeans: [4, 0, 3.5, 2, 4.5],
            userIDs: userIDs, userTopMovies: [0, 1, 2, 3, -1, -1, -1, -1, -1, 4, 3, 2],
            userTopScores: [3, 2, 1, 0.5, 0, 0, 0, 0, 0, 9, 8, 7],
            similarMovies: [1, 2, 0, -1, 4, 3, -1, -1, 0, 1], similarScores: [0.9, 0.8, 0.7, 0, 0.6, 0.5, 0, 0, 0.4, 0.3],
            trendMovies: trend, trendScores: trend.map { $0 >= 0 ? 1.5 : 0 },
            popularity: (0..<3 * movies).map { Float($0 % 5) / 4 },
            movieFactors: (0..<movies * rank).map { Float($0) - 3 }, factorMask: [1, 1, 0, 1, 1],
            metaJSON: #"{"releaseID":"seed"}"#)
        if sparse {  // one seed carries the optional served blend
            contents.blend = [0.8, 0.2, 0.1, 2]
            contents.userBlendMovies = [1, 0, 2, 3, -1, -1, -1, -1, -1, 3, 4, 2]
            contents.userBlendScores = [0.9, 0.8, 0.1, 0.5, 0, 0, 0, 0, 0, 0.9, 0.7, 0.2]
        } else {  // the other carries the format 1.1 web sections (title index, recent ratings, report)
            var web = ReleaseWebContents()
            web.titleNorm = Array("alphabetadeltaepsilon".utf8)
            web.titleNormOffsets = [0, 5, 9, 9, 14, 21]
            web.titleTokens = Array("alphabetadeltaepsilon".utf8)
            web.titleTokenOffsets = [0, 5, 9, 14, 21]
            web.titlePostings = [0, 1, 3, 4]
            web.titlePostingOffsets = [0, 1, 2, 3, 4]
            web.titleSorted = [2, 0, 1, 3, 4]
            web.titleSortRank = [1, 2, 0, 3, 4]
            web.titleByPopularity = [4, 0, 3, 2, 1]
            web.recentN = 2
            web.recentMovies = [0, 1, 3, -1, -1, -1, 4, 2]
            web.recentRatings = [8, 6, 10, 0, 0, 0, 1, 2]
            web.recentTimes = [5, 4, 3, 0, 0, 0, 9, 9]
            web.reportHTML = Array("<!doctype html><p>report</p>".utf8)
            contents.web = web
        }
        return contents
    }
}
