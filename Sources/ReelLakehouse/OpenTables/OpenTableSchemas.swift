import ReelCore
import ReelParquet

/// The schemas of a layer's open tables (Delta Lake tables of Parquet files
/// that analysts read), loaded from the layer's one YAML so that the YAML is
/// the only place a column is declared: silver from `open_tables:` of
/// `schemas/lakehouse/silver_tables.yml` (its `tables:` describe the binary
/// silver files), gold from `tables:` of `schemas/lakehouse/gold_tables.yml`.
public struct OpenTableSchemas: Sendable {
    /// The YAML file they came from (named in every error).
    public let source: String
    public let tables: [TableSchema]

    public static let silverFile = "silver_tables.yml"
    public static let silverKey = "open_tables"
    public static let goldFile = "gold_tables.yml"
    public static let goldKey = "tables"

    public init(source: String, tables: [TableSchema]) {
        self.source = source
        self.tables = tables
    }

    /// `open_tables:` of `<schemasDirectory>/lakehouse/silver_tables.yml`.
    public static func silver(schemasDirectory: String) throws -> OpenTableSchemas {
        try load(Path.join(schemasDirectory, "lakehouse", silverFile), key: silverKey)
    }

    /// `tables:` of `<schemasDirectory>/lakehouse/gold_tables.yml`.
    public static func gold(schemasDirectory: String) throws -> OpenTableSchemas {
        try load(Path.join(schemasDirectory, "lakehouse", goldFile), key: goldKey)
    }

    static func load(_ path: String, key: String) throws -> OpenTableSchemas {
        guard FileSystem.exists(path) else {
            throw ReelError(.notFound, "table schemas \(path) do not exist (deploy schemas/ with `make install`)")
        }
        return OpenTableSchemas(source: path, tables: try TableSchema.load(file: path, key: key))
    }

    /// The table called `name`; an error naming the YAML when it is not declared.
    public func table(_ name: String) throws -> TableSchema {
        guard let t = tables.first(where: { $0.name == name }) else {
            throw ReelError(.invalidInput, "\(source) declares no table \(name) (it declares \(tables.map(\.name).joined(separator: ", ")))")
        }
        return t
    }
}

/// Where the open tables live: one folder per table, `lakehouse/silver/<table>`
/// next to silver's `current` and `versions`, and `lakehouse/gold/<table>`.
extension ReelHome {
    public func silverTable(_ name: String) -> String { Path.join(silver, name) }
    public func goldTable(_ name: String) -> String { Path.join(gold, name) }
}
