import Foundation
import Testing
import ReelCore
@testable import ReelLakehouse

@Suite struct SynthTests {
    typealias S = SynthTestSupport

    static func bytes(_ dir: String) -> [String: Data] {
        var out: [String: Data] = [:]
        for t in MovieLensFile.allCases { out[t.fileName] = FileManager.default.contents(atPath: dir + "/" + t.fileName) }
        return out
    }

    @Test func sameSeedGivesSameBytesWhateverTheThreadCount() throws {
        let a = S.tempDir("synth-a"), b = S.tempDir("synth-b")
        let ma = try Synth.generate(config: S.config(threads: 2), to: a)
        let mb = try Synth.generate(config: S.config(threads: 1), to: b)
        #expect(Self.bytes(a) == Self.bytes(b))
        #expect(ma.files == mb.files)
        #expect(Self.bytes(a).values.allSatisfy { $0.count > 100 })
    }

    @Test func differentSeedsGiveDifferentData() throws {
        let a = S.tempDir("synth-a"), b = S.tempDir("synth-b")
        let ma = try Synth.generate(config: S.config(seed: 1), to: a)
        let mb = try Synth.generate(config: S.config(seed: 2), to: b)
        #expect(ma.files["ratings.csv"]!.xxh3 != mb.files["ratings.csv"]!.xxh3)
        #expect(ma.files["movies.csv"]!.xxh3 != mb.files["movies.csv"]!.xxh3)
        #expect(ma.files["ratings.csv"]!.rows == mb.files["ratings.csv"]!.rows)
    }

    @Test func ratingsHaveTheMovieLensShape() throws {
        let dir = S.tempDir("synth-shape")
        let config = S.config()
        let manifest = try Synth.generate(config: config, to: dir)
        // movies.csv: quoted titles parse back to "Name (Year)", genres from the contract.
        var years: [Int32: Int] = [:]
        var needsQuoting = 0
        for line in S.dataLines(dir + "/movies.csv") {
            let f = try #require(S.fields(line), "bad quoting: \(line)")
            #expect(f.count == 3)
            let id = try #require(Int32(f[0]))
            let title = f[1]
            let tail = title.suffix(7)
            let year = Int(tail.dropFirst(2).dropLast())
            #expect(tail.hasPrefix(" (") && tail.hasSuffix(")") && year != nil, "title without year: \(title)")
            years[id] = year
            if title.contains(",") || title.contains("\"") { needsQuoting += 1; #expect(line.contains("\"")) }
            let genres = f[2].split(separator: "|").map(String.init)
            #expect(genres == [Genres.noneListed] || genres.allSatisfy { Genres.index(of: $0) != nil })
        }
        #expect(years.count == config.movies)
        #expect(needsQuoting > 0)
        // ratings.csv: every user, ≥ 20 each, sorted, half stars, after the release year.
        let lines = S.dataLines(dir + "/ratings.csv")
        #expect(lines.count == config.ratings)
        #expect(manifest.files["ratings.csv"]!.rows == config.ratings)
        var perUser: [Int32: Int] = [:]
        var previous = (Int32(0), Int32(0))
        var rated = Set<Int32>()
        for line in lines {
            let f = line.split(separator: ",").map(String.init)
            let user = Int32(f[0])!, movie = Int32(f[1])!, time = Int64(f[3])!
            #expect(previous < (user, movie), "not sorted at \(line)")
            previous = (user, movie)
            perUser[user, default: 0] += 1
            rated.insert(movie)
            #expect(S.validRatings.contains(f[2]))
            let year = try #require(years[movie])
            #expect(time >= Int64(Clock.daysFromCivil(year: year, month: 1, day: 1)) * 86_400, "rated before release: \(line)")
            #expect(time >= SynthTimeline.start && time <= SynthModel.end)
        }
        #expect(perUser.count == config.users)
        #expect(Set(perUser.keys) == Set(1...Int32(config.users)))
        #expect(perUser.values.allSatisfy { $0 >= SynthConfig.minRatingsPerUser })
        #expect(rated.count < config.movies, "some movies are never rated")
        // tags.csv and links.csv.
        for line in S.dataLines(dir + "/tags.csv") {
            let f = try #require(S.fields(line))
            #expect(f.count == 4 && !f[2].isEmpty && years[Int32(f[1])!] != nil)
        }
        let links = S.dataLines(dir + "/links.csv").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(links.count == config.movies)
        #expect(links.allSatisfy { $0.count == 3 && $0[1].count == 7 && $0[1].allSatisfy(\.isNumber) })
    }

    @Test func linksLeaveSomeTmdbIdsEmptyAndTitlesUseDoubledQuotes() throws {
        let dir = S.tempDir("synth-small")
        var config = try SynthConfig.preset("small")
        config.users = 200
        config.ratings = 10_000
        try Synth.generate(config: config, to: dir)
        let links = S.dataLines(dir + "/links.csv")
        #expect(links.contains { $0.hasSuffix(",") })
        #expect(S.text(dir + "/movies.csv").contains("\"\""))
        #expect(S.text(dir + "/tags.csv").contains("\""))
    }

    @Test func refusesToOverwriteWithoutForce() throws {
        let dir = S.tempDir("synth-force")
        try Synth.generate(config: S.config(seed: 1), to: dir)
        let error = #expect(throws: ReelError.self) { try Synth.generate(config: S.config(seed: 2), to: dir) }
        #expect(error?.message.contains("--force") == true)
        #expect(try BronzeManifest.read(dir: dir).seed == 1)
        try Synth.generate(config: S.config(seed: 2), to: dir, force: true)
        #expect(try BronzeManifest.read(dir: dir).seed == 2)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: (dir as NSString).deletingLastPathComponent)
            .filter { $0.hasPrefix(".\((dir as NSString).lastPathComponent).") }
        #expect(leftovers.isEmpty)
    }

    @Test func presetsHaveTheirDocumentedShape() throws {
        let ml = try SynthConfig.preset("ml-25m")
        #expect((ml.users, ml.movies, ml.ratings) == (162_541, 62_423, 25_000_095))
        try ml.validate()
        try SynthConfig.preset("small").validate()
        try SynthConfig.preset("tiny").validate()
        #expect(throws: ReelError.self) { try SynthConfig.preset("huge") }
    }

    @Test func rejectsConfigsThatCannotWork() {
        var few = S.config()
        few.ratings = few.users * 19
        #expect(throws: ReelError(.usage, "synth: --ratings must be at least 20 per user (2400 for 120 users), got 2280")) { try few.validate() }
        var rank = S.config()
        rank.rank = 17
        #expect(throws: ReelError.self) { try rank.validate() }
        var dirty = S.config()
        dirty.dirty = -0.1
        #expect(throws: ReelError.self) { try dirty.validate() }
    }

    @Test func sourceRecordsTheCommandLine() throws {
        var c = try SynthConfig.preset("tiny")
        c.seed = 9
        c.dirty = 0.05
        #expect(c.commandLine == "reel synth --preset tiny --seed 9 --dirty 0.05")
        c.users = 50
        #expect(c.commandLine == "reel synth --preset tiny --users 50 --seed 9 --dirty 0.05")
    }

    @Test func manifestRoundTripsWithContractKeys() throws {
        let dir = S.tempDir("synth-manifest")
        let written = try Synth.generate(config: S.config(dirty: 0.02), to: dir)
        let read = try BronzeManifest.read(dir: dir)
        #expect(read == written)
        let json = S.text(dir + "/_manifest.json")
        for key in ["\"fetched_at\"", "\"dirty_rate\"", "\"duplicates\"", "\"xxh3\"", "\"dataset\" : \"synthetic\""] {
            #expect(json.contains(key), "missing \(key)")
        }
        for (name, entry) in read.files {
            #expect(try BronzeManifest.FileEntry.measure(path: dir + "/" + name) == entry)
        }
    }
}
