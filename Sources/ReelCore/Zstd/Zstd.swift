import CZstd

/// The one zstd wrapper (issue 15: there were three): one-shot compression for
/// `.ndjson.zst` files, and streaming compression for release bundles
/// (multithreaded when libzstd supports `ZSTD_c_nbWorkers`; frames carry their
/// content size and zstd's own checksum, and the bundle manifest carries the
/// release's xxh3, so a damaged copy is caught twice). Parquet pages use the
/// reusable contexts of `ZstdCompressor`/`ZstdDecompressor` beside it.
package enum Zstd {
    /// zstd frame magic, little-endian 0xFD2FB528.
    package static let magic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]

    package static func looksCompressed(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 4 && Array(bytes[0..<4]) == magic
    }

    /// Compresses `input` into `writer` as one frame.
    package static func compress(_ input: UnsafeRawBufferPointer, level: Int, workers: Int, into writer: FileWriter, name: String) throws {
        guard let cctx = ZSTD_createCCtx() else { throw ReelError(.io, "zstd: cannot create a compression context") }
        defer { ZSTD_freeCCtx(cctx) }
        try check(ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, Int32(level)), "set level \(level)", name)
        try check(ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1), "enable checksums", name)
        if workers > 1 {
            // Fails on a single-threaded libzstd build: then compress on one core.
            _ = ZSTD_CCtx_setParameter(cctx, ZSTD_c_nbWorkers, Int32(workers))
        }
        try check(ZSTD_CCtx_setPledgedSrcSize(cctx, UInt64(input.count)), "set content size", name)
        let outSize = ZSTD_CStreamOutSize()
        var out = [UInt8](repeating: 0, count: outSize)
        let chunk = 1 << 22
        var consumed = 0
        var finished = false
        while !finished {
            let end = min(consumed + chunk, input.count)
            let last = end == input.count
            var inBuf = ZSTD_inBuffer(src: input.baseAddress.map { $0 + consumed }, size: end - consumed, pos: 0)
            repeat {
                let remaining: Int = try out.withUnsafeMutableBytes { o in
                    var outBuf = ZSTD_outBuffer(dst: o.baseAddress, size: o.count, pos: 0)
                    let r = ZSTD_compressStream2(cctx, &outBuf, &inBuf, last ? ZSTD_e_end : ZSTD_e_continue)
                    try check(r, "compress", name)
                    writer.write(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(o)[0..<outBuf.pos]))
                    return r
                }
                if last { finished = remaining == 0 } else if inBuf.pos == inBuf.size { break }
            } while !finished
            consumed = end
        }
    }

    /// Decompresses zstd `input` into `writer` (when given), hashing the
    /// output. Refuses a truncated stream, garbage and (with `limit`) output
    /// larger than expected, naming `path`.
    package static func decompress(
        _ input: UnsafeRawBufferPointer, name path: String, into writer: FileWriter?,
        limit: Int? = nil
    ) throws -> (size: Int, xxh3: UInt64) {
        guard let dctx = ZSTD_createDCtx() else { throw ReelError(.io, "zstd: cannot create a decompression context") }
        defer { ZSTD_freeDCtx(dctx) }
        let hasher = XXH3Stream()
        var out = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
        var inBuf = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        var total = 0
        var lastResult = 0
        guard input.count > 0 else { throw ReelError(.corrupt, "\(path): empty file, not a zstd bundle") }
        let limit = try outputLimit(input, name: path, expected: limit)
        while inBuf.pos < inBuf.size || lastResult != 0 {
            let before = (inBuf.pos, total)
            let produced: Int = try out.withUnsafeMutableBytes { o in
                var outBuf = ZSTD_outBuffer(dst: o.baseAddress, size: o.count, pos: 0)
                let r = ZSTD_decompressStream(dctx, &outBuf, &inBuf)
                if ZSTD_isError(r) != 0 {
                    throw ReelError(.corrupt, "\(path): damaged zstd stream (\(String(cString: ZSTD_getErrorName(r))))")
                }
                lastResult = r
                // Checked before anything is written: decompression stops at the declared size.
                guard outBuf.pos <= limit - total else {
                    throw ReelError(.corrupt, "\(path): decompresses to more than the declared \(limit) bytes")
                }
                let chunk = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(o)[0..<outBuf.pos])
                hasher.update(chunk)
                writer?.write(chunk)
                return outBuf.pos
            }
            total += produced
            if inBuf.pos == inBuf.size, lastResult != 0, (inBuf.pos, total) == before {
                throw ReelError(.corrupt, "\(path): truncated zstd stream (ends inside a frame)")
            }
        }
        return (total, hasher.digest)
    }

    /// The most bytes `input` may decompress to: the size its first frame
    /// declares (Reel's compressor always records it), which must agree with
    /// `expected` (the manifest's size) when one is known. A frame without a
    /// declared size, or declaring another size, is refused before a single
    /// byte is written — a 33 KB bomb can no longer fill the disk.
    package static func outputLimit(_ input: UnsafeRawBufferPointer, name path: String, expected: Int?) throws -> Int {
        let declared = ZSTD_getFrameContentSize(input.baseAddress, input.count)
        switch declared {
        case UInt64.max - 1:
            throw ReelError(.corrupt, "\(path): truncated or not a zstd bundle (no complete frame header)")
        case UInt64.max:
            throw ReelError(.corrupt, "\(path): the zstd frame does not declare its size; Reel bundles always do")
        default:
            guard declared <= UInt64(Int.max) else {
                throw ReelError(.corrupt, "\(path): the zstd frame declares \(declared) bytes")
            }
            if let expected, declared != UInt64(expected) {
                throw ReelError(.corrupt, "\(path): the zstd frame declares \(declared) bytes, the manifest \(expected)")
            }
            return Int(declared)
        }
    }

    private static func check(_ code: Int, _ what: String, _ name: String) throws {
        if ZSTD_isError(code) != 0 {
            throw ReelError(.io, "zstd: cannot \(what) for \(name): \(String(cString: ZSTD_getErrorName(code)))")
        }
    }

    /// One-shot compression (synthetic events, tests). Level 3 is zstd's
    /// default: fast, and what a log shipper uses.
    package static func compress(_ bytes: [UInt8], level: Int32 = 3) throws -> [UInt8] {
        let bound = ZSTD_compressBound(bytes.count)
        var out = [UInt8](repeating: 0, count: bound)
        let n = out.withUnsafeMutableBytes { dst in
            bytes.withUnsafeBytes { src in
                ZSTD_compress(dst.baseAddress, bound, src.baseAddress, src.count, level)
            }
        }
        if ZSTD_isError(n) != 0 {
            throw ReelError(.io, "zstd compression failed: \(String(cString: ZSTD_getErrorName(n)))")
        }
        out.removeSubrange(n...)
        return out
    }
}
