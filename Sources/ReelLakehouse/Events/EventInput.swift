import ReelCore
#if canImport(Glibc)
import Glibc
#endif

/// Where ingest reads events from. Files may be plain NDJSON or zstd
/// (recognised by the frame magic, whatever the name says).
public enum EventInput: Sendable {
    /// A file on disk (mapped when plain, streamed when zstd).
    case file(String)
    /// An open descriptor read to its end: stdin is `.descriptor(name: "-", fd: 0)`.
    case descriptor(name: String, fd: Int32)
    /// Bytes already in memory (synthetic events).
    case bytes(name: String, [UInt8])

    /// The name quarantine records and messages use.
    public var name: String {
        switch self {
        case .file(let path): return path
        case .descriptor(let name, _): return name
        case .bytes(let name, _): return name
        }
    }

    /// The type every line of this input must have, when its path says so: a
    /// file name starting `<type>.`, `<type>-` or `<type>_`, or a parent
    /// folder named `view`, `click` or `rating` — skipping Hive-style
    /// partition folders (`date=…`, `partition=0`), so both the bronze layout
    /// and a Kafka Connect `topics/<topic>/partition=N/` folder count. Nil for
    /// a mixed stream (the line's `event_type` decides).
    public var declaredType: EventType? {
        guard case .file(let path) = self else { return nil }
        let parts = path.split(separator: "/").map(String.init)
        if let file = parts.last {
            for t in EventType.allCases {
                for sep in [".", "-", "_"] where file.hasPrefix(t.rawValue + sep) { return t }
            }
        }
        for part in parts.dropLast().reversed() {
            if part.contains("=") { continue }
            return EventType(rawValue: part)
        }
        return nil
    }

    /// Turns command-line sources into inputs: `-` is stdin, a folder is every
    /// `*.ndjson` / `*.ndjson.zst` below it (sorted; names starting with `.`
    /// or `_` skipped), a file is read whatever its name. Files in folders
    /// that do not look like events are returned as `ignored`, so the report
    /// can name them.
    public static func resolve(_ sources: [String]) throws -> (inputs: [EventInput], ignored: [String]) {
        var inputs: [EventInput] = []
        var ignored: [String] = []
        for source in sources {
            if source == "-" { inputs.append(.descriptor(name: "-", fd: 0)); continue }
            if FileSystem.isDirectory(source) {
                walk(source, &inputs, &ignored)
            } else if FileSystem.exists(source) {
                inputs.append(.file(source))
            } else {
                throw ReelError(.notFound, "no such file or folder: \(source)")
            }
        }
        return (inputs, ignored)
    }

    private static func walk(_ dir: String, _ inputs: inout [EventInput], _ ignored: inout [String]) {
        for name in FileSystem.list(dir) where !name.hasPrefix(".") && !name.hasPrefix("_") {
            let path = Path.join(dir, name)
            if FileSystem.isDirectory(path) {
                walk(path, &inputs, &ignored)
            } else if isEventFileName(name) {
                inputs.append(.file(path))
            } else {
                ignored.append(path)
            }
        }
    }

    /// `*.ndjson` or `*.ndjson.zst`.
    static func isEventFileName(_ name: String) -> Bool {
        (name.hasSuffix(".ndjson") || name.hasSuffix(".ndjson.zst")) && !name.hasPrefix(".") && !name.hasPrefix("_")
    }
}

/// Hands an input to a consumer as buffers that each end on a line boundary
/// (or at the end of the input), so lines never straddle two buffers. Plain
/// files are mapped and cut in place (no copy); zstd and descriptors are
/// streamed through a buffer that grows only for a line longer than it.
/// A UTF-8 byte order mark at the very start is skipped.
enum EventChunks {
    static let chunkSize = 8 << 20

    static func forEach(
        _ input: EventInput, chunkSize: Int = chunkSize,
        _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        switch input {
        case .bytes(_, let bytes):
            try bytes.withUnsafeBytes { try cut(skipBOM($0), chunkSize, body) }
        case .descriptor(let name, let fd):
            try stream(ByteStream(fd: fd, name: name, ownsFD: false), chunkSize, body)
        case .file(let path):
            if try ByteStream.startsWithZstdMagic(path: path) {
                try stream(ByteStream(path: path), chunkSize, body)
            } else {
                let file = try MappedFile(path: path)
                file.advise(MADV_SEQUENTIAL)
                try cut(skipBOM(file.bytes), chunkSize, body)
            }
        }
    }

    private static func skipBOM(_ b: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { return UnsafeRawBufferPointer(rebasing: b[3...]) }
        return b
    }

    /// Cuts an in-memory buffer into pieces of about `size` bytes at newlines.
    private static func cut(
        _ all: UnsafeRawBufferPointer, _ size: Int,
        _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        guard let base = all.baseAddress else { return }
        var start = 0
        while start < all.count {
            var end = min(all.count, start + size)
            if end < all.count {
                if let nl = memchr(base + end, 0x0A, all.count - end) {
                    end = base.distance(to: UnsafeRawPointer(nl)) + 1
                } else {
                    end = all.count
                }
            }
            try body(UnsafeRawBufferPointer(start: base + start, count: end - start))
            start = end
        }
    }

    private static func stream(
        _ s: ByteStream, _ size: Int,
        _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        var capacity = size
        var buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
        defer { buffer.deallocate() }
        var filled = 0
        var first = true
        while true {
            let n = try s.read(into: buffer + filled, capacity: capacity - filled)
            if first && filled + n >= 3 || first && n == 0 {
                first = false
                let b = UnsafeRawBufferPointer(start: buffer, count: filled + n)
                if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF {
                    memmove(buffer, buffer + 3, filled + n - 3)
                    filled -= 3
                }
            }
            if n == 0 {
                if filled > 0 { try body(UnsafeRawBufferPointer(start: buffer, count: filled)) }
                return
            }
            filled += n
            guard filled == capacity else { continue }
            guard let nl = lastNewline(buffer, filled) else {
                // One line longer than the buffer: grow it.
                let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 64)
                memcpy(bigger, buffer, filled)
                buffer.deallocate()
                buffer = bigger
                capacity *= 2
                continue
            }
            let end = nl + 1
            try body(UnsafeRawBufferPointer(start: buffer, count: end))
            memmove(buffer, buffer + end, filled - end)
            filled -= end
        }
    }

    /// Offset of the last `\n` in the first `count` bytes, if any.
    private static func lastNewline(_ p: UnsafeMutableRawPointer, _ count: Int) -> Int? {
        let b = p.assumingMemoryBound(to: UInt8.self)
        var i = count - 1
        while i >= 0 { if b[i] == 0x0A { return i }; i -= 1 }
        return nil
    }
}
