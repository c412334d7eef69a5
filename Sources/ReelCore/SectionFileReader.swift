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
        let count = Int(Self.read(bytes, 16) as UInt32)
        createdAt = Self.read(bytes, 24)
        fileID = Array(bytes[32..<48])
        let tocOffset = Int(truncatingIfNeeded: Self.read(bytes, 48) as UInt64)
        let declaredSize = Int(truncatingIfNeeded: Self.read(bytes, 56) as UInt64)
        userWords = (0..<8).map { Self.read(bytes, 64 + 8 * $0) }
        guard declaredSize == bytes.count else {
            throw corrupt("truncated or padded: header says \(declaredSize) bytes, file has \(bytes.count)")
        }
        let footer = bytes.count - L.footerSize
        guard Array(bytes[footer..<footer + 8]) == L.footerMagic else {
            throw corrupt("truncated: footer magic missing")
        }
        guard Int(truncatingIfNeeded: Self.read(bytes, footer + 8) as UInt64) == bytes.count else {
            throw corrupt("truncated or padded: footer size disagrees with the file")
        }
        guard (Self.read(bytes, footer + 24) as UInt64) == 0 else {
            throw corrupt("footer reserved bytes are not zero")
        }
        guard count >= 0, count < 1 << 16,
              tocOffset >= L.headerSize, tocOffset + count * L.tocEntrySize == footer else {
            throw corrupt("table of contents points outside the file")
        }
        if case .full = verify {
            let expected: UInt64 = Self.read(bytes, footer + 16)
            let actual = XXH3.hash(UnsafeRawBufferPointer(rebasing: bytes[0..<footer]))
            guard expected == actual else {
                throw corrupt("checksum mismatch over the whole file (expected \(XXH3.hex(expected)), got \(XXH3.hex(actual)))")
            }
        }
        var sections: [SectionInfo] = []
        var index: [String: Int] = [:]
        for i in 0..<count {
            let e = tocOffset + i * L.tocEntrySize
            let nameBytes = Array(bytes[e..<e + 16]).prefix { $0 != 0 }
            let info = SectionInfo(
                name: String(decoding: nameBytes, as: UTF8.self),
                offset: Int(truncatingIfNeeded: Self.read(bytes, e + 16) as UInt64),
                length: Int(truncatingIfNeeded: Self.read(bytes, e + 24) as UInt64),
                count: Int(truncatingIfNeeded: Self.read(bytes, e + 32) as UInt64),
                elementSize: Int(Self.read(bytes, e + 40) as UInt32),
                checksum: Self.read(bytes, e + 48))
            guard info.offset >= L.headerSize, info.length >= 0, info.offset % L.alignment == 0,
                  info.offset <= tocOffset, info.length <= tocOffset - info.offset else {
                throw corrupt("section '\(info.name)' points outside the file")
            }
            guard info.count >= 0, info.elementSize >= 1, info.count.multipliedReportingOverflow(by: info.elementSize) == (info.length, false) else {
                throw corrupt("section '\(info.name)' size disagrees with its element count")
            }
            if case .full = verify {
                let actual = XXH3.hash(UnsafeRawBufferPointer(rebasing: bytes[info.offset..<info.offset + info.length]))
                guard actual == info.checksum else {
                    throw corrupt("checksum mismatch in section '\(info.name)'")
                }
            }
            index[info.name] = i
            sections.append(info)
        }
        self.sections = sections
        self.index = index
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
