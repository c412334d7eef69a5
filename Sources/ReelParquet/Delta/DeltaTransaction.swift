import ReelCore
#if canImport(Glibc)
import Glibc
#endif

/// One write to a Delta table: data files first (`add`), then one commit.
/// The data files' writeback starts as each is written, but they are only
/// fsynced by `commit`, all together, so a writer is not held up by the disk
/// file after file (nothing refers to them before the commit).
///
/// Until `commit` publishes the next version's log file, readers see the
/// previous version and the new data files are invisible. If the process
/// dies before that (or the transaction is dropped without committing),
/// the files stay behind as orphans, which the next `begin` deletes. If
/// another writer committed the same version first, `commit` fails with
/// `.locked` and deletes this transaction's files.
public final class DeltaTransaction {
    public let table: DeltaTable
    public let schema: TableSchema
    public let mode: DeltaWriteMode
    /// The version this write builds on (nil for a new table).
    public var readVersion: Int64? { previous?.version }
    private let previous: DeltaSnapshot?
    private var lock: FileLock?
    private let options: ParquetWriteOptions
    public private(set) var addedFiles: [DeltaAddFile] = []
    private var finished = false

    init(
        table: DeltaTable, schema: TableSchema, mode: DeltaWriteMode, previous: DeltaSnapshot?,
        lock: FileLock?, options: ParquetWriteOptions
    ) {
        self.table = table
        self.schema = schema
        self.mode = mode
        self.previous = previous
        self.lock = lock
        var options = options
        options.keyValueMetadata.append(ParquetKeyValue(key: "reel.table", value: schema.name))
        self.options = options
    }

    /// Writes one batch as a data file (in its partition folder). Empty batches are skipped.
    public func add(_ batch: DeltaBatch) throws {
        guard !finished else { throw ReelError(.usage, "table \(table.path): this transaction is already finished") }
        guard let rows = batch.columns.first?.count, rows > 0 else { return }
        if schema.partitionColumns.isEmpty && !batch.partitionValues.isEmpty {
            throw ReelError(
                .usage,
                "table \(schema.name) is not partitioned but a batch has partition values \(batch.partitionValues.keys.sorted().joined(separator: ", "))"
            )
        }
        let folder =
            schema.partitionColumns.isEmpty
            ? ""
            : try DeltaNames.partitionFolder(batch.partitionValues, columns: schema.partitionColumns, table: schema.name)
        let name = DeltaNames.dataFile(index: addedFiles.count, codec: options.compression.codec)
        let relative = folder.isEmpty ? name : folder + "/" + name
        let full = Path.join(table.path, relative)
        // Made durable (file and folders) by `commit`, all at once, before the log entry.
        let summary = try ParquetFile.write(
            to: full, schema: schema.dataSchema, columns: batch.columns, options: options,
            durability: .deferred)
        addedFiles.append(
            DeltaAddFile(
                path: relative,
                partitionValues: schema.partitionColumns.isEmpty ? [:] : batch.partitionValues,
                size: Int64(summary.fileSize),
                modificationTime: (FileSystem.modificationTime(full) ?? Clock.now()) * 1000,
                dataChange: true,
                stats: DeltaStats.json(summary, columns: schema.dataColumns)))
    }

    /// Publishes the next version; returns its number.
    @discardableResult
    public func commit(operation: String = "WRITE", parameters: [String: String] = [:]) throws -> Int64 {
        guard !finished else { throw ReelError(.usage, "table \(table.path): this transaction is already finished") }
        let version = (readVersion ?? -1) + 1
        let now = Self.wallClockMillis()
        var actions: [DeltaAction] = []
        if let previous {
            let before = try previous.schema(name: schema.name)
            if before.columns != schema.columns || before.partitionColumns != schema.partitionColumns {
                actions.append(.metaData(metadata(id: previous.metadata.id, created: previous.metadata.createdTime)))
            }
            if mode == .overwrite {
                for f in previous.files {
                    actions.append(
                        .remove(
                            DeltaRemoveFile(
                                path: f.path, deletionTimestamp: now, dataChange: true,
                                partitionValues: f.partitionValues, size: f.size)))
                }
            }
        } else {
            actions.append(.protocol(.reel))
            actions.append(.metaData(metadata(id: DeltaNames.uuid(), created: now)))
        }
        actions += addedFiles.map { .add($0) }
        try syncDataFiles()
        // The commitInfo line (first) seals the lines after it with their count
        // and xxh3, so Reel detects a truncated or altered commit even when the
        // damage leaves valid JSON lines. Other readers ignore the extra keys.
        var rest: [UInt8] = []
        for action in actions {
            action.json.write(into: &rest)
            rest.append(0x0A)
        }
        let seal = DeltaCommitSeal(actionCount: actions.count, checksum: rest.withUnsafeBytes { XXH3.hash($0) })
        var text: [UInt8] = []
        JSONValue.object(["commitInfo": seal.add(to: commitInfo(now: now, operation: operation, parameters: parameters))])
            .write(into: &text)
        text.append(0x0A)
        text += rest
        guard try ExclusivePublish.publish(text, to: table.log.commitPath(version)) else {
            abort()
            throw ReelError(.locked, "table \(table.path): version \(version) was committed by another writer meanwhile; this write was discarded")
        }
        finished = true
        lock = nil
        return version
    }

    /// Makes the data files added so far durable — they, their partition
    /// folders and the table folder — as `commit` does before the log entry
    /// that makes them part of the table. A writer with nothing better to
    /// do calls it early, so the commit finds nothing left to wait for.
    public func syncDataFiles() throws {
        try FileSystem.syncDeferred(addedFiles.map { Path.join(table.path, $0.path) })
        if addedFiles.contains(where: { $0.path.contains("/") }) { try FileSystem.fsyncDirectory(table.path) }
    }

    /// Deletes this transaction's data files and releases the lock.
    public func abort() {
        guard !finished else { return }
        for f in addedFiles { unlink(Path.join(table.path, f.path)) }
        finished = true
        lock = nil
    }

    /// Milliseconds since the epoch (Delta timestamps are in ms).
    static func wallClockMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    private func metadata(id: String, created: Int64?) -> DeltaMetadata {
        DeltaMetadata(
            id: id, name: schema.name, schemaString: schema.sparkSchemaJSON,
            partitionColumns: schema.partitionColumns, configuration: [], createdTime: created)
    }

    private func commitInfo(now: Int64, operation: String, parameters: [String: String]) -> JSONValue {
        var params = [
            JSONMember("mode", .string(mode == .overwrite ? "Overwrite" : "Append")),
            JSONMember("partitionBy", .string(JSONValue.array(schema.partitionColumns.map { .string($0) }).serialized)),
        ]
        params += parameters.sorted { $0.key < $1.key }.map { JSONMember($0.key, .string($0.value)) }
        var members = [
            JSONMember("timestamp", .int(now)),
            JSONMember("operation", .string(operation)),
            JSONMember("operationParameters", .object(params)),
        ]
        if let readVersion { members.append(JSONMember("readVersion", .int(readVersion))) }
        members += [
            JSONMember("isolationLevel", .string("Serializable")),
            JSONMember("isBlindAppend", .bool(mode == .append)),
            JSONMember("engineInfo", .string("Reel/1.0")),
            JSONMember("txnId", .string(DeltaNames.uuid())),
        ]
        return .object(members)
    }
}
