import CZstd

/// Reusable libzstd contexts for page compression. One per worker thread:
/// a context keeps its tables between pages, which matters for ~1 MiB pages.
package final class ZstdCompressor {
    private let context: OpaquePointer
    package let level: Int32

    package init(level: Int32) {
        context = ZSTD_createCCtx()
        self.level = level
    }

    deinit { ZSTD_freeCCtx(context) }

    /// Compresses `source` into a fresh array.
    package func compress(_ source: UnsafeRawBufferPointer) throws -> [UInt8] {
        let bound = ZSTD_compressBound(source.count)
        return try [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
            let n = ZSTD_compressCCtx(context, buffer.baseAddress, bound, source.baseAddress, source.count, level)
            if ZSTD_isError(n) != 0 {
                count = 0
                throw ReelError(.io, "zstd compression failed: \(String(cString: ZSTD_getErrorName(n)))")
            }
            count = n
        }
    }
}

/// A reusable libzstd decompression context.
package final class ZstdDecompressor {
    private let context: OpaquePointer

    package init() { context = ZSTD_createDCtx() }

    deinit { ZSTD_freeDCtx(context) }

    /// Decompresses `source` into exactly `destination.count` bytes; anything
    /// else (corrupt input, a different size) is an error.
    package func decompress(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws {
        let n = ZSTD_decompressDCtx(context, destination.baseAddress, destination.count, source.baseAddress, source.count)
        if ZSTD_isError(n) != 0 {
            throw ZstdDataError(message: "ZSTD data is corrupt (\(String(cString: ZSTD_getErrorName(n))))")
        }
        guard n == destination.count else {
            throw ZstdDataError(message: "ZSTD data decompresses to \(n) bytes, the page header says \(destination.count)")
        }
    }
}

/// Corrupt or wrongly sized zstd data in a buffer that claimed to hold it; the
/// caller says where (a Parquet page, a bundle) in its own error.
package struct ZstdDataError: Error {
    package var message: String
}
