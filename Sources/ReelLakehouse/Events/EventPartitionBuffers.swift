import ReelCore

/// The accepted lines of one run, grouped by (type, UTC date) in memory until
/// the run ends, so that each partition gains exactly one new part file,
/// written in one atomic step. Lines keep their original bytes (minus a
/// trailing `\r`), in input order.
struct EventPartitionBuffers {
    struct Entry {
        let type: EventType
        let day: Int64
        var bytes: [UInt8] = []
        var ids: [EventID] = []
    }

    private(set) var entries: [Entry] = []
    private var slotOf: [Int64: Int] = [:]
    /// Most events of a type arrive in time order: remember the last slot per type.
    private var lastDay: [Int64] = [Int64](repeating: .min, count: EventType.allCases.count)
    private var lastSlot: [Int] = [Int](repeating: -1, count: EventType.allCases.count)

    @inline(__always)
    mutating func append(_ r: EventRecord, line: UnsafeRawBufferPointer) {
        let t = r.type.index
        let day = r.day
        var slot = lastSlot[t]
        if day != lastDay[t] {
            let key = day &* 4 &+ Int64(t)
            if let s = slotOf[key] {
                slot = s
            } else {
                slot = entries.count
                entries.append(Entry(type: r.type, day: day))
                slotOf[key] = slot
            }
            lastDay[t] = day
            lastSlot[t] = slot
        }
        entries[slot].bytes.append(contentsOf: line)
        entries[slot].bytes.append(0x0A)
        entries[slot].ids.append(EventID(high: r.idHigh, low: r.idLow))
    }

    /// Writes every buffer as a new part file, then updates the partitions'
    /// id indexes (in that order: a crash in between leaves an index that no
    /// longer matches its folder, which the next run rebuilds — never an
    /// indexed id without its event). Files are written on all cores, since
    /// each waits for its own fsyncs. Returns the files written, sorted.
    func write(home: ReelHome, runID: String, schemas: EventSchemaSet) throws -> [String] {
        let entries = self.entries.sorted { ($0.type.index, $0.day) < ($1.type.index, $1.day) }
        let names = try Parallel.map(entries.count, threads: Parallel.availableCores) { i -> String in
            let entry = entries[i]
            let dir = EventLayout.partitionDirectory(home, entry.type, day: entry.day)
            var name = "part-\(runID).ndjson"
            var n = 2
            while FileSystem.exists(Path.join(dir, name)) || FileSystem.exists(Path.join(dir, name + ".zst")) {
                name = "part-\(runID)-\(n).ndjson"
                n += 1
            }
            let path = Path.join(dir, name)
            let expected = XXH3.hash(entry.bytes)
            let size = entry.bytes.count
            try AtomicFile.write(
                to: path, body: { $0.write(entry.bytes) },
                verify: { temp in
                    let file = try MappedFile(path: temp)
                    guard file.bytes.count == size, XXH3.hash(file.bytes) == expected else {
                        throw ReelError(.corrupt, "\(temp): read back differs from what was written")
                    }
                })
            return name
        }
        _ = try Parallel.map(entries.count, threads: Parallel.availableCores) { i in
            let entry = entries[i]
            try EventIDIndex.update(
                home: home, partition: EventLayout.partition(home, entry.type, day: entry.day),
                newFile: names[i], newIDs: entry.ids, schemas: schemas)
        }
        return entries.indices.map { Path.join(EventLayout.partitionDirectory(home, entries[$0].type, day: entries[$0].day), names[$0]) }
    }
}
