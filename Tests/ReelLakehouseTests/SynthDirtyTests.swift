import Testing
import ReelCore
@testable import ReelLakehouse

/// `--dirty`: the manifest's counts must equal what a reference checker of the
/// quality rules finds, rule by rule, and the accepted rows must be exactly the
/// clean data set.
@Suite struct SynthDirtyTests {
    typealias S = SynthTestSupport

    /// Rules broken per table, and the accepted rows, found by the reference checker.
    static func check(_ dir: String) -> (broken: [String: [String: Int]], accepted: [MovieLensFile: [String]]) {
        var broken: [String: [String: Int]] = [:]
        var accepted: [MovieLensFile: [String]] = [:]
        var movies = Set<Int32>()
        for table in [MovieLensFile.movies, .ratings, .tags, .links] {
            var seen = Set<Int32>()
            for line in S.dataLines(dir + "/" + table.fileName) {
                if let rule = S.firstBrokenRule(table, line, movies: movies, seenMovies: &seen) {
                    broken[table.rawValue, default: [:]][rule.rawValue, default: 0] += 1
                } else {
                    accepted[table, default: []].append(line)
                }
            }
            if table == .movies { movies = seen }
        }
        return (broken, accepted)
    }

    @Test func injectedRowsMatchTheManifestRuleByRule() throws {
        let dir = S.tempDir("synth-dirty")
        let manifest = try Synth.generate(config: S.config(dirty: 0.03), to: dir)
        let found = Self.check(dir)
        #expect(found.broken == manifest.dirty)
        // Every rule of every table is represented.
        for table in MovieLensFile.allCases {
            #expect(Set(manifest.dirty?[table.rawValue]?.keys.map { $0 } ?? []) == Set(table.qualityRules.map(\.rawValue)))
        }
        // Rows = clean + injected, per table.
        let clean = S.config()
        #expect(manifest.files["ratings.csv"]!.rows == clean.ratings + manifest.dirty!["ratings"]!.values.reduce(0, +) + manifest.duplicates!)
        #expect(manifest.files["movies.csv"]!.rows == clean.movies + manifest.dirty!["movies"]!.values.reduce(0, +))
    }

    @Test func duplicatesAreOlderCopiesAndCleanRowsAreUnchanged() throws {
        let dirtyDir = S.tempDir("synth-dirty"), cleanDir = S.tempDir("synth-clean")
        let manifest = try Synth.generate(config: S.config(dirty: 0.03), to: dirtyDir)
        try Synth.generate(config: S.config(), to: cleanDir)
        let accepted = Self.check(dirtyDir).accepted
        // Dedupe accepted ratings the way the contract says: newest timestamp wins.
        var newest: [String: (time: Int64, line: String)] = [:]
        var order: [String] = []
        var duplicates = 0
        for line in accepted[.ratings]! {
            let f = line.split(separator: ",")
            let key = String(f[0] + "," + f[1]), time = Int64(f[3])!
            if let kept = newest[key] {
                duplicates += 1
                #expect(kept.time != time)
                if time > kept.time { newest[key] = (time, line) }
            } else {
                newest[key] = (time, line)
                order.append(key)
            }
        }
        #expect(duplicates == manifest.duplicates)
        #expect(duplicates > 0)
        #expect(order.map { newest[$0]!.line } == S.dataLines(cleanDir + "/ratings.csv"))
        for table in [MovieLensFile.movies, .tags, .links] {
            #expect(accepted[table] == S.dataLines(cleanDir + "/" + table.fileName), "\(table)")
        }
    }

    @Test func cleanDataSetHasNoRejects() throws {
        let dir = S.tempDir("synth-clean")
        let manifest = try Synth.generate(config: S.config(), to: dir)
        #expect(Self.check(dir).broken.isEmpty)
        #expect(manifest.duplicates == 0)
        #expect(manifest.dirty?.isEmpty == true)
    }
}
