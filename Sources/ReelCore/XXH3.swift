import CXXHash

/// xxh3-64: the checksum of every file Reel writes (bronze manifests, silver,
/// factors, releases). It runs at memory bandwidth, so verifying a whole
/// release before serving it costs milliseconds, not seconds.
public enum XXH3 {
    /// The xxh3-64 of `bytes` (seed 0).
    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        #if arch(x86_64)
        // libxxhash's runtime dispatch: AVX2 or AVX-512 where the CPU has
        // them, twice the speed of the SSE2 baseline; the same values.
        XXH3_64bits_dispatch(bytes.baseAddress, bytes.count)
        #else
        XXH3_64bits(bytes.baseAddress, bytes.count)
        #endif
    }

    /// The xxh3-64 of an array's raw bytes.
    public static func hash<T: BitwiseCopyable>(_ array: [T]) -> UInt64 {
        array.withUnsafeBytes { hash($0) }
    }

    /// Formats a checksum the way manifests store it: 16 lowercase hex digits.
    public static func hex(_ value: UInt64) -> String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    /// Parses 16 hex digits back into a checksum.
    public static func parseHex(_ text: String) -> UInt64? {
        guard text.utf8.count == 16 else { return nil }
        return UInt64(text, radix: 16)
    }
}

/// Incremental xxh3-64 over data that arrives in pieces (a file being written,
/// a download). Gives the same value as `XXH3.hash` over the concatenation.
public final class XXH3Stream {
    private let state: OpaquePointer

    public init() {
        state = XXH3_createState()
        XXH3_64bits_reset(state)
    }

    deinit { XXH3_freeState(state) }

    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        #if arch(x86_64)
        XXH3_64bits_update_dispatch(state, bytes.baseAddress, bytes.count)
        #else
        XXH3_64bits_update(state, bytes.baseAddress, bytes.count)
        #endif
    }

    public var digest: UInt64 { XXH3_64bits_digest(state) }
}
