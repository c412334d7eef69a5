#if canImport(Glibc)
import Glibc
#endif

/// Transparent huge pages for large arrays that are filled once and read in
/// bulk (the ETL's rating columns and CSR layouts).
///
/// A fresh 400 MB array costs ~100,000 page faults of 4 KiB (each zeroing
/// its page) and, when filled by scattered writes, a TLB miss on almost every
/// write. Advised with `MADV_HUGEPAGE` it faults in 2 MiB pieces and its
/// whole range fits the TLB. Linux's default THP mode, `madvise`, applies
/// huge pages only where asked, so this is the only way to get them; where
/// THP is off the advice is ignored and nothing else changes.
public enum HugePages {
    public static let size = 2 << 20

    /// Only ranges at least this big are advised (smaller ones may hold no whole huge page).
    public static let minimumBytes = 8 << 20

    /// Advises the whole huge pages inside `[base, base + bytes)`. Advice only: never fails.
    public static func advise(_ base: UnsafeMutableRawPointer?, bytes: Int) {
        guard let base, bytes >= minimumBytes else { return }
        let start = (Int(bitPattern: base) + size - 1) / size * size
        let end = (Int(bitPattern: base) + bytes) / size * size
        guard end > start, let first = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(first, end - start, MADV_HUGEPAGE)
    }
}

extension Array where Element: BitwiseCopyable {
    /// Reserves room for `n` elements, in huge pages when it is large. Call
    /// it on an empty array, before anything touches the new storage.
    public mutating func reserveHugeCapacity(_ n: Int) {
        reserveCapacity(n)
        let capacity = self.capacity
        withUnsafeMutableBufferPointer { buffer in
            HugePages.advise(UnsafeMutableRawPointer(buffer.baseAddress), bytes: capacity * MemoryLayout<Element>.stride)
        }
    }

    /// `count` elements, in huge pages when large, which `body` must all
    /// initialise (no zero-filling pass first).
    public static func hugeUninitialized(count: Int, _ body: (UnsafeMutableBufferPointer<Element>) -> Void) -> [Element] {
        [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            HugePages.advise(UnsafeMutableRawPointer(buffer.baseAddress), bytes: count * MemoryLayout<Element>.stride)
            body(buffer)
            initialized = count
        }
    }
}
