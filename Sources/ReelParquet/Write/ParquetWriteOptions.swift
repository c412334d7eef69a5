/// How `ParquetWriter` lays a file out. The defaults match what analysts'
/// tools expect and what pyarrow writes (ZSTD level 1, ~1 MiB pages,
/// dictionary encoding where it pays, data page v1), with Reel's larger
/// row groups (~128 MiB uncompressed) sized for memory on a 24 GiB machine.
public struct ParquetWriteOptions: Sendable {
    public enum Compression: Sendable, Equatable {
        case uncompressed
        /// libzstd at `level` (1 = fast, what pyarrow uses by default).
        case zstd(level: Int32)

        var codec: ParquetCodec { self == .uncompressed ? .uncompressed : .zstd }
    }

    /// When a column chunk is dictionary-encoded (RLE_DICTIONARY + a dictionary page).
    public enum DictionaryPolicy: Sendable, Equatable {
        /// When the chunk's distinct values fit in `dictionaryPageLimitBytes`
        /// and are at most half of its values (low cardinality): ids, ratings,
        /// genres, window names. Never for booleans.
        case auto
        /// Never: PLAIN only.
        case never
        /// Always (except booleans), whatever the cardinality (for tests).
        case always
    }

    public enum DataPageVersion: Sendable, Equatable {
        /// DataPageHeader: what every reader supports (the default).
        case v1
        /// DataPageHeaderV2: levels uncompressed ahead of compressed values.
        case v2
    }

    /// What is checked on the temporary file before it is renamed into place.
    public enum Verification: Sendable, Equatable {
        /// Magic, footer, row count and that every chunk lies inside the file.
        case footer
        /// All of that, plus every page decoded and its CRC checked.
        case full
    }

    public var compression: Compression = .zstd(level: 1)
    /// Target uncompressed size of a row group; rows are split into as many
    /// row groups as needed. A reader needs about this much memory per column set.
    public var rowGroupTargetBytes = 128 << 20
    /// Target uncompressed size of a data page (in PLAIN-encoded bytes).
    public var pageTargetBytes = 1 << 20
    public var dictionary: DictionaryPolicy = .auto
    /// INT32 and INT64 column chunks that are not dictionary-encoded
    /// (timestamps, mostly) are stored DELTA_BINARY_PACKED instead of PLAIN:
    /// smaller than PLAIN + ZSTD for timestamps and much cheaper to write.
    /// Every mainstream reader (pyarrow, DuckDB, Spark, delta-rs) reads it.
    public var deltaIntegers = true
    /// Largest dictionary (PLAIN bytes) before a chunk falls back to PLAIN.
    public var dictionaryPageLimitBytes = 1 << 20
    public var dataPageVersion: DataPageVersion = .v1
    /// Store a CRC-32 of every page so readers can detect corrupted pages.
    public var pageChecksums = true
    public var verification: Verification = .footer
    /// Worker threads for encoding and compression (0 = all cores).
    public var threads = 0
    /// Extra footer key/value metadata (e.g. the table name and run id).
    public var keyValueMetadata: [ParquetKeyValue] = []
    public var createdBy = "reel version 1.0.0 (build reel-parquet)"

    public init() {}
}
