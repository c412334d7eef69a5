/// The container format shared by every binary file Reel writes: silver
/// tables, model factors and releases.
///
/// Layout (little-endian, 64-bit offsets):
///
///     [header 128 B][section 0]…[section n-1][table of contents n×64 B][footer 32 B]
///
/// * Header: magic (8 bytes, names the file kind), major/minor version,
///   section count, creation time, a 16-byte file id, TOC offset, file size,
///   and 64 bytes the file kind uses as it likes (counts, fingerprints).
/// * Every section starts on a 64-byte boundary, so a reader uses arrays in
///   place through mmap with no parsing.
/// * TOC entry: 16-byte name, offset, length, element count, element size and
///   the section's xxh3-64.
/// * Footer: `REELEND\0`, the file size and the xxh3-64 of every byte before
///   the footer, so a truncated or bit-flipped copy is always caught.
///
/// The writer streams sections straight to disk through `AtomicFile` and
/// fills in the header last, as cdb does, so a crashed write never leaves a
/// file that looks complete.
public enum SectionFileLayout {
    public static let headerSize = 128
    public static let tocEntrySize = 64
    public static let footerSize = 32
    public static let alignment = 64
    public static let footerMagic: [UInt8] = Array("REELEND\0".utf8)
    public static let nameLength = 16
    /// Most sections a file may declare (keeps the TOC arithmetic small).
    public static let maxSections = (1 << 16) - 1
    /// Creation times a reader accepts: 1970-01-01T00:00:00Z to
    /// 9999-12-31T23:59:59Z, so every tool can print and subtract them.
    public static let createdAtRange: ClosedRange<Int64> = 0...253_402_300_799
}

/// A file kind: its magic and the version this build writes and reads.
public struct SectionFileKind: Sendable, Equatable {
    public let magic: [UInt8]
    public let major: UInt16
    public let minor: UInt16
    public let name: String

    /// `magic` must be exactly 8 ASCII characters.
    public init(magic: String, major: UInt16, minor: UInt16, name: String) {
        precondition(magic.utf8.count == 8, "magic must be 8 bytes")
        self.magic = Array(magic.utf8)
        self.major = major
        self.minor = minor
        self.name = name
    }
}

/// One entry of the table of contents.
public struct SectionInfo: Sendable, Equatable {
    public var name: String
    public var offset: Int
    public var length: Int
    public var count: Int
    public var elementSize: Int
    public var checksum: UInt64
}

/// Header fields a caller sets when writing.
public struct SectionFileHeader: Sendable, Equatable {
    public var major: UInt16 = 0
    public var minor: UInt16 = 0
    public var createdAt: Int64 = 0
    /// 16 bytes identifying this file (a release id, a run id).
    public var fileID: [UInt8] = [UInt8](repeating: 0, count: 16)
    /// 8 UInt64 slots the file kind defines (counts, fingerprints).
    public var userWords: [UInt64] = [UInt64](repeating: 0, count: 8)

    public init() {}
}
