import ReelCore

/// A lakehouse table's contract: its name, its columns (name, type,
/// nullable) and the columns it is partitioned by. Built in code or loaded
/// from `schemas/lakehouse/*.yml`; it decides the Parquet schema of the data
/// files, the Delta log's Spark schema, and is what a written file is checked
/// against (`verify(parquetFile:)`), so that a table and its YAML can never
/// silently disagree.
public struct TableSchema: Sendable, Equatable {
    public var name: String
    public var columns: [TableColumn]
    /// Partition columns (Hive-style `name=value/` folders). Their values live
    /// in the folder names and the Delta log, not in the data files.
    public var partitionColumns: [String]

    public init(name: String, columns: [TableColumn], partitionColumns: [String] = []) throws {
        self.name = name
        self.columns = columns
        self.partitionColumns = partitionColumns
        _ = try ParquetSchema(columns)
        for p in partitionColumns {
            guard columns.contains(where: { $0.name == p }) else {
                throw ReelError(.usage, "table \(name): partition column \(p) is not one of its columns")
            }
        }
        guard partitionColumns.count < columns.count else {
            throw ReelError(.usage, "table \(name): every column is a partition column; the data files would be empty")
        }
    }

    public func column(_ name: String) -> TableColumn? { columns.first { $0.name == name } }

    /// The columns stored in the data files (all but the partition columns), in order.
    public var dataColumns: [TableColumn] { columns.filter { !partitionColumns.contains($0.name) } }

    /// The Parquet schema of the data files.
    public var dataSchema: ParquetSchema {
        // Non-empty and unique: checked in init.
        try! ParquetSchema(dataColumns)
    }

    // MARK: Checking written files

    /// How a Parquet file's columns differ from this table's data columns
    /// (missing, extra, reordered, other type, other nullability); empty when they agree.
    public func differences(from file: ParquetReader) -> [String] {
        var problems: [String] = []
        let expected = dataColumns
        let actual = file.columns
        for column in expected {
            guard let found = actual.first(where: { $0.name == column.name }) else {
                problems.append("column \(column.name) is missing from the file")
                continue
            }
            if found.columnType != column.type {
                let shown = found.columnType?.rawValue ?? "\(found.physicalType)"
                problems.append("column \(column.name) is \(shown) in the file, \(column.type.rawValue) in the schema")
            }
            if found.nullable != column.nullable {
                problems.append(
                    "column \(column.name) is \(found.nullable ? "nullable" : "required") in the file, \(column.nullable ? "nullable" : "required") in the schema"
                )
            }
        }
        for column in actual where !expected.contains(where: { $0.name == column.name }) {
            problems.append("column \(column.name) is in the file but not in the schema")
        }
        if problems.isEmpty, actual.map(\.name) != expected.map(\.name) {
            problems.append(
                "columns are in the order \(actual.map(\.name).joined(separator: ", ")), the schema says \(expected.map(\.name).joined(separator: ", "))"
            )
        }
        return problems
    }

    /// Fails (naming every difference) unless the Parquet file at `path` has exactly this table's data columns.
    public func verify(parquetFile path: String) throws {
        let problems = differences(from: try ParquetReader(path: path))
        guard problems.isEmpty else {
            throw ReelError(.invalidInput, "\(path) does not match table \(name): " + problems.joined(separator: "; "))
        }
    }

    // MARK: Spark / Delta schema

    /// The Delta log's `schemaString`: Spark's JSON struct type.
    public var sparkSchemaJSON: String {
        let fields: [JSONValue] = columns.map { c in
            .object([
                "name": .string(c.name), "type": .string(c.type.sparkType),
                "nullable": .bool(c.nullable), "metadata": .object([JSONMember]()),
            ])
        }
        return JSONValue.object(["type": .string("struct"), "fields": .array(fields)]).serialized
    }

    /// Reads a Spark JSON struct type back (the schema of an existing Delta table).
    public init(name: String, sparkSchemaJSON: String, partitionColumns: [String]) throws {
        let json: JSONValue
        do { json = try JSONValue(parsing: sparkSchemaJSON) } catch let e as JSONParseError {
            throw ReelError(.corrupt, "table \(name): schemaString is not valid JSON (\(e))")
        }
        guard json["type"]?.stringValue == "struct", let fields = json["fields"]?.arrayValue else {
            throw ReelError(.corrupt, "table \(name): schemaString is not a struct type")
        }
        let columns = try fields.map { f -> TableColumn in
            guard let n = f["name"]?.stringValue else { throw ReelError(.corrupt, "table \(name): a schema field has no name") }
            guard let typeName = f["type"]?.stringValue else {
                throw ReelError(.invalidInput, "table \(name): column \(n) has a nested type, which is not supported")
            }
            guard let type = ColumnType(sparkType: typeName) else {
                throw ReelError(.invalidInput, "table \(name): column \(n) has Spark type \(typeName), which Reel does not support")
            }
            return TableColumn(n, type, nullable: f["nullable"]?.boolValue ?? true)
        }
        try self.init(name: name, columns: columns, partitionColumns: partitionColumns)
    }
}
