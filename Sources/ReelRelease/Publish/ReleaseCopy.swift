import ReelCore
#if canImport(Glibc)
import Glibc
import ReelServing
#endif

/// Turns a copied release — plain `.reel` or zstd `.reel.zst` — into a local,
/// fsynced file and checks it against its bundle manifest, if any. Used by
/// `reel activate` (into the releases folder, so the final rename stays on
/// one file system) and `reel verify` (into a temporary folder).
enum ReleaseCopy {
    /// Writes the uncompressed release at `temp`. Throws `.corrupt` naming
    /// `source` for a damaged stream or a manifest mismatch; `temp` is
    /// removed on failure.
    static func materialize(_ source: String, at temp: String, manifest: BundleManifest?) throws {
        try MappedFile(path: source).withBytes { input in
            let compressed = source.hasSuffix(".zst") || Zstd.looksCompressed(input)
            do {
                let writer = try FileWriter(path: temp, exclusive: true)
                let written: (size: Int, xxh3: UInt64)
                if compressed {
                    written = try Zstd.decompress(input, name: source, into: writer, limit: manifest?.size)
                } else {
                    let hasher = XXH3Stream()
                    writer.hasher = hasher
                    writer.write(input)
                    written = (input.count, hasher.digest)
                }
                try writer.finish()
                if let manifest { try check(written, against: manifest, source: source) }
            } catch {
                unlink(temp)
                throw error
            }
        }
    }

    static func check(_ written: (size: Int, xxh3: UInt64), against manifest: BundleManifest, source: String) throws {
        guard written.size == manifest.size else {
            throw ReelError(
                .corrupt, "\(source): \(written.size) bytes after decompression, the manifest says \(manifest.size) (truncated or wrong copy)")
        }
        guard written.xxh3 == manifest.xxh3 else {
            throw ReelError(
                .corrupt, "\(source): xxh3 \(XXH3.hex(written.xxh3)) does not match the manifest's \(XXH3.hex(manifest.xxh3)) (damaged copy)")
        }
    }

    /// The manifest written next to a bundle (`<id>.manifest.json` beside `<id>.reel.zst`), if present.
    static func siblingManifest(of source: String) -> String? {
        let name = Path.basename(source)
        for suffix in [ReleaseFormat.bundleExtension, ReleaseFormat.fileExtension] where name.hasSuffix(suffix) {
            let path = Path.join(Path.parent(source), String(name.dropLast(suffix.count)) + BundleManifest.fileExtension)
            return FileSystem.exists(path) ? path : nil
        }
        return nil
    }

    /// A unique temporary name in `dir`.
    static func temporaryName(in dir: String, tag: String) -> String {
        Path.join(dir, "\(tag)-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16)).partial")
    }
}
