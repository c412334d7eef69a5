#if canImport(Glibc)
import Glibc
#endif

/// The process's peak resident memory (Linux `VmHWM`), recorded per ETL
/// phase so a run report shows where memory goes without an external tool.
enum ProcessMemory {
    /// Peak resident set size in bytes so far, or 0 when unknown.
    static func peakResidentBytes() -> Int {
        // procfs files report size 0, so they cannot be mapped: read them.
        let fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return (Int(String(line.dropFirst(6).filter { $0 >= "0" && $0 <= "9" })) ?? 0) * 1024
        }
        return 0
    }
}
