import Testing
import ReelCore
import ReelSilver
@testable import ReelRelease
@testable import ReelServing
import ReelTestSupport

/// Publishing switches `output/current` atomically; a publish killed at any
/// step leaves the previous release current and servable; rollback and
/// retention never lose the current or previous release.
@Suite struct PublishTests {
    let home = ReelHome(root: makeTempDir("reel-home"))
    let world = TinyWorld.make()

    @discardableResult
    func publish(_ id: String, at time: Int64, keep: Int = 5, failAt: PublishSteps.Point? = nil) throws -> PublishResult {
        try ReleasePublisher.publish(
            world.contents(id: id, createdAt: time), home: home, keep: keep,
            steps: PublishSteps(failAt: failAt))
    }

    var catalog: ReleaseCatalog { ReleaseCatalog(home: home) }

    func servedID() throws -> String { try Release.current(home: home).releaseID }

    @Test func publishSwitchesCurrentAndRecordsPrevious() throws {
        #expect(errorMessage { _ = try Release.current(home: home) }.contains("no current release"))
        let first = try publish("r1", at: 100)
        #expect(first.previous == nil && first.path == home.releases + "/r1.reel")
        #expect(try servedID() == "r1")
        let second = try publish("r2", at: 200)
        #expect(second.previous == "r1")
        #expect(try servedID() == "r2" && catalog.previousID() == "r1")
        #expect(FileSystem.readLink(home.currentRelease) == "releases/r2.reel", "relative link: the home can move")
        #expect(try Release.current(home: home).path == home.releases + "/r2.reel")
        #expect(FileSystem.list(home.releases).filter { !$0.hasSuffix(".verified") } == ["r1.reel", "r2.reel"], "no temporary files left")
        #expect(errorMessage { try publish("r2", at: 300) }.contains("never overwritten"))
        let entries = catalog.entries()
        #expect(entries.map(\.id) == ["r1", "r2"] && entries.map(\.isCurrent) == [false, true])
        #expect(entries.allSatisfy { $0.problem == nil && $0.size > 0 })
        let table = ReleaseReport.releasesTable(entries, now: 300)
        #expect(table.contains("* r2") && table.contains("- r1") && table.contains("ndcg@10=0.2500"))
    }

    @Test(arguments: PublishSteps.Point.allCases)
    func publishKilledAtAnyStepLeavesPreviousCurrentServable(point: PublishSteps.Point) throws {
        try publish("r1", at: 100)
        let message = errorMessage { try publish("r2", at: 200, failAt: point) }
        #expect(message.contains("simulated crash"))
        let served = try Release.current(home: home)
        #expect(served.releaseID == "r1")
        #expect(served.recommendations(userRow: 0).count > 0, "still servable")
        // The next publish succeeds and becomes current.
        try publish("r3", at: 300)
        #expect(try servedID() == "r3" && catalog.previousID() == "r1")
    }

    @Test func rollbackWalksBackAndRefusesDamagedTargets() throws {
        try publish("r1", at: 100)
        try publish("r2", at: 200)
        try publish("r3", at: 300)
        var (from, to) = try catalog.rollback()
        #expect(try from == "r3" && to == "r2" && servedID() == "r2")
        #expect(catalog.previousID() == "r1")
        (from, to) = try catalog.rollback()
        #expect(try from == "r2" && to == "r1" && servedID() == "r1")
        #expect(errorMessage { try catalog.rollback() }.contains("oldest"))
        #expect(errorMessage { try catalog.rollback(to: "r1") }.contains("already current"))
        #expect(errorMessage { try catalog.rollback(to: "nope") }.contains("not installed"))
        // A damaged release is never switched to.
        var bytes = try FileSystem.readBytes(catalog.path(for: "r3"))
        bytes[bytes.count / 2] ^= 0x10
        writeWithoutSync(catalog.path(for: "r3"), bytes)
        #expect(errorMessage { try catalog.rollback(to: "r3") }.contains("checksum mismatch"))
        #expect(try servedID() == "r1")
        // Publishing after a rollback records the good release as previous.
        try publish("r4", at: 400)
        #expect(catalog.previousID() == "r1")
    }

    @Test func retentionKeepsNewestPlusCurrentAndPrevious() throws {
        try publish("r1", at: 100, keep: 10)
        try publish("r2", at: 200, keep: 10)
        try publish("r3", at: 300, keep: 10)
        try catalog.rollback(to: "r1")
        let result = try publish("r4", at: 400, keep: 1)
        #expect(result.previous == "r1")
        #expect(Set(result.removed) == ["r2", "r3"])
        #expect(FileSystem.list(home.releases).filter { !$0.hasSuffix(".verified") } == ["r1.reel", "r4.reel"])
        try publish("r5", at: 500, keep: 1)
        #expect(
            FileSystem.list(home.releases).filter { !$0.hasSuffix(".verified") } == ["r4.reel", "r5.reel"], "the previous release survives keep=1")
    }
}

/// Publishing from a factors file on disk: fingerprint and model run recorded.
@Suite struct PublishFromFilesTests {
    @Test func factorsFileFingerprintAndRunAreRecorded() throws {
        let home = ReelHome(root: makeTempDir("reel-home"))
        let world = TinyWorld.make()
        let factorsPath = Path.join(home.models, "run-7", "model.factors")
        try FileSystem.createDirectory(Path.parent(factorsPath))
        try world.factors.write(to: factorsPath)
        try FileSystem.replaceSymlink(home.latestModel, target: "run-7")
        let viaLatest = Path.join(home.latestModel, "model.factors")
        let result = try ReleasePublisher.publish(
            silver: world.silver, factorsPath: viaLatest, home: home,
            options: ReleaseOptions(k: 4, similarK: 3, trendingK: 5, threads: 1))
        let release = try Release.current(home: home)
        #expect(release.releaseID == result.releaseID && release.storedK == 4)
        #expect(release.modelFingerprint == XXH3.hash(try FileSystem.readBytes(factorsPath)))
        let meta = String(decoding: release.metadataJSON, as: UTF8.self)
        #expect(meta.contains(#""modelRun":"run-7""#) && meta.contains(#""format":"\#(ReleaseFormat.versionString)""#))
        #expect(errorMessage { _ = try ReleasePublisher.publish(home: ReelHome(root: makeTempDir())) }.contains("run `reel train` first"))
    }
}
