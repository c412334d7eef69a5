import ReelCore

/// A 128-bit event id, ordered as an unsigned 128-bit number.
struct EventID: Comparable, Hashable, BitwiseCopyable {
    var high: UInt64
    var low: UInt64

    static func < (a: EventID, b: EventID) -> Bool {
        a.high != b.high ? a.high < b.high : a.low < b.low
    }
}

/// The on-disk event-id index that makes ingest exactly-once across files
/// and reruns (design in docs/events.md).
///
/// One file per partition, `_index/<type>/date=YYYY-MM-DD.idx`, a
/// `SectionFile` (kind `REELEVID`) with two sections: `parts`, the listing of
/// the partition's files it was built from (`name<TAB>size` per line), and
/// `ids`, the sorted, unique 128-bit ids of the events in them. The part
/// files are the truth and the index a checksummed cache of them: an index
/// that is missing, corrupt or whose listing differs from the folder (a crash
/// between writing a part and its index, a file dropped in by hand, a part
/// deleted) is rebuilt from the files before ingest trusts it.
enum EventIDIndex {
    static let kind = SectionFileKind(magic: "REELEVID", major: 1, minor: 0, name: "event id index")

    /// What loading found.
    struct LoadStats {
        var partitions = 0
        var ids = 0
        var rebuilt = 0
        /// Lines in partition files that do not pass the schema (only files
        /// placed by hand can hold them; ingest writes validated lines only).
        var invalidLines = 0
    }

    /// The listing an index covers.
    static func listing(_ partition: EventPartition, excluding: String? = nil) -> String {
        var text = ""
        for name in partition.files where name != excluding {
            text += "\(name)\t\(FileSystem.size(Path.join(partition.directory, name)) ?? -1)\n"
        }
        return text
    }

    /// The ids of an intact index whose listing is `listing`, else nil.
    static func read(_ path: String, listing: String) -> [EventID]? {
        guard FileSystem.exists(path),
            let reader = try? SectionFileReader(path: path, kind: kind, verify: .full),
            (try? reader.text("parts")) == listing,
            let ids = try? reader.copy("ids", as: EventID.self)
        else { return nil }
        return ids
    }

    /// Inserts the ids of every partition into `set`, rebuilding stale indexes first.
    static func loadAll(home: ReelHome, validator: ParallelLineValidator, into set: inout EventIDSet) throws -> LoadStats {
        var stats = LoadStats()
        for partition in EventLayout.partitions(home) {
            stats.partitions += 1
            let path = EventLayout.indexFile(home, partition.type, day: partition.day)
            let list = listing(partition)
            var ids = read(path, listing: list)
            if ids == nil {
                let scanned = try scan(partition, validator: validator)
                stats.rebuilt += 1
                stats.invalidLines += scanned.invalidLines
                try write(path, listing: list, ids: scanned.ids)
                if !partition.files.isEmpty {
                    Console.info(
                        "events", "rebuilt the id index of \(partition.type.rawValue) \(partition.date) from its \(partition.files.count) file(s)")
                }
                ids = scanned.ids
            }
            for id in ids! { _ = set.insert(id.high, id.low) }
            stats.ids += ids!.count
        }
        return stats
    }

    /// Reads the ids of a partition's files (sorted, unique).
    static func scan(_ partition: EventPartition, validator: ParallelLineValidator) throws -> (ids: [EventID], invalidLines: Int) {
        var ids: [EventID] = []
        var invalid = 0
        for name in partition.files {
            let path = Path.join(partition.directory, name)
            try EventChunks.forEach(.file(path)) { chunk in
                let used = validator.validate(chunk, fileType: partition.type)
                for w in 0..<used {
                    for r in validator.slices[w].accepted { ids.append(EventID(high: r.idHigh, low: r.idLow)) }
                    invalid += validator.slices[w].rejected.count
                }
            }
        }
        if invalid > 0 {
            Console.warn(
                "events", "\(partition.directory): \(invalid) line(s) do not pass the event schema; they are not indexed and the ETL will refuse them"
            )
        }
        return (sortedUnique(ids), invalid)
    }

    /// Writes one index atomically (verified before it replaces the old one).
    static func write(_ path: String, listing: String, ids: [EventID]) throws {
        var writer = SectionFileWriter(kind: kind)
        writer.header.createdAt = Clock.now()
        writer.header.userWords[0] = UInt64(ids.count)
        writer.add("parts", text: listing)
        writer.add("ids", ids)
        try writer.write(to: path)
    }

    /// After ingest added `newFile` (holding `newIDs`) to a partition: the old
    /// index plus the new ids, or a full rebuild when the old one is not intact.
    /// Safe to call for several partitions at once (the rare full rebuild
    /// uses a validator of its own).
    static func update(
        home: ReelHome, partition: EventPartition, newFile: String, newIDs: [EventID],
        schemas: EventSchemaSet
    ) throws {
        let path = EventLayout.indexFile(home, partition.type, day: partition.day)
        let ids: [EventID]
        let before = listing(partition, excluding: newFile)
        if before.isEmpty {
            ids = sortedUnique(newIDs)  // a new partition: the new file is all there is
        } else if let old = read(path, listing: before) {
            ids = merge(old, sortedUnique(newIDs))
        } else {
            ids = try scan(partition, validator: ParallelLineValidator(schemas: schemas, workers: 1)).ids
        }
        try write(path, listing: listing(partition), ids: ids)
    }

    /// Sorted and without repeats (sorted as `UInt128`, which the standard
    /// library compares natively — twice as fast as a custom `<`).
    static func sortedUnique(_ ids: [EventID]) -> [EventID] {
        var keys = ids.map { UInt128($0.high) << 64 | UInt128($0.low) }
        keys.sort()
        var out: [EventID] = []
        out.reserveCapacity(keys.count)
        for (i, k) in keys.enumerated() where i == 0 || k != keys[i - 1] {
            out.append(EventID(high: UInt64(truncatingIfNeeded: k >> 64), low: UInt64(truncatingIfNeeded: k)))
        }
        return out
    }

    /// Union of two sorted, unique arrays.
    static func merge(_ a: [EventID], _ b: [EventID]) -> [EventID] {
        var out: [EventID] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i] < b[j]) {
                out.append(a[i]); i += 1
            } else if i == a.count || b[j] < a[i] {
                out.append(b[j]); j += 1
            } else {
                out.append(a[i]); i += 1; j += 1
            }
        }
        return out
    }
}
