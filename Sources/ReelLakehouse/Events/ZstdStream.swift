import CZstd
import ReelCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads a file descriptor as a byte stream, decompressing zstd on the fly
/// when the data starts with the zstd frame magic (whatever the file is
/// called, so `reel events ingest -` accepts `zstd -c` output too). Memory
/// stays bounded by the buffers, whatever the size of the input.
final class ByteStream {
    static let zstdMagic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]

    let name: String
    private let fd: Int32
    private let ownsFD: Bool
    private var input: UnsafeMutableRawPointer
    private let inputCapacity = 1 << 20
    private var inputSize = 0
    private var inputPos = 0
    private var eof = false
    private var zstd: OpaquePointer?
    private var frameOpen = false
    /// True when the stream is zstd-compressed.
    private(set) var compressed = false

    /// True when the file starts with the zstd frame magic.
    static func startsWithZstdMagic(path: String) throws -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw ReelError(code == ENOENT ? .notFound : .io, "cannot open \(path): \(String(cString: strerror(code)))")
        }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 4)
        return pread(fd, &head, 4, 0) == 4 && head == zstdMagic
    }

    /// Opens `path` for reading.
    convenience init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw ReelError(code == ENOENT ? .notFound : .io, "cannot open \(path): \(String(cString: strerror(code)))")
        }
        try self.init(fd: fd, name: path, ownsFD: true)
    }

    /// Wraps an open descriptor (stdin, a pipe); `ownsFD` closes it at the end.
    init(fd: Int32, name: String, ownsFD: Bool) throws {
        self.fd = fd
        self.name = name
        self.ownsFD = ownsFD
        input = UnsafeMutableRawPointer.allocate(byteCount: inputCapacity, alignment: 64)
        // Peek at the first bytes to tell zstd from plain text.
        while inputSize < 4 && !eof { try fill(append: true) }
        if inputSize >= 4, memcmp(input, Self.zstdMagic, 4) == 0 {
            compressed = true
            guard let ds = ZSTD_createDStream() else { throw ReelError(.io, "\(name): cannot create a zstd decoder") }
            zstd = ds
            ZSTD_initDStream(ds)
        }
    }

    deinit {
        if let zstd { ZSTD_freeDStream(zstd) }
        input.deallocate()
        if ownsFD { close(fd) }
    }

    /// Reads more raw bytes into the input buffer.
    private func fill(append: Bool) throws {
        if !append { inputSize = 0; inputPos = 0 }
        while true {
            let n = Glibc.read(fd, input + inputSize, inputCapacity - inputSize)
            if n < 0 {
                if errno == EINTR { continue }
                throw ReelError.system("cannot read", path: name, errno: errno)
            }
            if n == 0 { eof = true }
            inputSize += n
            return
        }
    }

    /// Fills up to `capacity` bytes at `dst`; returns 0 only at the end of the stream.
    func read(into dst: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
        guard capacity > 0 else { return 0 }
        guard let ds = zstd else {
            if inputPos == inputSize {
                if eof { return 0 }
                try fill(append: false)
                if inputSize == 0 { return 0 }
            }
            let n = min(capacity, inputSize - inputPos)
            memcpy(dst, input + inputPos, n)
            inputPos += n
            return n
        }
        while true {
            if inputPos == inputSize && !eof { try fill(append: false) }
            if inputPos == inputSize && eof {
                if frameOpen {
                    throw ReelError(.invalidInput, "\(name): truncated zstd stream (the last frame is incomplete)")
                }
                return 0
            }
            var src = ZSTD_inBuffer(src: UnsafeRawPointer(input), size: inputSize, pos: inputPos)
            var out = ZSTD_outBuffer(dst: dst, size: capacity, pos: 0)
            let hint = ZSTD_decompressStream(ds, &out, &src)
            if ZSTD_isError(hint) != 0 {
                throw ReelError(.invalidInput, "\(name): not a valid zstd stream (\(String(cString: ZSTD_getErrorName(hint))))")
            }
            inputPos = src.pos
            frameOpen = hint != 0
            if out.pos > 0 { return out.pos }
        }
    }
}
