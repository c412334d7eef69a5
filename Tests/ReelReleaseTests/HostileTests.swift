import Testing
import ReelCore
import ReelSilver
@testable import ReelRelease
@testable import ReelServing
import ReelTestSupport

/// Files whose checksums are all valid but whose sections contradict each
/// other (a buggy or malicious writer) are refused with "inconsistent
/// release", and whatever the reader does accept can be looked up in full
/// without reading out of bounds.
@Suite struct HostileTests {
    let dir = makeTempDir()
    let contents = try! TinyWorld.make().contents()

    /// Writes `contents`' sections after `edit`, with valid checksums, and opens the result.
    func open(
        header: (inout SectionFileHeader) -> Void = { _ in },
        _ edit: (inout [ReleaseContents.EncodedSection]) -> Void
    ) throws -> Release {
        var sections = contents.encodedSections()
        edit(&sections)
        var h = contents.header()
        header(&h)
        let path = dir + "/hostile.reel"
        try ReleaseContents.write(sections: sections, header: h, to: path)
        return try Release(path: path)
    }

    func refused(
        _ expected: String, sourceLocation: SourceLocation = #_sourceLocation,
        _ edit: (inout [ReleaseContents.EncodedSection]) -> Void
    ) {
        let message = errorMessage { _ = try open(edit) }
        #expect(message.contains(expected), "\(message)", sourceLocation: sourceLocation)
    }

    func refused(
        _ expected: String, sourceLocation: SourceLocation = #_sourceLocation,
        header: (inout SectionFileHeader) -> Void
    ) {
        let message = errorMessage { _ = try open(header: header) { _ in } }
        #expect(message.contains(expected), "\(message)", sourceLocation: sourceLocation)
    }

    @Test func inconsistentSectionsAreRefusedEachWithItsReason() {
        let movies = Int32(contents.movieCount)
        refused("holds movie row \(movies)") { Hostile.setInt32(&$0, ReleaseFormat.Section.userTopMovies, at: 3, movies) }
        refused("holds movie row -7") { Hostile.setInt32(&$0, ReleaseFormat.Section.similarMovies, at: 0, -7) }
        refused("holds movie row 2147483647") { Hostile.setInt32(&$0, ReleaseFormat.Section.trendMovies, at: 1, .max) }
        refused("after its -1 padding") {
            Hostile.setInt32(&$0, ReleaseFormat.Section.userTopMovies, at: 0, -1)
            Hostile.setInt32(&$0, ReleaseFormat.Section.userTopMovies, at: 1, 0)
        }
        refused("does not span the heap") { Hostile.setUInt32(&$0, ReleaseFormat.Section.titleOffsets, at: Int(movies), 1 << 30) }
        refused("decreases at row") { Hostile.setUInt32(&$0, ReleaseFormat.Section.titleOffsets, at: 2, 0) }
        refused("not UTF-8") { Hostile.setByte(&$0, ReleaseFormat.Section.titles, at: 0, 0xFF) }
        refused("not strictly ascending") { Hostile.setInt32(&$0, ReleaseFormat.Section.movieIDs, at: 1, 1) }
        refused("which does not hold that id") { Hostile.setInt32(&$0, ReleaseFormat.Section.movieIndex, at: 1, 3) }
        refused("maps \(contents.userCount - 1) ids") { Hostile.setInt32(&$0, ReleaseFormat.Section.userIndex, at: 10, -1) }
        refused("outside [0, 1]") { Hostile.setFloat(&$0, ReleaseFormat.Section.popularity, at: 4, 1.5) }
        refused("is nan") { Hostile.setFloat(&$0, ReleaseFormat.Section.userTopScores, at: 0, .nan) }
        refused("is inf") { Hostile.setFloat(&$0, ReleaseFormat.Section.movieFactors, at: 0, .infinity) }
        refused("not 0 or 1") { Hostile.setByte(&$0, ReleaseFormat.Section.factorMask, at: 0, 2) }
        refused("genre bit beyond") { Hostile.setUInt32(&$0, ReleaseFormat.Section.genres, at: 0, 1 << 25) }
        refused("negative count") { Hostile.setInt32(&$0, ReleaseFormat.Section.ratingCounts, at: 0, -1) }
        refused("not a JSON object") { Hostile.replace(&$0, ReleaseFormat.Section.meta, bytes: Array("[]".utf8)) }
        refused("release id") { Hostile.replace(&$0, ReleaseFormat.Section.releaseID, bytes: Array("../x".utf8)) }
        refused("file id disagrees") { Hostile.replace(&$0, ReleaseFormat.Section.releaseID, bytes: Array("r2".utf8)) }
        refused("section 'similarScores' is missing") { $0.removeAll { $0.name == ReleaseFormat.Section.similarScores } }
        refused("holds 20 entries") { Hostile.replace(&$0, ReleaseFormat.Section.userTopMovies, bytes: [UInt8](repeating: 0, count: 80)) }
        refused("windows") { Hostile.replace(&$0, ReleaseFormat.Section.trendMovies, bytes: [UInt8](repeating: 0xFF, count: 4 * 6 * 5)) }
        refused("-byte elements") { s in
            let i = s.firstIndex { $0.name == ReleaseFormat.Section.userTopScores }!
            s[i].elementSize = 8
            s[i].count /= 2
        }
        refused("header user count", header: { $0.userWords[ReleaseFormat.Word.userCount] = UInt64(Int32.max) + 1 })
        refused("header K 0", header: { $0.userWords[ReleaseFormat.Word.k] = 0 })
        refused("implies", header: { $0.userWords[ReleaseFormat.Word.movieCount] += 1 })
    }

    /// Issue 16 item 3: fields a reader trusts later (the creation time every
    /// tool prints and subtracts, the `meta` object served as is) are refused
    /// at open, so `verify`/`activate` never pass a file `/metrics`,
    /// `/v1/release`, `releases` or `inspect` would choke on.
    @Test func headerTimeAndMetaAreValidatedAtOpen() {
        refused("'createdAt'", header: { $0.createdAt = .max })
        refused("'createdAt'", header: { $0.createdAt = .min })
        refused("'createdAt'", header: { $0.createdAt = 253_402_300_800 })
        refused("invalid JSON") { Hostile.replace(&$0, ReleaseFormat.Section.meta, bytes: Array(#"{"a":}"#.utf8)) }
        refused("invalid JSON") { Hostile.replace(&$0, ReleaseFormat.Section.meta, bytes: Array(#"{"a":"x"} {"b":1}"#.utf8)) }
        refused("invalid JSON") { Hostile.replace(&$0, ReleaseFormat.Section.meta, bytes: Array(#"{"a":""#.utf8) + [0xFF] + Array(#""}"#.utf8)) }
        let nested = "{\"a\":" + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "}"
        refused("nested deeper") { Hostile.replace(&$0, ReleaseFormat.Section.meta, bytes: Array(nested.utf8)) }
    }

    /// A small in-process fuzz: random damage inside sections, checksums kept
    /// valid. Whatever opens must answer every lookup within bounds.
    @Test func randomlyDamagedSectionsNeverBreakLookups() throws {
        var rng = SplitMix64(seed: 99)
        let names = contents.encodedSections().map(\.name)
        var opened = 0
        for _ in 0..<100 {
            let release: Release
            do {
                release = try open { sections in
                    let i = Int(rng.next() % UInt64(names.count))
                    guard !sections[i].bytes.isEmpty else { return }
                    for _ in 0..<(1 + rng.next() % 3) {
                        let at = Int(rng.next() % UInt64(sections[i].bytes.count))
                        let values: [UInt8] = [0, 0xFF, 0x7F, 0x80, 1, UInt8(truncatingIfNeeded: rng.next())]
                        sections[i].bytes[at] = values[Int(rng.next() % UInt64(values.count))]
                    }
                }
            } catch let e as ReelError {
                #expect(e.kind == .corrupt)
                continue
            }
            opened += 1
            Hostile.exerciseEveryLookup(release)
        }
        #expect(opened > 0, "some damage (scores, titles, factors) is harmless and must still open")
    }
}

/// Helpers to damage releases in controlled ways.
enum Hostile {
    static func index(_ s: [ReleaseContents.EncodedSection], _ name: String) -> Int {
        s.firstIndex { $0.name == name }!
    }

    static func replace(_ s: inout [ReleaseContents.EncodedSection], _ name: String, bytes: [UInt8]) {
        let i = index(s, name)
        s[i].bytes = bytes
        s[i].count = bytes.count / s[i].elementSize
    }

    static func setByte(_ s: inout [ReleaseContents.EncodedSection], _ name: String, at: Int, _ v: UInt8) {
        s[index(s, name)].bytes[at] = v
    }

    static func set<T: BitwiseCopyable>(_ s: inout [ReleaseContents.EncodedSection], _ name: String, at: Int, _ v: T) {
        let i = index(s, name)
        withUnsafeBytes(of: v) { raw in
            for b in 0..<raw.count { s[i].bytes[at * raw.count + b] = raw[b] }
        }
    }

    static func setInt32(_ s: inout [ReleaseContents.EncodedSection], _ name: String, at: Int, _ v: Int32) { set(&s, name, at: at, v) }
    static func setUInt32(_ s: inout [ReleaseContents.EncodedSection], _ name: String, at: Int, _ v: UInt32) { set(&s, name, at: at, v) }
    static func setFloat(_ s: inout [ReleaseContents.EncodedSection], _ name: String, at: Int, _ v: Float) { set(&s, name, at: at, v) }

    /// Recomputes every section checksum and the whole-file checksum of a
    /// container, so only structural checks can catch the damage.
    static func resealed(_ bytes: [UInt8]) -> [UInt8] {
        var b = bytes
        func u64(_ at: Int) -> Int { (0..<8).reduce(0) { $0 | Int(b[at + $1]) << (8 * $1) } }
        func put(_ at: Int, _ v: UInt64) { for i in 0..<8 { b[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) } }
        let count = Int(b[16]) | Int(b[17]) << 8
        let toc = u64(48)
        for e in 0..<count {
            let entry = toc + e * 64
            let offset = u64(entry + 16), length = u64(entry + 24)
            if offset + length <= b.count - 32 {
                put(entry + 48, b.withUnsafeBytes { XXH3.hash(UnsafeRawBufferPointer(rebasing: $0[offset..<offset + length])) })
            }
        }
        let footer = b.count - 32
        put(footer + 16, b.withUnsafeBytes { XXH3.hash(UnsafeRawBufferPointer(rebasing: $0[0..<footer])) })
        return b
    }

    /// Every lookup over every row and list; each returned movie row must be a valid row.
    static func exerciseEveryLookup(_ r: Release) {
        func checkList(_ l: RankedList) {
            #expect(l.movies.count == l.scores.count)
            for m in l.movies {
                #expect(m >= 0 && Int(m) < r.movieCount)
                _ = r.movie(row: Int(m)).titleString
            }
        }
        for m in 0..<r.movieCount {
            let view = r.movie(row: m)
            #expect(r.movieRow(forID: view.id) == m)
            _ = view.titleString
            checkList(r.similar(movieRow: m))
            _ = r.factors(movieRow: m).reduce(0, +)
            for w in TrendingWindow.allCases { #expect((0...1).contains(r.popularity(movieRow: m, window: w))) }
        }
        for u in 0..<r.userCount {
            #expect(r.userRow(forID: r.tables.userIDs[u]) == u)
            checkList(r.recommendations(userRow: u))
        }
        for w in TrendingWindow.allCases {
            for g in [nil, -1, 0, 5, 18, 19, 40] as [Int?] { checkList(r.trending(window: w, genre: g)) }
        }
        for id: Int32 in [.min, -1, 0, 1, 2, 1000, .max] {
            if let row = r.movieRow(forID: id) { #expect(row < r.movieCount) }
            if let row = r.userRow(forID: id) { #expect(row < r.userCount) }
        }
    }
}
