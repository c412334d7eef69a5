// swift-tools-version:6.0
import PackageDescription

/// Hot kernels (CSV parsing, ALS, top-K scoring) are built for an explicit CPU
/// baseline: x86-64-v3 (AVX2 + FMA), spelled `haswell` for swiftc. Without it
/// `SIMD16.addProduct` becomes one libm call per lane. `reel` checks the CPU at
/// start-up and refuses to run on an older one with a clear message.
let kernelFlags: [SwiftSetting] = [
    .unsafeFlags(["-target-cpu", "haswell"], .when(platforms: [.linux])),
]

/// The daemon's request path touches per-connection buffers held by NIO
/// handler classes; Swift checks every such access for exclusivity at run
/// time (a thread-local access set: ~5% of the daemon's CPU under load).
/// Static checks still run; the request path has no overlapping accesses.
/// (It also takes `kernelFlags`: scores are rounded for JSON with `roundsd`
/// instead of a libm call.)
let serverFlags: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"]),
]

let package = Package(
    name: "Reel",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "reel", targets: ["reel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // C libraries from Debian packages (libzstd-dev, libxxhash-dev).
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CXXHash", pkgConfig: "libxxhash", providers: [.apt(["libxxhash-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // CPU feature check for the kernel baseline.
        .target(name: "CReelCPU"),
        // Linux I/O calls Swift's Glibc module does not expose (sync_file_range).
        .target(name: "CReelIO"),
        // Byte classification with AVX2 movemask for the CSV fast path (header-only, inlined).
        .target(name: "CReelSIMD"),

        // Core: errors, checksums, mmap, atomic files, the sectioned container, home layout,
        // and the SIMD kernels ALS and the fold-in share (`Kernels/`, `package` + @inlinable).
        .target(name: "ReelCore", dependencies: ["CXXHash", "CZstd", "CReelIO"], swiftSettings: kernelFlags),
        // Serving: the release format, its verified reader, `RecommendationStore`, and the serving
        // vocabulary (blend, re-ranker, fold-in). ReelCore only: all the daemon needs of the batch side.
        .target(name: "ReelServing", dependencies: ["ReelCore"], swiftSettings: kernelFlags),
        // Silver: the contract between the ETL and everything after it — silver types, the CSR
        // build, the version reader/writer, manifest, versions, popularity. ReelCore only.
        .target(name: "ReelSilver", dependencies: ["ReelCore"], swiftSettings: kernelFlags),
        // Settings: pipeline/reel.toml (read with TOMLKit), REEL_* variables, typed setting keys.
        // The batch side and the CLI read it; the daemon gets its few settings from the CLI.
        .target(name: "ReelSettings", dependencies: ["ReelCore", .product(name: "TOMLKit", package: "TOMLKit")]),
        // Lakehouse: contracts, CSV, bronze, synth, silver ETL, events, the open (Delta) silver tables.
        .target(name: "ReelLakehouse", dependencies: ["ReelCore", "ReelSilver", "ReelParquet", "Yams", "CZstd", "CReelSIMD"], swiftSettings: kernelFlags),
        // Model: ALS, evaluation, factor files, scoring kernels.
        .target(name: "ReelModel", dependencies: ["ReelCore", "ReelServing", "ReelSilver", "CReelCPU"], swiftSettings: kernelFlags),
        // Release: builder, publish/activate/bundle, gold tables (the format and reader are ReelServing's).
        .target(name: "ReelRelease", dependencies: ["ReelCore", "ReelServing", "ReelSilver", "ReelLakehouse", "ReelModel", "ReelParquet", "CZstd"], swiftSettings: kernelFlags),
        // Pipeline: the nightly job (stages, lock, fingerprints, run records, metrics, MLflow).
        .target(name: "ReelPipeline", dependencies: ["ReelCore", "ReelSettings", "ReelServing", "ReelSilver", "ReelLakehouse", "ReelModel", "ReelRelease", "ReelParquet"]),
        // Parquet + Delta Lake: the open-format layer analysts read (silver and gold tables).
        .target(name: "ReelParquet", dependencies: ["ReelCore", "CZstd", "CZlib", "Yams"], swiftSettings: kernelFlags),
        // Server: the read-only HTTP lookup daemon. Nothing of the batch side: ReelCore, ReelServing, NIO.
        .target(name: "ReelServer", dependencies: [
            "ReelCore", "ReelServing", "CReelCPU",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: kernelFlags + serverFlags),
        // The `reel` command: parses arguments and calls the libraries.
        .executableTarget(name: "reel", dependencies: [
            "ReelCore", "ReelSettings", "ReelServing", "ReelSilver", "ReelLakehouse", "ReelModel", "ReelRelease", "ReelPipeline", "ReelServer", "ReelParquet", "CReelCPU",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Helpers every test target shares (temp folders, the metrics-only store), so they are written once.
        .target(name: "ReelTestSupport", dependencies: ["ReelCore", "ReelServing"], path: "Tests/ReelTestSupport"),
        .testTarget(name: "ReelCoreTests", dependencies: ["ReelCore", "ReelTestSupport"]),
        .testTarget(name: "ReelSettingsTests", dependencies: ["ReelSettings", "ReelCore", "ReelTestSupport"]),
        .testTarget(name: "ReelLakehouseTests", dependencies: ["ReelLakehouse", "ReelSilver", "ReelParquet", "ReelCore", "ReelTestSupport", .product(name: "Yams", package: "Yams")], resources: [.copy("Fixtures")]),
        .testTarget(name: "ReelModelTests", dependencies: ["ReelModel", "ReelServing", "ReelSilver", "ReelLakehouse", "ReelCore"]),
        .testTarget(name: "ReelSilverTests", dependencies: ["ReelSilver", "ReelCore", "ReelTestSupport"]),
        .testTarget(name: "ReelReleaseTests", dependencies: ["ReelRelease", "ReelServing", "ReelModel", "ReelSilver", "ReelLakehouse", "ReelCore", "ReelParquet", "ReelTestSupport"]),
        .testTarget(name: "ReelServerTests", dependencies: [
            "ReelServer", "ReelServing", "ReelCore", "CReelCPU", "ReelTestSupport", .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The monitoring tests render the daemon's metrics too, and read the alert rules (YAML).
        .testTarget(name: "ReelPipelineTests", dependencies: [
            "ReelPipeline", "ReelSettings", "ReelServer", "ReelServing", "ReelRelease", "ReelCore", "ReelParquet", "ReelSilver", "ReelLakehouse", "ReelModel", "ReelTestSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Yams", package: "Yams"),
        ]),
        // The lakehouse-format tests check written tables against their YAML, silver and the release.
        .testTarget(name: "ReelEndToEndTests", dependencies: ["reel", "ReelCore", "ReelServing", "ReelParquet", "ReelSilver", "ReelLakehouse", "ReelRelease"]),
        .testTarget(name: "ReelParquetTests", dependencies: ["ReelParquet", "ReelCore", "ReelTestSupport"]),
        // Benchmark: Reel's Parquet writer/reader on silver-ratings-shaped data (Benchmarks/parquet_bench.py).
        .executableTarget(name: "reel-parquet-bench", dependencies: ["ReelParquet", "ReelCore"],
                          path: "Benchmarks/ParquetBench", swiftSettings: kernelFlags),
    ],
    swiftLanguageModes: [.v6]
)
