/// How much of a `SectionFile` to check when opening it.
public enum Verification: Sendable {
    /// Magic, version, sizes and bounds only (O(1)); for tools that only inspect.
    case structure
    /// Also the whole-file and every section checksum (reads every byte once).
    /// The daemon and `reel activate` always use this.
    case full
}

/// A verified, memory-mapped `SectionFile`. Sections are used in place.
///
/// Opening never trusts the file: each way it can be wrong has its own error
/// message — wrong magic, unknown major or newer minor version, a size that
/// disagrees with the file (truncated copy), a section outside the file or
/// misaligned, a checksum mismatch (naming the section).
public final class SectionFileReader: @unchecked Sendable {
    public let file: MappedFile
    public let kind: SectionFileKind
    public let major: UInt16
    public let minor: UInt16
    public let createdAt: Int64
    public let fileID: [UInt8]
    public let userWords: [UInt64]
    public let sections: [SectionInfo]
    private let index: [String: Int]

    public var path: String { file.path }

    public convenience init(path: String, kind: SectionFileKind, verify: Verification = .full) throws {
        try self.init(file: MappedFile(path: path), kind: kind, verify: verify)
    }

    public init(file: MappedFile, kind: SectionFileKind, verify: Verification = .full) throws {
        let L = SectionFileLayout.self
        let bytes = file.bytes
        let path = file.path
        self.file = file
        self.kind = kind
        func corrupt(_ why: String) -> ReelError {
            ReelError(.corrupt, "\(path): \(why)")
        }
        // Every number below comes from the file: each is range-checked as the
        // unsigned value it is stored as *before* it becomes an Int or takes
        // part in any arithmetic, so no crafted value can trap a reader.
        guard bytes.count >= L.headerSize + L.footerSize else {
            throw corrupt("truncated: \(bytes.count) bytes is smaller than an empty \(kind.name) file")
        }
        guard Array(bytes[0..<8]) == kind.magic else {
            throw corrupt("not a \(kind.name) file (wrong magic \(Self.printable(Array(bytes[0..<8]))))")
        }
        major = Self.read(bytes, 8)
        minor = Self.read(bytes, 10)
        guard major == kind.major else {
            throw corrupt("unsupported \(kind.name) format version \(major).\(minor); this build reads \(kind.major).x")
        }
        guard minor <= kind.minor else {
            throw corrupt("\(kind.name) format version \(major).\(minor) is newer than this build (\(kind.major).\(kind.minor)); upgrade reel")
        }
        let declaredSize: UInt64 = Self.read(bytes, 56)
        guard declaredSize == UInt64(bytes.count) else {
            throw corrupt("truncated or padded: header says \(declaredSize) bytes, file has \(bytes.count)")
        }
        let footer = bytes.count - L.footerSize
        guard Array(bytes[footer..<footer + 8]) == L.footerMagic else {
            throw corrupt("truncated: footer magic missing")
        }
        guard (Self.read(bytes, footer + 8) as UInt64) == UInt64(bytes.count) else {
            throw corrupt("truncated or padded: footer size disagrees with the file")
        }
        guard (Self.read(bytes, footer + 24) as UInt64) == 0 else {
            throw corrupt("footer reserved bytes are not zero")
        }
        let headerSize: UInt32 = Self.read(bytes, 12)
        guard headerSize == UInt32(L.headerSize) else {
            throw corrupt("header field 'headerSize' is \(headerSize), expected \(L.headerSize)")
        }
        let rawCount: UInt32 = Self.read(bytes, 16)
        guard rawCount <= UInt32(L.maxSections) else {
            throw corrupt("header field 'sectionCount' is \(rawCount), more than \(L.maxSections)")
        }
        let count = Int(rawCount)
        guard (Self.read(bytes, 20) as UInt32) == 0 else {
            throw corrupt("header reserved bytes 20..<24 are not zero")
        }
        createdAt = Self.read(bytes, 24)
        guard L.createdAtRange.contains(createdAt) else {
            throw corrupt(
                "header field 'createdAt' is \(createdAt), outside \(L.createdAtRange.lowerBound)...\(L.createdAtRange.upperBound) (1970-01-01 to 9999-12-31)"
            )
        }
        fileID = Array(bytes[32..<48])
        let rawTOC: UInt64 = Self.read(bytes, 48)
        // `footer` and `count * tocEntrySize` are small (the file is mapped, the
        // count is capped), so once rawTOC <= footer the sum cannot overflow.
        guard rawTOC >= UInt64(L.headerSize), rawTOC <= UInt64(footer), rawTOC % UInt64(L.alignment) == 0,
            Int(rawTOC) + count * L.tocEntrySize == footer
        else {
            throw corrupt("table of contents points outside the file (header field 'tocOffset' is \(rawTOC) with \(count) sections)")
        }
        let tocOffset = Int(rawTOC)
        userWords = (0..<8).map { Self.read(bytes, 64 + 8 * $0) }
        if case .full = verify {
            let expected: UInt64 = Self.read(bytes, footer + 16)
            let actual = XXH3.hash(UnsafeRawBufferPointer(rebasing: bytes[0..<footer]))
            guard expected == actual else {
                throw corrupt("checksum mismatch over the whole file (expected \(XXH3.hex(expected)), got \(XXH3.hex(actual)))")
            }
        }
        var sections: [SectionInfo] = []
        var index: [String: Int] = [:]
        var previousEnd = L.headerSize
        for i in 0..<count {
            let info = try Self.tocEntry(
                bytes, at: tocOffset + i * L.tocEntrySize, number: i, sectionsEnd: tocOffset,
                previousEnd: previousEnd, corrupt)
            guard index[info.name] == nil else {
                throw corrupt("section '\(info.name)' appears twice in the table of contents")
            }
            if case .full = verify {
                let actual = XXH3.hash(UnsafeRawBufferPointer(rebasing: bytes[info.offset..<info.offset + info.length]))
                guard actual == info.checksum else {
                    throw corrupt("checksum mismatch in section '\(info.name)'")
                }
            }
            previousEnd = info.offset + info.length
            index[info.name] = i
            sections.append(info)
        }
        self.sections = sections
        self.index = index
    }

    /// Reads and validates TOC entry `number` at byte `e`: a non-empty
    /// printable-ASCII name padded with zeros, zero reserved bytes, a 64-byte
    /// aligned section that starts at or after the previous one ends (sections
    /// never overlap) and ends before the table of contents, and a length that
    /// is exactly count × element size.
    private static func tocEntry(
        _ bytes: UnsafeRawBufferPointer, at e: Int, number: Int, sectionsEnd: Int,
        previousEnd: Int, _ corrupt: (String) -> ReelError
    ) throws -> SectionInfo {
        let L = SectionFileLayout.self
        let rawName = Array(bytes[e..<e + L.nameLength])
        let nameBytes = rawName.prefix { $0 != 0 }
        guard !nameBytes.isEmpty, nameBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }),
            rawName[nameBytes.count...].allSatisfy({ $0 == 0 })
        else {
            throw corrupt("table of contents entry \(number) has an invalid name \(printable(rawName))")
        }
        let name = String(decoding: nameBytes, as: UTF8.self)
        let offset: UInt64 = read(bytes, e + 16)
        let length: UInt64 = read(bytes, e + 24)
        let count: UInt64 = read(bytes, e + 32)
        let elementSize: UInt32 = read(bytes, e + 40)
        guard (read(bytes, e + 44) as UInt32) == 0, (read(bytes, e + 56) as UInt64) == 0 else {
            throw corrupt("section '\(name)': table of contents reserved bytes are not zero")
        }
        let end = UInt64(sectionsEnd)
        guard offset >= UInt64(L.headerSize), offset % UInt64(L.alignment) == 0,
            offset <= end, length <= end - offset
        else {
            throw corrupt("section '\(name)' points outside the file (offset \(offset), length \(length))")
        }
        guard offset >= UInt64(previousEnd) else {
            throw corrupt("section '\(name)' overlaps the section before it (starts at \(offset), the previous one ends at \(previousEnd))")
        }
        let product = count.multipliedReportingOverflow(by: UInt64(elementSize))
        guard elementSize >= 1, !product.overflow, product.partialValue == length else {
            throw corrupt("section '\(name)' size disagrees with its element count (\(count) × \(elementSize) bytes ≠ \(length))")
        }
        return SectionInfo(
            name: name, offset: Int(offset), length: Int(length), count: Int(count),
            elementSize: Int(elementSize), checksum: read(bytes, e + 48))
    }

    public func has(_ name: String) -> Bool { index[name] != nil }

    public func info(_ name: String) throws -> SectionInfo {
        guard let i = index[name] else {
            throw ReelError(.corrupt, "\(path): section '\(name)' is missing")
        }
        return sections[i]
    }

    /// The raw bytes of a section.
    public func bytes(_ name: String) throws -> UnsafeRawBufferPointer {
        let s = try info(name)
        return UnsafeRawBufferPointer(rebasing: file.bytes[s.offset..<s.offset + s.length])
    }

    /// A section viewed in place as an array of `T`. Checks the element size.
    public func array<T: BitwiseCopyable>(_ name: String, as type: T.Type = T.self) throws -> UnsafeBufferPointer<T> {
        let s = try info(name)
        guard s.elementSize == MemoryLayout<T>.stride else {
            throw ReelError(.corrupt, "\(path): section '\(name)' has \(s.elementSize)-byte elements, expected \(MemoryLayout<T>.stride)")
        }
        let raw = UnsafeRawBufferPointer(rebasing: file.bytes[s.offset..<s.offset + s.length])
        guard s.count > 0, let base = raw.baseAddress else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: base.assumingMemoryBound(to: T.self), count: s.count)
    }

    /// A section copied into a Swift array (for data that is mutated afterwards).
    public func copy<T: BitwiseCopyable>(_ name: String, as type: T.Type = T.self) throws -> [T] {
        Array(try array(name, as: type))
    }

    /// A byte section decoded as UTF-8 text.
    public func text(_ name: String) throws -> String {
        String(decoding: try bytes(name), as: UTF8.self)
    }

    static func read<T: FixedWidthInteger>(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> T {
        T(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: T.self))
    }

    static func printable(_ bytes: [UInt8]) -> String {
        "\"" + bytes.map { $0 >= 32 && $0 < 127 ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined() + "\""
    }
}
