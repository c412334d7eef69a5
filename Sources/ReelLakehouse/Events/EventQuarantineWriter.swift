import ReelCore

/// Collects rejected lines as NDJSON, one object per line:
/// `{"line": N, "source": "...", "rule": "...", "original": "..."}`, and
/// writes them once, atomically, to `lakehouse/quarantine/<run-id>/events.rejects.ndjson`.
/// `line` is 1-based within `source`; `original` is the line as read (without
/// its line break), with invalid UTF-8 bytes shown as U+FFFD.
struct EventQuarantineWriter {
    private(set) var bytes: [UInt8] = []
    private(set) var count = 0

    mutating func add(line: Int, quotedSource: String, rule: String, original: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: Array("{\"line\":\(line),\"source\":\(quotedSource),\"rule\":\"\(rule)\",\"original\":".utf8))
        JSONValue.appendString(original, to: &bytes)
        bytes.append(contentsOf: [UInt8(ascii: "}"), 0x0A])
        count += 1
    }

    /// Writes the file when there is anything to write; returns its path.
    func write(home: ReelHome, runID: String) throws -> String? {
        guard count > 0 else { return nil }
        let path = EventLayout.quarantineFile(home, run: runID)
        try FileSystem.writeAtomically(path, bytes: bytes)
        return path
    }
}
