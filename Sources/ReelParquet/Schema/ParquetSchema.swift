/// One column of a table: a name, a type and whether it may hold nulls.
public struct TableColumn: Sendable, Equatable {
    public var name: String
    public var type: ColumnType
    /// Nullable columns are written OPTIONAL (with definition levels); the
    /// others REQUIRED, so readers know a null there is impossible.
    public var nullable: Bool

    public init(_ name: String, _ type: ColumnType, nullable: Bool = false) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }
}

/// The flat schema of one Parquet file: its leaf columns, in order. Reel
/// writes flat files only (no groups, lists or maps) — every lakehouse table
/// is a flat relation, and every reader handles flat files.
public struct ParquetSchema: Sendable, Equatable {
    public var columns: [TableColumn]

    public init(_ columns: [TableColumn]) throws {
        var seen = Set<String>()
        for c in columns {
            guard !c.name.isEmpty else { throw ReelError(.usage, "a Parquet column needs a name") }
            guard seen.insert(c.name).inserted else { throw ReelError(.usage, "column \(c.name) appears twice in the schema") }
        }
        guard !columns.isEmpty else { throw ReelError(.usage, "a Parquet schema needs at least one column") }
        self.columns = columns
    }

    public func index(of name: String) -> Int? { columns.firstIndex { $0.name == name } }

    /// The footer's schema list: a root group, then one leaf per column.
    var elements: [ParquetSchemaElement] {
        var root = ParquetSchemaElement()
        root.name = "schema"
        root.numChildren = Int32(columns.count)
        var result = [root]
        for c in columns {
            var e = ParquetSchemaElement()
            e.name = c.name
            e.type = c.type.physicalType
            e.repetition = c.nullable ? .optional : .required
            e.logicalType = c.type.logicalType
            e.convertedType = c.type.convertedType
            result.append(e)
        }
        return result
    }
}

import ReelCore
