import ReelCore

/// Per-worker reusable buffers for reading: the decompressed page, and the
/// decoded levels / dictionary indices. Grown on demand, never shrunk, so a
/// worker allocates a handful of times per file rather than per page.
final class ReadScratch {
    let decompressor = ZstdDecompressor()
    private var page = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    private var ints = UnsafeMutableBufferPointer<UInt32>(start: nil, count: 0)

    deinit {
        page.deallocate()
        ints.deallocate()
    }

    func pageBuffer(_ count: Int) -> UnsafeMutableRawBufferPointer {
        if page.count < count {
            page.deallocate()
            page = .allocate(byteCount: max(count, 4096), alignment: 64)
        }
        return UnsafeMutableRawBufferPointer(rebasing: page[0..<count])
    }

    func intBuffer(_ count: Int) -> UnsafeMutableBufferPointer<UInt32> {
        if ints.count < count {
            ints.deallocate()
            ints = .allocate(capacity: max(count, 1024))
        }
        return UnsafeMutableBufferPointer(rebasing: ints[0..<count])
    }
}
