import ReelCore
import ReelSilver
import ReelModel
#if canImport(Glibc)
import Glibc
import ReelServing
#endif

/// What a publish or an activation did.
public struct PublishResult: Sendable {
    public var releaseID: String
    public var path: String
    public var size: Int
    /// The release that was current before (now `output/previous`).
    public var previous: String?
    /// Releases deleted by retention.
    public var removed: [String]
}

/// `reel publish`: build a release and make it current, atomically.
///
/// Steps: write `<id>.reel.partial` (temp file, fsync, checksum-verified,
/// renamed — `AtomicFile`), re-open it with `Release` (full verification and
/// every cross-section invariant), rename it to `output/releases/<id>.reel`,
/// fsync the folder, point `output/previous` at the old current, switch
/// `output/current` by symlink rename, then prune to the newest `keep`.
/// Killed at any step, the old `current` stays intact and servable; nothing
/// a reader may have mapped is ever overwritten.
public enum ReleasePublisher {
    /// Publishes the release built from the current silver and a factors file.
    /// - Parameter modelPath: factors file; default `output/models/latest/model.factors`.
    public static func publish(
        home: ReelHome, modelPath: String? = nil, options: ReleaseOptions = ReleaseOptions(),
        metricsJSON: String? = nil, keep: Int = 5
    ) throws -> PublishResult {
        let factorsPath = modelPath ?? Path.join(home.latestModel, "model.factors")
        guard FileSystem.exists(factorsPath) else {
            throw ReelError(.notFound, "no model factors at \(factorsPath): run `reel train` first, or pass --model PATH")
        }
        return try publish(
            silver: SilverSnapshot.open(home: home), factorsPath: factorsPath, home: home,
            options: options, metricsJSON: metricsJSON, keep: keep)
    }

    /// Publishes the release built from `silver` (already open, as in the
    /// nightly job) and the factors file at `factorsPath`, whose xxh3 becomes
    /// the model fingerprint and whose folder names the model run.
    public static func publish(
        silver: SilverSnapshot, factorsPath: String, home: ReelHome,
        options: ReleaseOptions = ReleaseOptions(), metricsJSON: String? = nil,
        keep: Int = 5
    ) throws -> PublishResult {
        let fingerprint = try MappedFile(path: factorsPath, populate: true).withBytes { XXH3.hash($0) }
        let factors = try ModelFactors.read(path: factorsPath)
        let metadata = ReleaseMetadata(
            modelRun: modelRun(of: factorsPath), modelFingerprint: fingerprint,
            metricsJSON: metricsJSON)
        let contents = try ReleaseBuilder.build(silver: silver, factors: factors, options: options, metadata: metadata)
        return try publish(contents, home: home, keep: keep)
    }

    /// Writes, verifies, installs and switches to `contents`.
    public static func publish(
        _ contents: ReleaseContents, home: ReelHome, keep: Int = 5,
        steps: PublishSteps = PublishSteps()
    ) throws -> PublishResult {
        let catalog = ReleaseCatalog(home: home)
        let final = catalog.path(for: contents.releaseID)
        guard !FileSystem.exists(final) else {
            throw ReelError(.usage, "release \(contents.releaseID) already exists at \(final); releases are never overwritten")
        }
        try FileSystem.createDirectory(home.releases)
        let staging = final + ".partial"
        let started = Clock.monotonic()
        try contents.write(to: staging)
        let size: Int
        do {
            size = try Release(path: staging).fileSize
        } catch {
            unlink(staging)
            throw error
        }
        Console.info(
            "publish", "wrote and verified \(Path.basename(final)) (\(Console.bytes(size))) in \(Console.duration(Clock.monotonic() - started))")
        try steps.reached(.afterTempWrite)
        return try install(staging: staging, releaseID: contents.releaseID, size: size, catalog: catalog, keep: keep, steps: steps)
    }

    /// Renames a verified staging file into the releases folder, switches
    /// current to it and prunes. Shared by publish and activate.
    static func install(
        staging: String, releaseID: String, size: Int, catalog: ReleaseCatalog,
        keep: Int, steps: PublishSteps, logStage: String = "publish"
    ) throws -> PublishResult {
        let final = catalog.path(for: releaseID)
        try FileSystem.rename(staging, final)
        try FileSystem.fsyncDirectory(catalog.home.releases)
        // Verified in full just before the rename (which keeps the inode): stamp it for lookups.
        try VerificationStamp.write(for: final)
        try steps.reached(.afterRename)
        let previous = catalog.currentID().flatMap { $0 == releaseID ? catalog.previousID() : $0 }
        try catalog.switchCurrent(to: releaseID, previous: previous, steps: steps)
        Console.info(logStage, "current release is now \(releaseID)" + (previous.map { " (previous: \($0))" } ?? ""))
        let removed = try catalog.prune(keep: keep)
        if !removed.isEmpty { Console.info(logStage, "pruned \(removed.count) old release(s): \(removed.joined(separator: ", "))") }
        return PublishResult(releaseID: releaseID, path: final, size: size, previous: previous, removed: removed)
    }

    /// The model run a factors file belongs to: its folder's name, following
    /// the `output/models/latest` symlink.
    static func modelRun(of factorsPath: String) -> String {
        let folder = Path.parent(factorsPath)
        if let target = FileSystem.readLink(folder) { return Path.basename(target) }
        return Path.basename(folder)
    }
}
