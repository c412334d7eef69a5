import ReelCore

/// The process's peak resident memory (Linux `VmHWM`), recorded per ETL
/// phase so a run report shows where memory goes without an external tool.
enum ProcessMemory {
    /// Peak resident set size in bytes so far, or 0 when unknown.
    static func peakResidentBytes() -> Int {
        guard let text = try? FileSystem.readText("/proc/self/status") else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.dropFirst(6).filter { $0 >= "0" && $0 <= "9" }
            return (Int(digits) ?? 0) * 1024
        }
        return 0
    }
}
