import CReelIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered, write-only file descriptor. Writes go through a 1 MiB buffer;
/// an optional `XXH3Stream` sees every byte, so a writer gets the checksum of
/// what it wrote without reading it back.
public final class FileWriter {
    public let path: String
    private let fd: Int32
    private var buffer: [UInt8] = []
    private let capacity = 1 << 20
    public private(set) var bytesWritten: Int = 0
    public var hasher: XXH3Stream?
    private var failed: ReelError?
    /// Bytes handed to the kernel so far, and how far writeback was started.
    private var flushed = 0
    private var writebackStarted = 0
    /// Writeback is started every this many bytes, while the file is still
    /// being written, so the disk works in step with the writer instead of
    /// all at the end (the kernel itself would wait for gigabytes of dirty
    /// pages before starting).
    public static let writebackStep = 32 << 20

    /// Opens `path` for writing, creating or truncating it.
    public init(path: String, exclusive: Bool = false) throws {
        self.path = path
        // O_NOFOLLOW: a symlink planted at a temp or output name is refused,
        // never followed (and its target never truncated).
        var flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW
        flags |= exclusive ? O_EXCL : O_TRUNC
        fd = open(path, flags, 0o644)
        guard fd >= 0 else { throw ReelError.system("cannot create", path: path, errno: errno) }
        buffer.reserveCapacity(capacity)
    }

    deinit { close(fd) }

    /// Large writes go to the kernel in blocks of this size, each hashed
    /// just before it is written, while it is still in cache.
    public static let blockSize = 1 << 18

    public func write(_ bytes: UnsafeRawBufferPointer) {
        write(bytes, alsoHashingInto: nil)
    }

    /// Writes `bytes`, also feeding them to `extra` (a section's own checksum).
    public func write(_ bytes: UnsafeRawBufferPointer, alsoHashingInto extra: XXH3Stream?) {
        guard bytes.count > 0 else { return }
        bytesWritten += bytes.count
        if buffer.count + bytes.count > capacity {
            flushBuffer()
            if bytes.count >= capacity {
                var at = 0
                while at < bytes.count {
                    let block = UnsafeRawBufferPointer(rebasing: bytes[at..<min(bytes.count, at + Self.blockSize)])
                    hasher?.update(block)
                    extra?.update(block)
                    rawWrite(block)
                    at += block.count
                }
                return
            }
        }
        hasher?.update(bytes)
        extra?.update(bytes)
        buffer.append(contentsOf: bytes)
    }

    public func write(_ bytes: [UInt8]) { bytes.withUnsafeBytes { write($0) } }
    public func write(_ text: String) { var t = text; t.withUTF8 { write(UnsafeRawBufferPointer($0)) } }

    public func write<T: BitwiseCopyable>(array: [T]) { array.withUnsafeBytes { write($0) } }

    public func write<T: BitwiseCopyable>(value: T) {
        withUnsafeBytes(of: value) { write($0) }
    }

    /// Writes zero bytes up to the next multiple of `alignment`.
    public func pad(to alignment: Int) {
        let rest = bytesWritten % alignment
        if rest != 0 { write([UInt8](repeating: 0, count: alignment - rest)) }
    }

    private func flushBuffer() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { rawWrite($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func rawWrite(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count, failed == nil {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                failed = ReelError.system("cannot write", path: path, errno: errno)
                return
            }
            offset += n
        }
        flushed += offset
        if flushed - writebackStarted >= Self.writebackStep {
            // Advice: an error shows up at the fsync.
            _ = reel_start_writeback(fd, Int64(writebackStarted), Int64(flushed - writebackStarted))
            writebackStarted = flushed
        }
    }

    /// Flushes the buffer and fsyncs. Throws the first write error, if any.
    public func finish() throws {
        try finish(.synced)
    }

    /// Flushes the buffer, then makes the file durable now (`.synced`) or
    /// only starts writing it back (`.deferred`, see `Durability`). Throws
    /// the first write error, if any.
    public func finish(_ durability: Durability) throws {
        flushBuffer()
        if let failed { throw failed }
        switch durability {
        case .synced:
            if fsync(fd) != 0 { throw ReelError.system("cannot fsync", path: path, errno: errno) }
        case .deferred:
            // Start writeback without waiting for it, so the caller's later
            // fsync finds little left to do. Advice: an error shows up there.
            _ = reel_start_writeback(fd, 0, 0)
        }
    }
}

/// When a written file is made durable.
public enum Durability: Sendable {
    /// fsync before the call returns (and, for `AtomicFile`, before the rename).
    case synced
    /// Writeback is started, but the caller fsyncs the file and its folder
    /// later (`FileSystem.syncDeferred`), before anything that makes the file
    /// matter — a manifest, a commit, a rename of its folder. For files no
    /// reader can see until then (a staged silver version, a Delta data file
    /// before its commit), where waiting for the disk file by file would
    /// stall the work that could run meanwhile.
    case deferred
}

/// The one way Reel writes a file a reader may open: under a temporary name in
/// the same directory, fsynced, optionally verified, renamed into place, and
/// the directory fsynced. A crash at any point leaves either the old file or
/// the new one, never a torn one; a leftover `*.tmp-*` file is garbage that
/// the next run may delete.
public enum AtomicFile {
    /// The temporary name used for `path` by this process.
    public static func temporaryPath(for path: String) -> String {
        "\(path).tmp-\(getpid())"
    }

    /// Writes `path` through `body`, then `verify` on the temporary file, then
    /// renames. With `.deferred` durability neither the file nor its folder
    /// is fsynced here: the caller does it before the file matters.
    @discardableResult
    public static func write<R>(
        to path: String, durability: Durability = .synced,
        body: (FileWriter) throws -> R,
        verify: ((String) throws -> Void)? = nil
    ) throws -> R {
        let temp = temporaryPath(for: path)
        try FileSystem.createDirectory(Path.parent(path))
        let result: R
        do {
            let writer = try FileWriter(path: temp)
            result = try body(writer)
            try writer.finish(durability)
            try verify?(temp)
            try FileSystem.rename(temp, path)
        } catch {
            unlink(temp)
            throw error
        }
        if case .synced = durability { try FileSystem.fsyncDirectory(Path.parent(path)) }
        return result
    }
}
