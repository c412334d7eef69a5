#if canImport(Glibc)
import Glibc
#endif

/// Collects sections in memory and writes them as one `SectionFile`.
///
/// Usage: `add` each array, then `write(to:)`, which goes through
/// `AtomicFile` and re-opens the temporary file with `SectionFileReader`
/// (full checksum verification) before renaming it into place.
public struct SectionFileWriter {
    public let kind: SectionFileKind
    public var header = SectionFileHeader()
    private var sections: [(name: String, count: Int, elementSize: Int, bytes: [UInt8])] = []

    public init(kind: SectionFileKind) {
        self.kind = kind
        header.major = kind.major
        header.minor = kind.minor
    }

    /// Adds a typed array as a section. Names are ASCII, at most 16 bytes, unique.
    public mutating func add<T: BitwiseCopyable>(_ name: String, _ array: [T]) {
        let bytes = array.withUnsafeBytes { Array($0) }
        addRaw(name, bytes: bytes, count: array.count, elementSize: MemoryLayout<T>.stride)
    }

    /// Adds UTF-8 text (JSON metadata, a string heap) as a section of bytes.
    public mutating func add(_ name: String, text: String) {
        let bytes = Array(text.utf8)
        addRaw(name, bytes: bytes, count: bytes.count, elementSize: 1)
    }

    public mutating func addRaw(_ name: String, bytes: [UInt8], count: Int, elementSize: Int) {
        precondition(name.utf8.count <= SectionFileLayout.nameLength, "section name too long: \(name)")
        precondition(!sections.contains { $0.name == name }, "duplicate section \(name)")
        sections.append((name, count, elementSize, bytes))
    }

    /// Writes the file atomically and verifies it before it becomes visible.
    /// Returns the table of contents as written.
    @discardableResult
    public func write(to path: String) throws -> [SectionInfo] {
        let L = SectionFileLayout.self
        // Lay the sections out first, so the header can be written first.
        var toc: [SectionInfo] = []
        var offset = L.headerSize
        for s in sections {
            let checksum = s.bytes.withUnsafeBytes { XXH3.hash($0) }
            toc.append(SectionInfo(name: s.name, offset: offset, length: s.bytes.count,
                                   count: s.count, elementSize: s.elementSize, checksum: checksum))
            offset = Self.align(offset + s.bytes.count)
        }
        let tocOffset = offset
        let fileSize = tocOffset + toc.count * L.tocEntrySize + L.footerSize

        let kind = self.kind
        try AtomicFile.write(to: path, body: { w in
            let hasher = XXH3Stream()
            w.hasher = hasher
            // Header.
            var head = [UInt8](repeating: 0, count: L.headerSize)
            head.replaceSubrange(0..<8, with: kind.magic)
            Self.put(&head, 8, header.major)
            Self.put(&head, 10, header.minor)
            Self.put(&head, 12, UInt32(L.headerSize))
            Self.put(&head, 16, UInt32(toc.count))
            Self.put(&head, 24, header.createdAt)
            head.replaceSubrange(32..<48, with: header.fileID.prefix(16) + [UInt8](repeating: 0, count: max(0, 16 - header.fileID.count)))
            Self.put(&head, 48, UInt64(tocOffset))
            Self.put(&head, 56, UInt64(fileSize))
            for (i, word) in header.userWords.prefix(8).enumerated() { Self.put(&head, 64 + 8 * i, word) }
            w.write(head)
            // Sections.
            for s in sections {
                w.write(s.bytes)
                w.pad(to: L.alignment)
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
            // Footer: checksum of everything before it.
            let whole = hasher.digest
            w.hasher = nil
            var foot = [UInt8](repeating: 0, count: L.footerSize)
            foot.replaceSubrange(0..<8, with: L.footerMagic)
            Self.put(&foot, 8, UInt64(fileSize))
            Self.put(&foot, 16, whole)
            w.write(foot)
            precondition(w.bytesWritten == fileSize, "section file layout mismatch")
        }, verify: { temp in
            _ = try SectionFileReader(path: temp, kind: kind, verify: .full)
        })
        return toc
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
