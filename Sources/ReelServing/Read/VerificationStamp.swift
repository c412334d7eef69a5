import ReelCore
#if canImport(Glibc)
import Glibc
#endif

/// Remembers that a release file was verified in full, so a short-lived
/// reader (`reel topk`, `reel movie`: one process per lookup) need not hash
/// hundreds of megabytes again to answer in milliseconds.
///
/// `reel publish` and `reel activate` write `<id>.reel.verified` right after
/// their full verification: the file's device, inode, size, modification
/// and change times (ns) and whole-file xxh3. The change time is what catches
/// an in-place edit whose author restored the modification time. A reader whose `stat` and footer agree with
/// the stamp opens the file with the container's structural checks and the
/// O(1) size checks, without re-hashing or scanning contents (the stamp proves
/// the bytes are the ones whose every invariant was checked); any
/// difference — a copied, replaced, touched or rewritten file — means a full
/// verification. The daemon always verifies in full, since it maps a release
/// for hours.
public enum VerificationStamp {
    public static func path(for release: String) -> String { release + ".verified" }

    /// Identity of the file `path` resolves to, or nil.
    static func identity(_ path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        // The change time too: an in-place edit can restore the modification time
        // (`touch -d`, `utimensat`), but no one but the kernel sets ctime.
        return "\(st.st_dev) \(st.st_ino) \(st.st_size) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
            + " \(st.st_ctim.tv_sec).\(st.st_ctim.tv_nsec)"
    }

    /// The whole-file checksum recorded in the footer (cheap: one read).
    static func footerChecksum(_ path: String) -> UInt64? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size >= SectionFileLayout.footerSize else { return nil }
        var value: UInt64 = 0
        let n = pread(fd, &value, 8, off_t(st.st_size) - off_t(SectionFileLayout.footerSize) + 16)
        return n == 8 ? UInt64(littleEndian: value) : nil
    }

    /// Writes the stamp for a release that was just verified in full.
    public static func write(for release: String) throws {
        guard let id = identity(release), let sum = footerChecksum(release) else { return }
        try FileSystem.writeAtomically(path(for: release), text: "\(id) \(XXH3.hex(sum))\n")
    }

    /// True when `release` is exactly the file that was verified.
    public static func matches(_ release: String) -> Bool {
        guard let stamp = try? FileSystem.readText(path(for: resolved(release))),
            let id = identity(release), let sum = footerChecksum(release)
        else { return false }
        return stamp == "\(id) \(XXH3.hex(sum))\n"
    }

    /// Follows `output/current` (a symlink relative to its folder) to the release file.
    static func resolved(_ path: String) -> String {
        FileSystem.linkTarget(path) ?? path
    }
}

extension Release {
    /// Opens a release for one lookup: without re-hashing when its
    /// `VerificationStamp` matches, in full otherwise — and then stamps it, so
    /// the next lookup is fast again. Without that, a release copied to an edge
    /// host, or stamped by an older Reel (whose stamps lack the change time),
    /// would be hashed in full by every `reel topk` until it was re-activated.
    /// The stamp is best effort: a read-only folder only costs the speed.
    public static func openForLookup(path: String) throws -> Release {
        if VerificationStamp.matches(path) {
            return Release(tables: try ReleaseTables(stampedPath: path))
        }
        let file = VerificationStamp.resolved(path)
        let before = VerificationStamp.identity(file)
        let release = try Release(path: path)
        // Only the file that was verified: one changed meanwhile gets no stamp.
        if before != nil && before == VerificationStamp.identity(file) {
            try? VerificationStamp.write(for: file)
        }
        return release
    }
}
