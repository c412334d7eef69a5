import ReelCore

/// One batch of rows for a Delta table: the table's data columns (all
/// columns but the partition columns, in schema order) and, for a
/// partitioned table, the partition values these rows share. Each batch
/// becomes one Parquet data file.
public struct DeltaBatch: Sendable {
    public var columns: [ParquetColumnData]
    public var partitionValues: [String: String]

    public init(columns: [ParquetColumnData], partitionValues: [String: String] = [:]) {
        self.columns = columns
        self.partitionValues = partitionValues
    }
}

public enum DeltaWriteMode: Sendable, Equatable {
    /// Replace the table's contents: every current file is removed, the new
    /// ones added, in one commit (what a nightly run does).
    case overwrite
    /// Add files; the schema must stay the same.
    case append
}

/// A Delta Lake table: a folder of Parquet data files and a `_delta_log/`
/// of numbered JSON commits. Readers (Reel, Spark, DuckDB, delta-rs) replay
/// the log to the version they want, so a commit — one new log file,
/// created atomically and only if that version does not exist yet — switches
/// the table from one consistent set of files to the next. Older versions
/// stay readable (time travel) until `vacuum` deletes their files.
public final class DeltaTable: Sendable {
    public let path: String
    var log: DeltaLog { DeltaLog(tablePath: path) }

    public init(path: String) {
        self.path = path
    }

    /// Whether the folder holds at least one commit.
    public var exists: Bool { FileSystem.exists(log.commitPath(0)) }

    /// Committed versions, ascending (empty for a new table).
    public func versions() throws -> [Int64] { try log.versions() }

    public func latestVersion() throws -> Int64? { try log.versions().last }

    /// The table at `version` (the latest when nil).
    public func snapshot(version: Int64? = nil) throws -> DeltaSnapshot {
        try log.snapshot(version: version)
    }

    /// Reads `columns` (all when nil; partition columns included) of
    /// `version` (the latest when nil). Every data file is checked against
    /// the size the log recorded before it is read.
    public func read(columns: [String]? = nil, version: Int64? = nil, threads: Int = 0) throws -> ParquetTable {
        let snapshot = try log.snapshot(version: version)
        let schema = try snapshot.schema(name: Path.basename(path))
        let names = columns ?? schema.columns.map(\.name)
        let specs = try names.map { name -> TableColumn in
            guard let c = schema.column(name) else {
                throw ReelError(.invalidInput, "table \(path) has no column \(name); it has \(schema.columns.map(\.name).joined(separator: ", "))")
            }
            return c
        }
        var result = specs.map { ParquetColumnData.empty($0.type) }
        var rows = 0, pages = 0
        let stored = specs.filter { !schema.partitionColumns.contains($0.name) }.map(\.name)
        for file in snapshot.files {
            let filePath = Path.join(path, percentDecoded(file.path))
            guard let size = FileSystem.size(filePath) else {
                throw ReelError(
                    .notFound,
                    "table \(path) version \(snapshot.version): data file \(file.path) no longer exists (vacuum removes the files of versions older than the retention period)"
                )
            }
            guard Int64(size) == file.size else {
                throw ReelError(.corrupt, "table \(path): data file \(file.path) is \(size) bytes, the log says \(file.size)")
            }
            let reader = try ParquetReader(path: filePath)
            let part = try reader.readColumns(stored, threads: threads)
            for (i, spec) in specs.enumerated() {
                if schema.partitionColumns.contains(spec.name) {
                    // A null partition value (another writer's) is a column of nulls.
                    let value = file.partitionValues[spec.name]
                    guard value != nil || spec.nullable else {
                        throw ReelError(.corrupt, "table \(path): data file \(file.path) has no value for partition column \(spec.name)")
                    }
                    try result[i].append(
                        .repeating(
                            value ?? "", type: spec.type, count: part.rowCount,
                            column: spec.name, null: value == nil))
                } else if let column = part.column(spec.name) {
                    try result[i].append(column)
                }
            }
            rows += part.rowCount
            pages += part.pagesDecoded
        }
        return ParquetTable(names: names, columns: result, rowCount: rows, pagesDecoded: pages)
    }

    // MARK: Writing

    /// Starts a write: takes the lock, reads the current version and removes
    /// orphan data files left by a write that never committed.
    public func begin(
        schema: TableSchema, mode: DeltaWriteMode, lock: DeltaWriteLock,
        options: ParquetWriteOptions = ParquetWriteOptions()
    ) throws -> DeltaTransaction {
        let held: FileLock? = if case let .file(lockPath) = lock { try DeltaWriteLock.take(lockPath) } else { nil }
        try FileSystem.createDirectory(path)
        let current = try latestVersion().map { try log.snapshot(version: $0) }
        if let current, mode == .append {
            let existing = try current.schema(name: schema.name)
            guard existing.columns == schema.columns, existing.partitionColumns == schema.partitionColumns else {
                throw ReelError(.usage, "table \(path): appending with a different schema; overwrite the table to change it")
            }
        }
        try removeOrphans(otherWritersExcluded: lock.excludesOtherWriters)
        return DeltaTransaction(table: self, schema: schema, mode: mode, previous: current, lock: held, options: options)
    }

    /// Writes `batches` and commits them as one version; returns it.
    @discardableResult
    public func write(
        schema: TableSchema, mode: DeltaWriteMode, batches: [DeltaBatch], lock: DeltaWriteLock,
        options: ParquetWriteOptions = ParquetWriteOptions(),
        operation: String = "WRITE", parameters: [String: String] = [:]
    ) throws -> Int64 {
        let transaction = try begin(schema: schema, mode: mode, lock: lock, options: options)
        do {
            for batch in batches { try transaction.add(batch) }
            return try transaction.commit(operation: operation, parameters: parameters)
        } catch {
            transaction.abort()
            throw error
        }
    }

    // MARK: Orphans and vacuum

    /// Data files (and temporary files) under the table that no commit
    /// mentions: left by a crash between writing data and committing. Removed
    /// when other writers are excluded by the lock, else only when older than
    /// an hour. Returns their paths relative to the table.
    @discardableResult
    public func removeOrphans(otherWritersExcluded: Bool, now: Int64 = Clock.now()) throws -> [String] {
        var referenced = Set<String>()
        for commit in try log.allCommits() {
            for action in commit.actions {
                if case let .add(a) = action { referenced.insert(percentDecoded(a.path)) }
                if case let .remove(r) = action { referenced.insert(percentDecoded(r.path)) }
            }
        }
        var removed: [String] = []
        for file in dataFiles() where !referenced.contains(file) {
            let full = Path.join(path, file)
            if !otherWritersExcluded, let mtime = FileSystem.modificationTime(full), mtime > now - 3600 { continue }
            try FileSystem.removeTree(full)
            removed.append(file)
        }
        for name in FileSystem.list(log.logPath) where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            let full = Path.join(log.logPath, name)
            if !otherWritersExcluded, let mtime = FileSystem.modificationTime(full), mtime > now - 3600 { continue }
            try FileSystem.removeTree(full)
        }
        return removed
    }

    /// Paths (relative) of the Parquet files and leftover temporaries under
    /// the table, outside `_delta_log` and hidden folders.
    func dataFiles() -> [String] {
        var result: [String] = []
        func walk(_ relative: String) {
            let full = relative.isEmpty ? path : Path.join(path, relative)
            for name in FileSystem.list(full) {
                let child = relative.isEmpty ? name : relative + "/" + name
                if FileSystem.isDirectory(Path.join(path, child)) {
                    if !name.hasPrefix("_") && !name.hasPrefix(".") { walk(child) }
                } else if name.hasSuffix(".parquet") || name.contains(".parquet.tmp-") {
                    result.append(child)
                }
            }
        }
        walk("")
        return result
    }

    /// Deletes data files that no version within `retentionSeconds` needs:
    /// files removed from the table (by an overwrite) longer ago than the
    /// retention, and orphans. The latest version is never affected; older
    /// versions whose files are deleted can no longer be read.
    @discardableResult
    public func vacuum(
        retentionSeconds: Int64, lock: DeltaWriteLock, now: Int64 = Clock.now(),
        dryRun: Bool = false
    ) throws -> DeltaVacuumReport {
        guard retentionSeconds >= 0 else { throw ReelError(.usage, "vacuum retention must not be negative") }
        let held: FileLock? = if case let .file(lockPath) = lock { try DeltaWriteLock.take(lockPath) } else { nil }
        defer { withExtendedLifetime(held) {} }
        var state = ReplayState()
        var removedAt: [String: Int64] = [:]
        for commit in try log.allCommits() {
            state.apply(commit)
            for case let .remove(r) in commit.actions {
                removedAt[percentDecoded(r.path)] = r.deletionTimestamp ?? commit.timestamp
            }
        }
        let active = Set(state.files.keys.map(percentDecoded))
        let cutoff = (now - retentionSeconds) * 1000
        var report = DeltaVacuumReport()
        for (file, time) in removedAt.sorted(by: { $0.key < $1.key }) where !active.contains(file) {
            let full = Path.join(path, file)
            guard let size = FileSystem.size(full) else { continue }
            if time <= cutoff {
                if !dryRun { try FileSystem.removeTree(full) }
                report.deleted.append(file)
                report.bytesFreed += size
            } else {
                report.retained += 1
            }
        }
        if !dryRun {
            report.orphansDeleted = try removeOrphans(otherWritersExcluded: lock.excludesOtherWriters, now: now)
        }
        return report
    }
}

/// What `vacuum` did.
public struct DeltaVacuumReport: Sendable, Equatable {
    /// Removed data files deleted (relative paths).
    public var deleted: [String] = []
    public var bytesFreed = 0
    /// Removed files kept because their removal is within the retention period.
    public var retained = 0
    /// Never-committed files deleted.
    public var orphansDeleted: [String] = []
}
