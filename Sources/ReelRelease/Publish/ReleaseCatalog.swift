import ReelCore
#if canImport(Glibc)
import Glibc
import ReelServing
#endif

/// The releases of a Reel home: `output/releases/<id>.reel`, the
/// `output/current` symlink the daemon and CLI serve, and `output/previous`
/// (the release that was current before the last switch, which `reel
/// rollback` returns to by default).
///
/// Switching is a symlink replaced by rename (`FileSystem.replaceSymlink`),
/// so a reader resolves either the old or the new release, never neither.
/// Release files are never overwritten, only unlinked by pruning — a daemon
/// that still has one mapped keeps reading it safely.
public struct ReleaseCatalog: Sendable {
    public let home: ReelHome

    public init(home: ReelHome) {
        self.home = home
    }

    /// `output/previous`.
    public var previousLink: String { Path.join(home.output, "previous") }

    /// The file of release `id`.
    public func path(for id: String) -> String {
        Path.join(home.releases, id + ReleaseFormat.fileExtension)
    }

    /// A release in the releases folder, read from its header and `meta`
    /// without checksum verification (listing must stay cheap).
    public struct Entry: Sendable {
        public var id: String
        public var path: String
        public var size: Int
        public var createdAt: Int64
        public var isCurrent: Bool
        public var isPrevious: Bool
        /// The `meta` JSON, when the file could be read.
        public var metaJSON: String?
        /// Why the file is unusable, when it is.
        public var problem: String?
    }

    /// Every `*.reel` in the releases folder, oldest first (creation time, then id).
    public func entries() -> [Entry] {
        let current = currentID(), previous = previousID()
        var out: [Entry] = []
        for name in FileSystem.list(home.releases) where name.hasSuffix(ReleaseFormat.fileExtension) {
            let id = String(name.dropLast(ReleaseFormat.fileExtension.count))
            let path = Path.join(home.releases, name)
            var entry = Entry(
                id: id, path: path, size: FileSystem.size(path) ?? 0, createdAt: 0,
                isCurrent: id == current, isPrevious: id == previous, metaJSON: nil, problem: nil)
            do {
                let reader = try SectionFileReader(path: path, kind: ReleaseFormat.kind, verify: .structure)
                entry.createdAt = reader.createdAt
                entry.metaJSON = try reader.text(ReleaseFormat.Section.meta)
                let inner = try reader.text(ReleaseFormat.Section.releaseID)
                if inner != id { entry.problem = "file holds release '\(inner)'" }
            } catch let error as ReelError {
                entry.problem = error.message
            } catch {
                entry.problem = "\(error)"
            }
            out.append(entry)
        }
        return out.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// The id `output/current` points at, or nil.
    public func currentID() -> String? { Self.releaseID(linkedBy: home.currentRelease) }

    /// The id `output/previous` points at, or nil.
    public func previousID() -> String? { Self.releaseID(linkedBy: previousLink) }

    static func releaseID(linkedBy link: String) -> String? {
        guard let target = FileSystem.readLink(link) else { return nil }
        let name = Path.basename(target)
        guard name.hasSuffix(ReleaseFormat.fileExtension) else { return nil }
        return String(name.dropLast(ReleaseFormat.fileExtension.count))
    }

    /// Points `output/current` at release `id` (which must be installed), and
    /// `output/previous` at `previous` (or removes it when nil). Previous goes
    /// first: a crash in between leaves current unchanged.
    public func switchCurrent(to id: String, previous: String?, steps: PublishSteps = PublishSteps()) throws {
        guard FileSystem.exists(path(for: id)) else {
            throw ReelError(.notFound, "release \(id) is not installed in \(home.releases)")
        }
        if let previous, previous != id {
            try FileSystem.replaceSymlink(previousLink, target: relativeTarget(previous))
        } else if FileSystem.readLink(previousLink) != nil {
            unlink(previousLink)
            try FileSystem.fsyncDirectory(home.output)
        }
        try steps.reached(.beforeSwitch)
        try FileSystem.replaceSymlink(home.currentRelease, target: relativeTarget(id))
    }

    /// Relative to `output/`, so a home folder can be moved or mounted elsewhere.
    func relativeTarget(_ id: String) -> String {
        "releases/" + id + ReleaseFormat.fileExtension
    }

    /// Switches back to release `id`, or by default to `output/previous` (else
    /// the newest release older than current). The target is fully verified
    /// first. Afterwards `previous` is the newest release older than the
    /// target, so repeated rollbacks walk back in time.
    /// - Returns: (from, to) release ids.
    @discardableResult
    public func rollback(to id: String? = nil) throws -> (from: String, to: String) {
        guard let current = currentID() else {
            throw ReelError(.notFound, "no current release at \(home.currentRelease): nothing to roll back")
        }
        let all = entries().filter { $0.problem == nil }
        let target: String
        if let id {
            target = id
        } else if let previous = previousID(), previous != current, FileSystem.exists(path(for: previous)) {
            target = previous
        } else if let index = all.firstIndex(where: { $0.id == current }), index > 0 {
            target = all[index - 1].id
        } else {
            throw ReelError(.notFound, "no release to roll back to: \(current) is the oldest in \(home.releases)")
        }
        guard target != current else {
            throw ReelError(.usage, "release \(target) is already current")
        }
        guard FileSystem.exists(path(for: target)) else {
            throw ReelError(.notFound, "release \(target) is not installed in \(home.releases); `reel releases` lists them")
        }
        _ = try Release(path: path(for: target))
        let older = all.firstIndex { $0.id == target }.flatMap { $0 > 0 ? all[$0 - 1].id : nil }
        try switchCurrent(to: target, previous: older)
        return (current, target)
    }

    /// Deletes all but the newest `keep` releases, never current or previous,
    /// and temporary leftovers of crashed publishes older than an hour.
    /// - Returns: the ids removed.
    @discardableResult
    public func prune(keep: Int) throws -> [String] {
        let current = currentID(), previous = previousID()
        let newestFirst = entries().reversed()
        var removed: [String] = []
        for (rank, entry) in newestFirst.enumerated()
        where rank >= max(keep, 1) && entry.id != current && entry.id != previous {
            if unlink(entry.path) == 0 { removed.append(entry.id) }
            unlink(VerificationStamp.path(for: entry.path))
        }
        let hourAgo = Clock.now() - 3600
        for name in FileSystem.list(home.releases) where name.hasSuffix(".partial") || name.contains(".tmp-") {
            let p = Path.join(home.releases, name)
            if let mtime = FileSystem.modificationTime(p), mtime < hourAgo { unlink(p) }
        }
        if !removed.isEmpty { try FileSystem.fsyncDirectory(home.releases) }
        return removed
    }
}
