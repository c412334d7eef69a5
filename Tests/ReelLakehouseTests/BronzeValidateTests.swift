import Foundation
import Testing
import ReelCore
@testable import ReelLakehouse

@Suite struct BronzeValidateTests {
    typealias S = SynthTestSupport

    @Test func reportsEveryProblemTogether() throws {
        let dir = S.tempDir("bronze-validate")
        try Synth.generate(config: S.config(), to: dir, force: true)
        #expect(try BronzeValidator.validate(dir: dir).summary.hasPrefix("bronze OK"))
        try FileManager.default.removeItem(atPath: dir + "/links.csv")  // missing file
        var movies = S.text(dir + "/movies.csv")
        movies.replaceSubrange(movies.startIndex..<movies.firstIndex(of: "\n")!, with: "movieId,name,genres")
        try movies.write(toFile: dir + "/movies.csv", atomically: true, encoding: .utf8)  // wrong header (and checksum)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/tags.csv"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("1,1,extra,1500000000\n".utf8))  // checksum mismatch
        try handle.close()
        let error = #expect(throws: ReelError.self) { try BronzeValidator.validate(dir: dir) }
        #expect(error?.kind == .invalidInput)
        let message = error?.message ?? ""
        #expect(message.contains("links.csv is missing"))
        #expect(message.contains("movies.csv: header is 'movieId,name,genres', the contract requires 'movieId,title,genres'"))
        #expect(message.contains("tags.csv has"))
        #expect(message.contains("4 problems"))  // links missing, movies header, movies size, tags size
    }

    @Test func reportsAMissingOrBrokenManifest() throws {
        let dir = S.tempDir("bronze-manifest")
        try Synth.generate(config: S.config(), to: dir, force: true)
        try "{\"dataset\": 1}".write(toFile: dir + "/_manifest.json", atomically: true, encoding: .utf8)
        #expect(BronzeValidator.check(dir: dir).problems.count == 1)
        #expect(BronzeValidator.check(dir: dir).problems[0].contains("_manifest.json: not a valid bronze manifest"))
        try FileManager.default.removeItem(atPath: dir + "/_manifest.json")
        #expect(BronzeValidator.check(dir: dir).problems == ["_manifest.json is missing (`reel bronze bootstrap` or `reel synth` writes it)"])
    }

    @Test func acceptsABOMAndCRLFHeaderAndNamesAMissingFolder() throws {
        let dir = S.tempDir("bronze-bom")
        try Synth.generate(config: S.config(), to: dir, force: true)
        let body = S.text(dir + "/links.csv").split(separator: "\n", maxSplits: 1)[1]
        try ("\u{FEFF}movieId,imdbId,tmdbId\r\n" + body).write(toFile: dir + "/links.csv", atomically: true, encoding: .utf8)
        var manifest = try BronzeManifest.read(dir: dir)
        manifest.files["links.csv"] = try .measure(path: dir + "/links.csv")
        try manifest.write(dir: dir)
        #expect(BronzeValidator.check(dir: dir).isValid)
        let error = #expect(throws: ReelError.self) { try BronzeValidator.validate(dir: dir + "/nope") }
        #expect(error?.kind == .notFound)
    }

    @Test func countsRecordsNotLines() {
        func rows(_ text: String) -> Int { Array(text.utf8).withUnsafeBytes { BronzeRowCounter.dataRows($0) } }
        #expect(rows("") == 0)
        #expect(rows("a,b\n") == 0)
        #expect(rows("a,b\n1,2\n3,4\n") == 2)
        #expect(rows("a,b\n1,2\n3,4") == 2)  // no final newline
        #expect(rows("a,b\r\n1,2\r\n") == 1)  // CRLF
        #expect(rows("a,b\n1,\"two\nlines\"\n3,\"x\"\"y\"\n") == 2)  // a quoted line break
    }
}
