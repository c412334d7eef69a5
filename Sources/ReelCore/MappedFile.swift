#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory.
///
/// Readers use the bytes in place (no parsing, no copy); the kernel pages them
/// in on demand and shares them between processes. The mapping lives exactly as
/// long as this object: the daemon keeps one per release and unmaps the old one
/// as soon as the last request using it drops its reference.
///
/// `bytes` is valid only while this object is alive: keep a reference (or use
/// `withExtendedLifetime`) for as long as the pointer is used.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let bytes: UnsafeRawBufferPointer

    /// Maps `path`. `populate` pre-faults every page (MAP_POPULATE), which pays
    /// off for files read in full (verification, ETL input).
    public init(path: String, populate: Bool = false) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            var error = ReelError(
                code == ENOENT ? .notFound : .io,
                "cannot open \(path): \(String(cString: strerror(code)))")
            error.systemErrno = code
            throw error
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ReelError.system("cannot stat", path: path, errno: errno) }
        let size = Int(st.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        var flags = MAP_PRIVATE
        #if os(Linux)
        if populate { flags |= MAP_POPULATE }
        #endif
        guard let base = mmap(nil, size, PROT_READ, flags, fd, 0), base != MAP_FAILED else {
            throw ReelError.system("cannot map", path: path, errno: errno)
        }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
    }

    /// Hints the kernel about the access pattern (e.g. `MADV_SEQUENTIAL` for a scan).
    public func advise(_ advice: Int32) {
        guard let base = bytes.baseAddress else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base), bytes.count, advice)
    }

    deinit {
        if let base = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        }
    }
}
