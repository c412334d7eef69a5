import Foundation
import ReelCore

/// The small JSON file shipped next to a bundle (`<id>.manifest.json`), so
/// any copy tool (rsync, scp, object storage) can be checked end to end:
/// `reel activate` compares the decompressed size and xxh3 with it.
public struct BundleManifest: Codable, Sendable, Equatable {
    public static let fileExtension = ".manifest.json"

    public var releaseID: String
    /// Bundle file name, e.g. `20261125T020000Z-3fa2.reel.zst`.
    public var file: String
    public var format: String
    public var created: String
    /// Size and xxh3-64 of the uncompressed release file.
    public var size: Int
    public var xxh3: UInt64
    /// Size and xxh3-64 of the compressed bundle as written.
    public var compressedSize: Int
    public var compressedXXH3: UInt64

    enum CodingKeys: String, CodingKey {
        case releaseID, file, format, created, size, xxh3, compressedSize, compressedXXH3
    }

    public init(
        releaseID: String, file: String, format: String, created: String, size: Int, xxh3: UInt64,
        compressedSize: Int, compressedXXH3: UInt64
    ) {
        self.releaseID = releaseID
        self.file = file
        self.format = format
        self.created = created
        self.size = size
        self.xxh3 = xxh3
        self.compressedSize = compressedSize
        self.compressedXXH3 = compressedXXH3
    }

    // Checksums travel as 16 hex digits, as in every Reel manifest.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func hex(_ key: CodingKeys) throws -> UInt64 {
            let text = try c.decode(String.self, forKey: key)
            guard let value = XXH3.parseHex(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "not 16 hex digits")
            }
            return value
        }
        releaseID = try c.decode(String.self, forKey: .releaseID)
        file = try c.decode(String.self, forKey: .file)
        format = try c.decode(String.self, forKey: .format)
        created = try c.decode(String.self, forKey: .created)
        size = try c.decode(Int.self, forKey: .size)
        xxh3 = try hex(.xxh3)
        compressedSize = try c.decode(Int.self, forKey: .compressedSize)
        compressedXXH3 = try hex(.compressedXXH3)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(releaseID, forKey: .releaseID)
        try c.encode(file, forKey: .file)
        try c.encode(format, forKey: .format)
        try c.encode(created, forKey: .created)
        try c.encode(size, forKey: .size)
        try c.encode(XXH3.hex(xxh3), forKey: .xxh3)
        try c.encode(compressedSize, forKey: .compressedSize)
        try c.encode(XXH3.hex(compressedXXH3), forKey: .compressedXXH3)
    }

    public static func read(path: String) throws -> BundleManifest {
        do {
            return try JSONDecoder().decode(BundleManifest.self, from: Data(FileSystem.readBytes(path)))
        } catch let error as ReelError {
            throw error
        } catch {
            throw ReelError(.invalidInput, "\(path): not a bundle manifest (\(error))")
        }
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
