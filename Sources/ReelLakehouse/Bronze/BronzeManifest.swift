import Foundation
import ReelCore

/// `_manifest.json` of a bronze MovieLens folder: where the data came from and,
/// per file, its size, data rows and xxh3-64, so `reel bronze validate` (and the
/// nightly job before every ETL) can prove the CSVs are the ones that were
/// fetched or generated. For `reel synth` it also records the seed, the preset
/// and exactly which malformed rows were injected, so the ETL's tests can
/// check it rejected precisely those.
public struct BronzeManifest: Codable, Sendable, Equatable {
    public static let fileName = "_manifest.json"

    /// One data file.
    public struct FileEntry: Codable, Sendable, Equatable {
        public var bytes: Int
        /// Data rows (records after the header).
        public var rows: Int
        /// xxh3-64 of the whole file, 16 lowercase hex digits.
        public var xxh3: String

        public init(bytes: Int, rows: Int, xxh3: String) {
            self.bytes = bytes
            self.rows = rows
            self.xxh3 = xxh3
        }
    }

    /// "ml-25m" for GroupLens' data, "synthetic" for `reel synth`.
    public var dataset: String
    /// The URL, zip, folder or `reel synth …` command line it came from.
    public var source: String
    /// When it was fetched or generated (RFC 3339, UTC).
    public var fetchedAt: String
    /// Per file name (e.g. "ratings.csv").
    public var files: [String: FileEntry]
    /// MD5 of the downloaded or given zip, when there was one.
    public var sourceMD5: String?
    // Synthetic data only.
    public var seed: UInt64?
    public var preset: String?
    public var users: Int?
    public var movies: Int?
    public var ratings: Int?
    public var rank: Int?
    /// The `--dirty` rate.
    public var dirtyRate: Double?
    /// Injected malformed rows per table ("ratings", …) per quality rule name.
    public var dirty: [String: [String: Int]]?
    /// Injected duplicate ratings (same user and movie, older timestamp), which
    /// the ETL counts as deduplicated, not rejected.
    public var duplicates: Int?

    enum CodingKeys: String, CodingKey {
        case dataset, source, files, seed, preset, users, movies, ratings, rank, dirty, duplicates
        case fetchedAt = "fetched_at"
        case sourceMD5 = "source_md5"
        case dirtyRate = "dirty_rate"
    }

    public init(
        dataset: String, source: String, fetchedAt: String = Clock.iso8601(Clock.now()),
        files: [String: FileEntry]
    ) {
        self.dataset = dataset
        self.source = source
        self.fetchedAt = fetchedAt
        self.files = files
    }

    /// The manifest's path in a bronze folder.
    public static func path(in dir: String) -> String { Path.join(dir, fileName) }

    /// Reads `dir/_manifest.json`; a missing or unreadable one is an error naming it.
    public static func read(dir: String) throws -> BronzeManifest {
        let path = path(in: dir)
        let bytes = try FileSystem.readBytes(path)
        do {
            return try JSONDecoder().decode(BronzeManifest.self, from: Data(bytes))
        } catch {
            throw ReelError(.corrupt, "\(path): not a valid bronze manifest (\(Self.describe(error)))")
        }
    }

    /// The manifest as pretty-printed JSON with sorted keys (stable diffs).
    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and numbers cannot fail.
        return Array(try! encoder.encode(self)) + [10]
    }

    /// Writes `dir/_manifest.json` atomically.
    public func write(dir: String) throws {
        try FileSystem.writeAtomically(Self.path(in: dir), bytes: encoded())
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing field '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            return "wrong type at '\(c.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted(let c): return c.debugDescription
        default: return "\(error)"
        }
    }
}

extension BronzeManifest.FileEntry {
    /// Measures a file on disk: size, data rows, xxh3-64.
    public static func measure(path: String) throws -> BronzeManifest.FileEntry {
        let file = try BronzeRead.sequential(path)
        return BronzeManifest.FileEntry(
            bytes: file.bytes.count, rows: BronzeRowCounter.dataRows(file.bytes),
            xxh3: XXH3.hex(XXH3.hash(file.bytes)))
    }

    /// Writes a bronze file through `body` (which returns the data rows it wrote)
    /// with `AtomicFile`, hashing the bytes on the way, and re-reads the temporary
    /// file to check its size and xxh3 before renaming it into place.
    public static func write(path: String, body: (FileWriter) throws -> Int) throws -> BronzeManifest.FileEntry {
        var entry = BronzeManifest.FileEntry(bytes: 0, rows: 0, xxh3: "")
        try AtomicFile.write(
            to: path,
            body: { writer in
                let hasher = XXH3Stream()
                writer.hasher = hasher
                let rows = try body(writer)
                entry = BronzeManifest.FileEntry(bytes: writer.bytesWritten, rows: rows, xxh3: XXH3.hex(hasher.digest))
            },
            verify: { temp in
                if let problem = try entry.mismatch(path: temp) {
                    throw ReelError(.io, "\(path): the file just written \(problem)")
                }
            })
        return entry
    }

    /// Nil when `path` matches this entry's size and checksum, else what differs.
    public func mismatch(path: String) throws -> String? {
        guard let size = FileSystem.size(path) else { return "is missing" }
        guard size == bytes else { return "has \(size) bytes, the manifest says \(bytes)" }
        let file = try BronzeRead.sequential(path)
        let actual = XXH3.hex(XXH3.hash(file.bytes))
        return actual == xxh3 ? nil : "has xxh3 \(actual), the manifest says \(xxh3)"
    }
}

/// Counts CSV records without parsing fields.
enum BronzeRowCounter {
    /// Records after the header: line breaks outside quoted fields, plus a last
    /// line without a final newline. A quoted field may hold line breaks.
    static func dataRows(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard !bytes.isEmpty else { return 0 }
        var records = 0
        var quoted = false
        for b in bytes {
            if b == UInt8(ascii: "\"") { quoted.toggle() } else if b == 10 && !quoted { records += 1 }
        }
        if bytes[bytes.count - 1] != 10 { records += 1 }
        return max(0, records - 1)
    }
}
