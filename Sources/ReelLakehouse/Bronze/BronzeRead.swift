import ReelCore
#if canImport(Glibc)
import Glibc
#endif

/// Reading bronze files once from start to end (checksums, counts, copies).
enum BronzeRead {
    /// Maps `path` and tells the kernel to read ahead and drop pages behind.
    static func sequential(_ path: String) throws -> MappedFile {
        let file = try MappedFile(path: path)
        file.advise(MADV_SEQUENTIAL)
        return file
    }
}
