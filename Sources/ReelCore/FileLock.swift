#if canImport(Glibc)
import Glibc
#endif

/// An exclusive, non-blocking `flock` held while this object lives: the one
/// lock primitive behind the nightly run lock, event ingest and Delta writers.
/// The kernel drops it when the process dies, so a crash never leaves a stale
/// lock; the file records who holds it, for the message the next contender sees.
public final class FileLock {
    private let fd: Int32
    public let path: String

    /// Takes the lock or throws `.locked` (exit code 3) with `busy(holder)`,
    /// where `holder` is what the current holder wrote ("pid 123 reel nightly since …").
    ///
    /// The file is opened with `O_NOFOLLOW` and must be a regular file: a
    /// symlink planted at the lock path (say, to a file only root may write)
    /// is refused, never followed. The lock file is never truncated either:
    /// the holder note is written over the start of the file, padded to a
    /// fixed width, so even a hard link to another file could lose at most
    /// `noteWidth` bytes and a contender reads only the note.
    public init(path: String, purpose: String, busy: (String) -> String) throws {
        self.path = path
        try FileSystem.createDirectory(Path.parent(path))
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o644)
        guard fd >= 0 else {
            let e = errno
            if e == ELOOP {
                throw ReelError(.invalidInput, "\(path): the lock file is a symbolic link; refusing to follow it (remove it)")
            }
            throw ReelError.system("cannot open lock file", path: path, errno: e)
        }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_nlink == 1 else {
            close(fd)
            throw ReelError(.invalidInput, "\(path): the lock file is not a plain file with one link; refusing to use it (remove it)")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            var holder = Self.readNote(fd)
            while holder.hasSuffix("\n") || holder.hasSuffix(" ") { holder.removeLast() }
            close(fd)
            throw ReelError(.locked, busy(holder.isEmpty ? "unknown holder" : holder))
        }
        var note = "pid \(getpid()) \(purpose) since \(Clock.iso8601(Clock.now()))"
        if note.utf8.count > Self.noteWidth - 1 { note = String(decoding: note.utf8.prefix(Self.noteWidth - 1), as: UTF8.self) }
        note += String(repeating: " ", count: max(0, Self.noteWidth - 1 - note.utf8.count)) + "\n"
        _ = note.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    /// Width of the holder note: always written whole, so a shorter note
    /// never leaves the tail of a longer one behind.
    static let noteWidth = 160

    private static func readNote(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: noteWidth)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, noteWidth, 0) }
        guard n > 0 else { return "" }
        return String(decoding: buffer[0..<n].prefix { $0 != 0 && $0 != UInt8(ascii: "\n") }, as: UTF8.self)
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
