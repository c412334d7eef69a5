#if canImport(Glibc)
import Glibc
#endif

/// Collects sections and writes them as one `SectionFile`.
///
/// Usage: `add` each array, then `write(to:)`, which goes through
/// `AtomicFile` and re-opens the temporary file with `SectionFileReader`
/// (full checksum verification) before renaming it into place; or
/// `writeUnpublished(to:)` for a file inside a folder no reader sees yet.
///
/// Sections are not copied: the writer keeps the arrays (copy-on-write
/// makes that free) and streams them to the file in blocks of
/// `FileWriter.blockSize`, hashing each block — for its section's checksum
/// and the whole file's — while it is in cache, right before the block is
/// written. Every byte is read from memory once.
public struct SectionFileWriter {
    public let kind: SectionFileKind
    public var header = SectionFileHeader()
    private var sections: [(name: String, count: Int, elementSize: Int, bytes: any SectionBytes)] = []

    /// What was written: the table of contents, the file size and the
    /// xxh3-64 of the whole file (footer included), as manifests record it.
    public struct Written: Sendable {
        public var sections: [SectionInfo]
        public var bytes: Int
        public var checksum: UInt64
    }

    public init(kind: SectionFileKind) {
        self.kind = kind
        header.major = kind.major
        header.minor = kind.minor
    }

    /// Adds a typed array as a section. Names are ASCII, at most 16 bytes, unique.
    public mutating func add<T: BitwiseCopyable>(_ name: String, _ array: [T]) {
        addSection(name, ArraySectionBytes(array: array), count: array.count, elementSize: MemoryLayout<T>.stride)
    }

    /// Adds UTF-8 text (JSON metadata, a string heap) as a section of bytes.
    public mutating func add(_ name: String, text: String) {
        let bytes = Array(text.utf8)
        addRaw(name, bytes: bytes, count: bytes.count, elementSize: 1)
    }

    public mutating func addRaw(_ name: String, bytes: [UInt8], count: Int, elementSize: Int) {
        addSection(name, ArraySectionBytes(array: bytes), count: count, elementSize: elementSize)
    }

    private mutating func addSection(_ name: String, _ bytes: any SectionBytes, count: Int, elementSize: Int) {
        precondition(name.utf8.count <= SectionFileLayout.nameLength, "section name too long: \(name)")
        precondition(!sections.contains { $0.name == name }, "duplicate section \(name)")
        sections.append((name, count, elementSize, bytes))
    }

    /// Writes the file atomically and verifies it before it becomes visible.
    /// Returns the table of contents as written.
    @discardableResult
    public func write(to path: String) throws -> [SectionInfo] {
        let kind = self.kind
        return try AtomicFile.write(
            to: path, body: { try emit(into: $0).sections },
            verify: { temp in
                _ = try SectionFileReader(path: temp, kind: kind, verify: .full)
            })
    }

    /// Writes `path` in place — for a file in a folder readers cannot see
    /// yet, such as a silver version being staged — then re-opens it with
    /// structural verification (sizes, bounds, table of contents, footer).
    /// The checksums are not re-read: they were computed from the very
    /// blocks written, and the file's reader checks them. The caller fsyncs
    /// the folder, and with `.deferred` durability the file too.
    public func writeUnpublished(to path: String, durability: Durability = .synced) throws -> Written {
        let file = try FileWriter(path: path, exclusive: true)
        let written = try emit(into: file)
        try file.finish(durability)
        _ = try SectionFileReader(path: path, kind: kind, verify: .structure)
        return written
    }

    /// Streams the file into `w`: header, sections, table of contents, footer.
    private func emit(into w: FileWriter) throws -> Written {
        let L = SectionFileLayout.self
        // Lay the sections out first, so the header can be written first.
        var offsets: [Int] = []
        var offset = L.headerSize
        for s in sections {
            offsets.append(offset)
            offset = Self.align(offset + s.bytes.byteCount)
        }
        let tocOffset = offset
        let fileSize = tocOffset + sections.count * L.tocEntrySize + L.footerSize

        let hasher = XXH3Stream()
        w.hasher = hasher
        // Header.
        var head = [UInt8](repeating: 0, count: L.headerSize)
        head.replaceSubrange(0..<8, with: kind.magic)
        Self.put(&head, 8, header.major)
        Self.put(&head, 10, header.minor)
        Self.put(&head, 12, UInt32(L.headerSize))
        Self.put(&head, 16, UInt32(sections.count))
        Self.put(&head, 24, header.createdAt)
        head.replaceSubrange(32..<48, with: header.fileID.prefix(16) + [UInt8](repeating: 0, count: max(0, 16 - header.fileID.count)))
        Self.put(&head, 48, UInt64(tocOffset))
        Self.put(&head, 56, UInt64(fileSize))
        for (i, word) in header.userWords.prefix(8).enumerated() { Self.put(&head, 64 + 8 * i, word) }
        w.write(head)
        // Sections, each hashed on its own as it streams by.
        var toc: [SectionInfo] = []
        for (s, at) in zip(sections, offsets) {
            let sectionHasher = XXH3Stream()
            s.bytes.withBytes { w.write($0, alsoHashingInto: sectionHasher) }
            w.pad(to: L.alignment)
            toc.append(
                SectionInfo(
                    name: s.name, offset: at, length: s.bytes.byteCount,
                    count: s.count, elementSize: s.elementSize, checksum: sectionHasher.digest))
        }
        // Table of contents.
        for entry in toc {
            var e = [UInt8](repeating: 0, count: L.tocEntrySize)
            let name = Array(entry.name.utf8)
            e.replaceSubrange(0..<name.count, with: name)
            Self.put(&e, 16, UInt64(entry.offset))
            Self.put(&e, 24, UInt64(entry.length))
            Self.put(&e, 32, UInt64(entry.count))
            Self.put(&e, 40, UInt32(entry.elementSize))
            Self.put(&e, 48, entry.checksum)
            w.write(e)
        }
        // Footer: checksum of everything before it. The hasher goes on over
        // the footer too, which gives the whole file's checksum.
        var foot = [UInt8](repeating: 0, count: L.footerSize)
        foot.replaceSubrange(0..<8, with: L.footerMagic)
        Self.put(&foot, 8, UInt64(fileSize))
        Self.put(&foot, 16, hasher.digest)
        w.write(foot)
        w.hasher = nil
        precondition(w.bytesWritten == fileSize, "section file layout mismatch")
        return Written(sections: toc, bytes: fileSize, checksum: hasher.digest)
    }

    static func align(_ n: Int) -> Int {
        let a = SectionFileLayout.alignment
        return (n + a - 1) / a * a
    }

    static func put<T: FixedWidthInteger>(_ bytes: inout [UInt8], _ at: Int, _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { raw in
            for i in 0..<raw.count { bytes[at + i] = raw[i] }
        }
    }
}

/// The bytes of one section, lent to the writer without a copy.
protocol SectionBytes {
    var byteCount: Int { get }
    func withBytes(_ body: (UnsafeRawBufferPointer) -> Void)
}

struct ArraySectionBytes<T: BitwiseCopyable>: SectionBytes {
    let array: [T]
    var byteCount: Int { array.count * MemoryLayout<T>.stride }
    func withBytes(_ body: (UnsafeRawBufferPointer) -> Void) { array.withUnsafeBytes(body) }
}
