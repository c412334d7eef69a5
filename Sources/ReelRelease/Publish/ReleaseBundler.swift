import ReelCore
import ReelServing

/// `reel bundle`: compresses a release for edge hosts into
/// `output/bundles/<id>.reel.zst` plus `<id>.manifest.json`.
///
/// The source is fully verified first (never ship a damaged release), the
/// bundle is written through `AtomicFile` and verified before its rename by
/// decompressing it and comparing size and xxh3 with the source.
public enum ReleaseBundler {
    public struct Result: Sendable {
        public var bundlePath: String
        public var manifestPath: String
        public var manifest: BundleManifest
    }

    /// - Parameters:
    ///   - id: release to bundle; default the current one.
    ///   - level: zstd level (3 is zstd's default: fast, about as small as level 9 on factor data).
    ///   - workers: compression threads.
    public static func bundle(
        home: ReelHome, id: String? = nil, level: Int = 3,
        workers: Int = Parallel.availableCores
    ) throws -> Result {
        guard (1...22).contains(level) else { throw ReelError(.usage, "--level must be between 1 and 22 (got \(level))") }
        let catalog = ReleaseCatalog(home: home)
        guard let id = id ?? catalog.currentID() else {
            throw ReelError(.notFound, "no current release at \(home.currentRelease): pass a release id (see `reel releases`)")
        }
        let source = catalog.path(for: id)
        guard FileSystem.exists(source) else {
            throw ReelError(.notFound, "release \(id) is not installed in \(home.releases); `reel releases` lists them")
        }
        let release = try Release(path: source)
        defer { withExtendedLifetime(release) {} }
        let bytes = release.tables.file.file.bytes
        let size = bytes.count
        let xxh3 = XXH3.hash(bytes)
        let bundlePath = Path.join(home.bundles, id + ReleaseFormat.bundleExtension)
        let started = Clock.monotonic()
        let compressedXXH3: UInt64 = try AtomicFile.write(
            to: bundlePath,
            body: { writer in
                let hasher = XXH3Stream()
                writer.hasher = hasher
                try Zstd.compress(bytes, level: level, workers: workers, into: writer, name: bundlePath)
                return hasher.digest
            },
            verify: { temp in
                let check = try MappedFile(path: temp).withBytes { try Zstd.decompress($0, name: temp, into: nil, limit: size) }
                guard check.size == size, check.xxh3 == xxh3 else {
                    throw ReelError(.io, "\(temp): bundle does not decompress to the release (size or xxh3 differs)")
                }
            })
        let compressedSize = FileSystem.size(bundlePath) ?? 0
        let manifest = BundleManifest(
            releaseID: id, file: Path.basename(bundlePath), format: "REELRLSE \(release.tables.file.major).\(release.tables.file.minor)",
            created: Clock.iso8601(release.createdAt), size: size, xxh3: xxh3,
            compressedSize: compressedSize, compressedXXH3: compressedXXH3)
        let manifestPath = Path.join(home.bundles, id + BundleManifest.fileExtension)
        try FileSystem.writeAtomically(manifestPath, text: manifest.json())
        Console.info(
            "bundle",
            "\(Path.basename(bundlePath)): \(Console.bytes(size)) → \(Console.bytes(compressedSize)) in \(Console.duration(Clock.monotonic() - started))"
        )
        return Result(bundlePath: bundlePath, manifestPath: manifestPath, manifest: manifest)
    }
}
