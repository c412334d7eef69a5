import ReelCore
#if canImport(Glibc)
import Glibc
import ReelServing
#endif

/// `reel activate FILE` on an edge host: install a copied release or bundle
/// and make it current — or refuse it and leave current exactly as it was.
///
/// The copy is decompressed (or copied) into a temporary file inside the
/// releases folder, checked against its manifest when one is given or lies
/// next to it, fully verified by opening it with `Release`, and only then
/// renamed into place and switched to, with the same steps as a publish.
public enum ReleaseActivator {
    public static func activate(
        file: String, home: ReelHome, manifestPath: String? = nil, keep: Int = 5,
        steps: PublishSteps = PublishSteps()
    ) throws -> PublishResult {
        guard FileSystem.exists(file) else { throw ReelError(.notFound, "\(file): no such file") }
        let catalog = ReleaseCatalog(home: home)
        let current = catalog.currentID()
        let unchanged = "current release unchanged (\(current ?? "none"))"
        let manifest = try (manifestPath ?? ReleaseCopy.siblingManifest(of: file)).map(BundleManifest.read)
        try FileSystem.createDirectory(home.releases)
        let temp = ReleaseCopy.temporaryName(in: home.releases, tag: "incoming")
        let release: Release
        do {
            try ReleaseCopy.materialize(file, at: temp, manifest: manifest)
            release = try Release(path: temp)
            if let manifest, manifest.releaseID != release.releaseID {
                throw ReelError(.corrupt, "\(file) holds release \(release.releaseID), the manifest names \(manifest.releaseID)")
            }
        } catch {
            unlink(temp)
            let reason = (error as? ReelError) ?? ReelError(.corrupt, "\(error)")
            var why = reason.message.replacing(temp, with: "the copy")
            if why.hasPrefix(file + ": ") { why.removeFirst(file.count + 2) }
            throw ReelError(reason.kind, "refusing \(file): \(why); \(unchanged)")
        }
        let id = release.releaseID
        let final = catalog.path(for: id)
        if FileSystem.exists(final) {
            // Same id installed: fine if it is the same file, never overwritten otherwise.
            let installed = try? MappedFile(path: final).withBytes { XXH3.hash($0) }
            let same = installed == release.tables.file.file.withBytes { XXH3.hash($0) }
            unlink(temp)
            guard same else {
                throw ReelError(.usage, "refusing \(file): a different release with id \(id) is already installed at \(final); \(unchanged)")
            }
            let previous = current == id ? catalog.previousID() : current
            try catalog.switchCurrent(to: id, previous: previous, steps: steps)
            return PublishResult(
                releaseID: id, path: final, size: release.fileSize, previous: previous,
                removed: try catalog.prune(keep: keep))
        }
        try steps.reached(.afterTempWrite)
        return try ReleasePublisher.install(
            staging: temp, releaseID: id, size: release.fileSize, catalog: catalog,
            keep: keep, steps: steps, logStage: "activate")
    }
}
