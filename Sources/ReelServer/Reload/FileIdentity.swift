#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a release path points at right now: the fully resolved file (through
/// `output/current` and any other symlinks) and that file's identity (device,
/// inode, size, modification and change times).
///
/// Two snapshots differ when the symlink is switched to another release, when
/// a file is renamed over the path, or when a file is rewritten in place, which
/// is what the watcher compares every poll.
struct FileIdentity: Equatable, Sendable {
    var resolvedPath: String
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modifiedNanoseconds: Int64
    var changedNanoseconds: Int64

    /// The identity of what `path` points at, or nil when it does not resolve to a file.
    static func of(_ path: String) -> FileIdentity? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        var st = stat()
        guard stat(resolved, &st) == 0 else { return nil }
        #if os(Linux)
        let modified = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        let changed = Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec)
        #else
        let modified = Int64(st.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(st.st_mtimespec.tv_nsec)
        let changed = Int64(st.st_ctimespec.tv_sec) * 1_000_000_000 + Int64(st.st_ctimespec.tv_nsec)
        #endif
        return FileIdentity(
            resolvedPath: String(cString: resolved), device: UInt64(st.st_dev),
            inode: UInt64(st.st_ino), size: Int64(st.st_size),
            modifiedNanoseconds: modified, changedNanoseconds: changed)
    }
}
