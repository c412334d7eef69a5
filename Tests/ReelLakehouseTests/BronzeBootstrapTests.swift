import Foundation
import Testing
import ReelCore
@testable import ReelLakehouse

/// Bootstrap from a zip built at test time from the fixtures (ml-25m layout),
/// from a folder, and the offline failure — no test touches the network.
@Suite struct BronzeBootstrapTests {
    typealias S = SynthTestSupport

    static var fixtures: String {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.path + "/ml-25m-mini"
    }

    /// `work/ml-25m.zip` holding `ml-25m/<fixture files>`, like GroupLens' zip.
    static func makeZip(_ work: String) throws -> String {
        let top = work + "/ml-25m"
        try FileManager.default.createDirectory(atPath: top, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: fixtures) {
            try FileManager.default.copyItem(atPath: fixtures + "/" + name, toPath: top + "/" + name)
        }
        let zip = work + "/ml-25m.zip"
        let hasZip = FileManager.default.isExecutableFile(atPath: "/usr/bin/zip")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = hasZip ? ["zip", "-qr", zip, "ml-25m"] : ["python3", "-m", "zipfile", "-c", zip, "ml-25m"]
        process.currentDirectoryURL = URL(fileURLWithPath: work)
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return zip
    }

    static func md5(_ path: String) -> String {
        let data = FileManager.default.contents(atPath: path)!
        return data.withUnsafeBytes { MD5.hex($0) }
    }

    /// Issue 16 item 7: a symlink entry is refused, never followed, and
    /// nothing of its target appears in the error.
    @Test func aZipWithASymlinkEntryIsRefused() throws {
        let work = S.tempDir("bronze-zip-link")
        let secret = work + "/secret.txt"
        try "SECRET-FIRST-LINE\n".write(toFile: secret, atomically: true, encoding: .utf8)
        let top = work + "/ml-25m"
        try FileManager.default.createDirectory(atPath: top, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.fixtures) where name != "tags.csv" {
            try FileManager.default.copyItem(atPath: Self.fixtures + "/" + name, toPath: top + "/" + name)
        }
        try FileManager.default.createSymbolicLink(atPath: top + "/tags.csv", withDestinationPath: secret)
        let zip = work + "/ml-25m.zip"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["zip", "-qry", zip, "ml-25m"]  // -y stores the link itself
        process.currentDirectoryURL = URL(fileURLWithPath: work)
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "zip is needed for this test")
        try (Self.md5(zip) + "  ml-25m.zip\n").write(toFile: zip + ".md5", atomically: true, encoding: .utf8)
        let dir = work + "/home/lakehouse/bronze/movielens/ml-25m"
        do {
            _ = try BronzeBootstrap.run(source: zip, into: dir)
            Issue.record("a zip with a symlink entry was accepted")
        } catch let e as ReelError {
            #expect(e.message.contains("'ml-25m/tags.csv' is a symbolic link"), "\(e.message)")
            #expect(!e.message.contains("SECRET"))
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/tags.csv"))
    }

    @Test func installsFromAZipAndKeepsAVerifiedCopy() throws {
        let work = S.tempDir("bronze-zip")
        let zip = try Self.makeZip(work)
        try (Self.md5(zip) + "  ml-25m.zip\n").write(toFile: zip + ".md5", atomically: true, encoding: .utf8)
        let dir = work + "/home/lakehouse/bronze/movielens/ml-25m"
        let manifest = try BronzeBootstrap.run(source: zip, into: dir)
        #expect(manifest.dataset == "ml-25m")
        #expect(manifest.source == zip)
        #expect(manifest.sourceMD5 == Self.md5(zip))
        #expect(manifest.files["ratings.csv"]?.rows == 10)
        #expect(manifest.files["movies.csv"]?.rows == 11)
        #expect(manifest.files["tags.csv"]?.rows == 4)
        for table in MovieLensFile.allCases {
            #expect(FileManager.default.contentsEqual(atPath: dir + "/" + table.fileName, andPath: Self.fixtures + "/" + table.fileName))
        }
        #expect(try BronzeValidator.validate(dir: dir).manifest == manifest)
        // Idempotent: a verified copy is kept (same manifest, same fetch time).
        let again = try BronzeBootstrap.run(source: zip, into: dir)
        #expect(again == manifest)
        // Nothing left beside the folder.
        #expect(try FileManager.default.contentsOfDirectory(atPath: work + "/home/lakehouse/bronze/movielens") == ["ml-25m"])
    }

    @Test func refusesAZipWhoseMD5DoesNotMatchAndKeepsTheOldCopy() throws {
        let work = S.tempDir("bronze-md5")
        let zip = try Self.makeZip(work)
        let dir = work + "/bronze"
        let first = try BronzeBootstrap.run(source: zip, into: dir)
        try "0123456789abcdef0123456789abcdef  ml-25m.zip\n".write(toFile: zip + ".md5", atomically: true, encoding: .utf8)
        let error = #expect(throws: ReelError.self) { try BronzeBootstrap.run(source: zip, into: dir, force: true) }
        #expect(error?.kind == .corrupt)
        #expect(error?.message.contains("0123456789abcdef0123456789abcdef") == true)
        #expect(try BronzeManifest.read(dir: dir) == first)
    }

    @Test func installsFromAFolderAndReplacesABrokenCopy() throws {
        let work = S.tempDir("bronze-dir")
        let dir = work + "/bronze"
        try BronzeBootstrap.run(source: Self.fixtures, into: dir)
        try "damaged".write(toFile: dir + "/links.csv", atomically: false, encoding: .utf8)
        #expect(!BronzeValidator.check(dir: dir).isValid)
        let manifest = try BronzeBootstrap.run(source: Self.fixtures, into: dir)
        #expect(BronzeValidator.check(dir: dir).isValid)
        #expect(manifest.files["links.csv"]?.rows == 11)
    }

    @Test func neverReplacesSyntheticDataWithoutForce() throws {
        let work = S.tempDir("bronze-synthetic")
        let dir = work + "/bronze"
        try Synth.generate(config: S.config(), to: dir)
        let error = #expect(throws: ReelError.self) { try BronzeBootstrap.run(source: Self.fixtures, into: dir) }
        #expect(error?.message.contains("--force") == true)
        #expect(try BronzeManifest.read(dir: dir).dataset == "synthetic")
        try BronzeBootstrap.run(source: Self.fixtures, into: dir, force: true)
        #expect(try BronzeManifest.read(dir: dir).dataset == "ml-25m")
    }

    @Test func failsFastOfflineSayingHowToPassALocalCopy() throws {
        let work = S.tempDir("bronze-offline")
        let dir = work + "/bronze"
        let error = #expect(throws: ReelError.self) {
            try BronzeBootstrap.run(source: "http://127.0.0.1:9/ml-25m.zip", into: dir)
        }
        #expect(error?.kind == .io)
        #expect(error?.message.contains("--source /path/to/ml-25m.zip") == true)
        #expect(!FileManager.default.fileExists(atPath: dir))
        #expect(try FileManager.default.contentsOfDirectory(atPath: work).isEmpty)
    }

    @Test func rejectsASourceThatIsNotMovieLens() throws {
        let work = S.tempDir("bronze-notml")
        try FileManager.default.createDirectory(atPath: work + "/src", withIntermediateDirectories: true)
        try "a,b\n1,2\n".write(toFile: work + "/src/ratings.csv", atomically: true, encoding: .utf8)
        let error = #expect(throws: ReelError.self) { try BronzeBootstrap.run(source: work + "/src", into: work + "/bronze") }
        #expect(error?.kind == .invalidInput)
        #expect(error?.message.contains("movies.csv is missing") == true)
        #expect(!FileManager.default.fileExists(atPath: work + "/bronze"))
        let missing = #expect(throws: ReelError.self) { try BronzeBootstrap.run(source: work + "/nowhere.zip", into: work + "/bronze") }
        #expect(missing?.kind == .notFound)
    }
}
