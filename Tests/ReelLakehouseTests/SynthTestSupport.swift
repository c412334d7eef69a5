import Foundation
import ReelTestSupport
import ReelCore
@testable import ReelLakehouse

/// Helpers for the synth and bronze tests: temp folders, a plain RFC 4180
/// reader and a reference checker of the contract's quality rules, written
/// independently of the generator so the two can disagree.
enum SynthTestSupport {
    static func tempDir(_ tag: String) -> String { makeTempDir("reel-\(tag)") }

    static func text(_ path: String) -> String {
        // Bytes that are not UTF-8 (the `*_invalid_utf8` rows) read as U+FFFD.
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// Data lines of a CSV (header dropped). Synth never puts a line break in a field.
    static func dataLines(_ path: String) -> [String] {
        Array(text(path).split(separator: "\n", omittingEmptySubsequences: false).dropFirst().filter { !$0.isEmpty }.map(String.init))
    }

    /// Fields of one RFC 4180 record, or nil when its quoting is broken.
    static func fields(_ line: String) -> [String]? {
        let chars = Array(line)
        var out: [String] = []
        var i = 0
        while true {
            var field = ""
            if i < chars.count, chars[i] == "\"" {
                i += 1
                while true {
                    guard i < chars.count else { return nil }  // unclosed quote
                    if chars[i] == "\"" {
                        if i + 1 < chars.count, chars[i + 1] == "\"" { field.append("\""); i += 2 } else { i += 1; break }
                    } else {
                        field.append(chars[i]); i += 1
                    }
                }
                guard i == chars.count || chars[i] == "," else { return nil }  // text after the closing quote
            } else {
                while i < chars.count, chars[i] != "," {
                    if chars[i] == "\"" { return nil }  // quote inside an unquoted field
                    field.append(chars[i]); i += 1
                }
            }
            out.append(field)
            if i == chars.count { return out }
            i += 1
        }
    }

    static func positiveInt32(_ s: String) -> Int32? {
        guard !s.isEmpty, s.allSatisfy(\.isASCII), s.allSatisfy(\.isNumber), let v = Int64(s), v >= 1, v <= Int64(Int32.max) else { return nil }
        return Int32(v)
    }

    static func timestamp(_ s: String) -> Int64? {
        guard let first = s.first, first == "-" || first.isNumber, s.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int64(s)
    }

    static let validRatings: Set<String> = ["0.5", "1.0", "1.5", "2.0", "2.5", "3.0", "3.5", "4.0", "4.5", "5.0"]
    /// The clock a checker run uses for `timestamp_in_future`.
    static let now: Int64 = 1_900_000_000

    /// The first rule `line` breaks in `table`, nil when the row is accepted.
    /// `movies` is the set of accepted movieIds; `seenMovies` collects them while
    /// checking movies.csv.
    static func firstBrokenRule(
        _ table: MovieLensFile, _ line: String, movies: Set<Int32>,
        seenMovies: inout Set<Int32>
    ) -> BronzeQualityRule? {
        let expected = table.header.split(separator: ",").count
        guard let f = fields(line), f.count == expected else { return .fieldCount }
        func time(_ s: String) -> BronzeQualityRule? {
            guard let t = timestamp(s) else { return .timestampInvalid }
            if t < BronzeQualityRule.oldestTimestamp { return .timestampTooOld }
            if t > now { return .timestampInFuture }
            return nil
        }
        switch table {
        case .ratings, .tags:
            guard positiveInt32(f[0]) != nil else { return .userIdInvalid }
            guard let movie = positiveInt32(f[1]) else { return .movieIdInvalid }
            if table == .ratings {
                guard validRatings.contains(f[2]) else { return .ratingInvalid }
            } else if f[2].contains("\u{FFFD}") {
                return .tagInvalidUTF8
            } else if f[2].isEmpty {
                return .tagEmpty
            }
            if let broken = time(f[3]) { return broken }
            return movies.contains(movie) ? nil : .movieIdOrphan
        case .movies:
            guard let id = positiveInt32(f[0]) else { return .movieIdInvalid }
            guard !seenMovies.contains(id) else { return .movieIdDuplicate }
            guard !f[1].contains("\u{FFFD}") else { return .titleInvalidUTF8 }
            guard !f[1].isEmpty else { return .titleEmpty }
            let tokens = f[2].split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            let known = tokens == [Genres.noneListed] || tokens.allSatisfy { Genres.index(of: $0) != nil }
            guard known else { return .genreUnknown }
            seenMovies.insert(id)
            return nil
        case .links:
            guard let id = positiveInt32(f[0]) else { return .movieIdInvalid }
            guard !f[1].isEmpty, f[1].allSatisfy({ $0.isASCII && $0.isNumber }) else { return .imdbIdInvalid }
            guard f[2].isEmpty || positiveInt32(f[2]) != nil else { return .tmdbIdInvalid }
            return movies.contains(id) ? nil : .movieIdOrphan
        }
    }

    /// A small config whose ratings are spread over many parallel blocks.
    static func config(
        seed: UInt64 = 7, users: Int = 120, movies: Int = 150, ratings: Int = 4_000,
        dirty: Double = 0, threads: Int = 2
    ) -> SynthConfig {
        var c = SynthConfig(
            preset: "custom", users: users, movies: movies, ratings: ratings, seed: seed,
            dirty: dirty, rank: 4, threads: threads)
        c.ratingsPerBlock = 300
        return c
    }
}
