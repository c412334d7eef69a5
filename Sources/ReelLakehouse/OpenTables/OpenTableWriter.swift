import ReelCore
import ReelParquet

/// Overwrites a set of open tables together: data files first, table by
/// table as the caller produces them (each written atomically, invisible to
/// readers), then every table's Delta commit at the end, in the order the
/// tables were started.
///
/// Each commit is atomic for its table; the set is not (Delta Lake has no
/// multi-table transaction): a crash between two commits leaves the tables
/// committed so far at the new version and the rest at the previous one,
/// with their uncommitted files deleted as orphans by the next write. Every
/// commit records `operationParameters` (e.g. the silver version or release
/// id), so a reader can tell which versions belong together.
///
/// The lock is taken once, when the writer is made, and held until `commit`
/// or `abort` (or until the writer goes away).
public final class OpenTableWriter {
    public let schemas: OpenTableSchemas
    /// Folder of table `name`.
    let location: (String) -> String
    let parameters: [String: String]
    let options: ParquetWriteOptions
    private var hold: DeltaLockHold?
    private var started: [(name: String, transaction: DeltaTransaction)] = []

    /// - Parameters:
    ///   - location: the folder of each table (e.g. `home.silverTable`).
    ///   - parameters: recorded in each commit's `operationParameters`.
    public init(
        schemas: OpenTableSchemas, location: @escaping (String) -> String, lock: DeltaWriteLock,
        parameters: [String: String], threads: Int = 0
    ) throws {
        self.schemas = schemas
        self.location = location
        self.parameters = parameters
        var options = ParquetWriteOptions()
        options.threads = threads
        self.options = options
        hold = try lock.hold()
    }

    /// Starts writing table `name` (once; later calls return the same
    /// transaction). An overwrite started and given no rows makes the table empty.
    @discardableResult
    public func start(_ name: String, mode: DeltaWriteMode = .overwrite) throws -> DeltaTransaction {
        if let t = started.first(where: { $0.name == name }) { return t.transaction }
        guard let hold else { throw ReelError(.usage, "open tables: this writer has already committed or aborted") }
        let schema = try schemas.table(name)
        let transaction = try DeltaTable(path: location(name)).begin(schema: schema, mode: mode, lock: hold.lock, options: options)
        started.append((name, transaction))
        return transaction
    }

    /// Adds `rows` to table `name` as one data file.
    public func add(_ name: String, _ rows: OpenTableRows) throws {
        let transaction = try start(name)
        try transaction.add(try rows.batch(for: transaction.schema, source: schemas.source))
    }

    /// Makes every data file written so far durable (`DeltaTransaction.syncDataFiles`).
    public func syncDataFiles() throws {
        for (_, transaction) in started { try transaction.syncDataFiles() }
    }

    /// Commits every started table; returns each one's new version.
    public func commit() throws -> [String: Int64] {
        var versions: [String: Int64] = [:]
        // After a failed commit the tables not yet committed drop their files.
        defer { abort() }
        for (name, transaction) in started {
            versions[name] = try transaction.commit(parameters: parameters)
        }
        return versions
    }

    /// Deletes the uncommitted data files (committed tables keep theirs) and releases the lock.
    public func abort() {
        for (_, transaction) in started { transaction.abort() }
        started = []
        hold = nil
    }
}
