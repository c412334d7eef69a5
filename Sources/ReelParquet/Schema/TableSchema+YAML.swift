import ReelCore
import Yams

/// Loading table schemas from `schemas/lakehouse/*.yml`.
///
/// Expected shape (a map from table name to its definition):
///
/// ```yaml
/// tables:
///   ratings:
///     partition_by: []              # optional, e.g. [date]
///     columns:
///       - { name: userId,    type: int32,        nullable: false }
///       - { name: rating,    type: float,        nullable: false }
///       - { name: timestamp, type: timestamp_ms, nullable: false }
///       - { name: title,     type: string,       nullable: true }
/// ```
///
/// Also accepted, so both spellings in the repository load: `tables` as a
/// list of `{ name:, columns: }` entries, and `required: true|false` instead
/// of `nullable:` (required = not nullable). A column with neither is not
/// nullable. Types: boolean, int32, int64, float, double, string,
/// timestamp_ms (and the aliases in `ColumnType(yamlName:)`); extra keys
/// (description, rules…) are ignored.
///
/// `key` names the top-level key that holds the tables (`tables` by
/// default), so one YAML per layer can describe its tables in another shape
/// under `tables:` and its open (Parquet / Delta) tables under another key,
/// e.g. `open_tables:` in `silver_tables.yml`.
extension TableSchema {
    /// All tables of a YAML document, in document order.
    public static func load(yaml text: String, source: String = "YAML", key: String = "tables") throws -> [TableSchema] {
        let document: Any?
        do { document = try Yams.load(yaml: text) } catch {
            throw ReelError(.invalidInput, "\(source): not valid YAML (\(error))")
        }
        guard let root = document as? [String: Any], let tables = root[key] else {
            throw ReelError(.invalidInput, "\(source): expected a top-level `\(key):` key")
        }
        if let list = tables as? [Any] {
            return try list.enumerated().map { i, entry in
                guard let table = entry as? [String: Any], let name = table["name"] as? String else {
                    throw ReelError(.invalidInput, "\(source): \(key)[\(i)] needs a name")
                }
                return try TableSchema(name: name, yaml: table, source: source)
            }
        }
        guard let map = tables as? [String: Any] else {
            throw ReelError(.invalidInput, "\(source): `\(key):` must be a map from table name to definition, or a list")
        }
        // Yams gives an unordered dictionary; keep the document's order.
        let order = (try? Yams.compose(yaml: text))?.mapping?[key]?.mapping?.keys.compactMap(\.string) ?? map.keys.sorted()
        return try order.compactMap { name in
            guard let table = map[name] as? [String: Any] else {
                throw ReelError(.invalidInput, "\(source): table \(name) must be a map with `columns:`")
            }
            return try TableSchema(name: name, yaml: table, source: source)
        }
    }

    /// All tables of a YAML file (under its top-level `key`).
    public static func load(file path: String, key: String = "tables") throws -> [TableSchema] {
        try load(yaml: FileSystem.readText(path), source: path, key: key)
    }

    /// One table from its YAML definition (`columns:` and optional `partition_by:`).
    public init(name: String, yaml table: [String: Any], source: String = "YAML") throws {
        let here = "\(source): table \(name)"
        guard let list = table["columns"] as? [Any] else { throw ReelError(.invalidInput, "\(here) has no `columns:` list") }
        let columns = try list.enumerated().map { i, entry -> TableColumn in
            guard let c = entry as? [String: Any], let columnName = c["name"] as? String else {
                throw ReelError(.invalidInput, "\(here): column \(i + 1) needs a name")
            }
            guard let typeName = c["type"] as? String else {
                throw ReelError(.invalidInput, "\(here): column \(columnName) needs a type")
            }
            guard let type = ColumnType(yamlName: typeName) else {
                throw ReelError(
                    .invalidInput,
                    "\(here): column \(columnName) has unknown type \(typeName) (expected one of \(ColumnType.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
            }
            let nullable: Bool
            if let n = c["nullable"] {
                guard let b = n as? Bool else { throw ReelError(.invalidInput, "\(here): column \(columnName): nullable must be true or false") }
                nullable = b
            } else if let r = c["required"] {
                guard let b = r as? Bool else { throw ReelError(.invalidInput, "\(here): column \(columnName): required must be true or false") }
                nullable = !b
            } else {
                nullable = false
            }
            return TableColumn(columnName, type, nullable: nullable)
        }
        var partitions: [String] = []
        if let p = table["partition_by"] ?? table["partitionColumns"] ?? table["partitioned_by"] {
            guard let names = p as? [String] else { throw ReelError(.invalidInput, "\(here): partition_by must be a list of column names") }
            partitions = names
        }
        do {
            try self.init(name: name, columns: columns, partitionColumns: partitions)
        } catch let e as ReelError {
            throw ReelError(.invalidInput, "\(source): \(e.message)")
        }
    }
}
