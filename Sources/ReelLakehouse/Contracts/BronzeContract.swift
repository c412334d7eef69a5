import ReelCore

/// The bronze contract (`schemas/lakehouse/bronze_tables.yml`) as loaded:
/// for each MovieLens file its exact header and its quality rules, in the
/// order rows are checked. `reel etl` enforces it and `reel synth --dirty`
/// breaks it on purpose, so rule names and parameters live only in the YAML.
public struct BronzeContract: Sendable {
    /// The YAML file it was loaded from (named in every error).
    public let path: String
    /// Tables in processing order: a table only references tables before it.
    public let tables: [BronzeTable]
    /// Files in the bronze folder that are not tables (genome-*, manifests).
    public let ignoredFiles: [String]

    public init(path: String, tables: [BronzeTable], ignoredFiles: [String]) {
        self.path = path
        self.tables = tables
        self.ignoredFiles = ignoredFiles
    }

    /// The table called `name`, or an error naming the contract file.
    public func table(_ name: String) throws -> BronzeTable {
        guard let t = tables.first(where: { $0.name == name }) else {
            throw ReelError(.invalidInput, "\(path): the contract has no table '\(name)', which this build needs")
        }
        return t
    }
}

/// One bronze file: its columns (the exact header) and its rules.
public struct BronzeTable: Sendable {
    public let name: String
    /// File name inside the bronze folder, e.g. `ratings.csv`.
    public let file: String
    public let columns: [BronzeColumn]
    /// Checked in this order; a row is rejected with the first it breaks.
    public let rules: [QualityRule]
    public let dedupe: DedupeRule?

    public init(name: String, file: String, columns: [BronzeColumn], rules: [QualityRule], dedupe: DedupeRule?) {
        self.name = name
        self.file = file
        self.columns = columns
        self.rules = rules
        self.dedupe = dedupe
    }

    /// The header line the file must start with.
    public var header: String { columns.map(\.name).joined(separator: ",") }

    public var ruleNames: [String] { rules.map(\.name) }

    /// Position of column `name`, or an error saying the ETL needs it.
    public func columnIndex(_ name: String) throws -> Int {
        guard let i = columns.firstIndex(where: { $0.name == name }) else {
            throw ReelError(.invalidInput, "bronze contract: table '\(self.name)' has no column '\(name)', which this build needs")
        }
        return i
    }

    /// The rule named `name`, if the table has it.
    public func rule(_ name: String) -> QualityRule? { rules.first { $0.name == name } }
}

public struct BronzeColumn: Sendable, Equatable {
    public let name: String
    /// Documentation type from the YAML (int32, int64, decimal, string).
    public let type: String
    /// A column that is not required may be empty; its checks are then skipped.
    public let required: Bool

    public init(name: String, type: String, required: Bool) {
        self.name = name
        self.type = type
        self.required = required
    }
}

/// A named quality rule: what the quarantine files and reports call it, and
/// the check it performs (with the contract's parameters).
public struct QualityRule: Sendable, Equatable {
    public let name: String
    public let check: QualityCheck

    public init(name: String, check: QualityCheck) {
        self.name = name
        self.check = check
    }
}

/// The checks this build implements. Column arguments are column positions.
public enum QualityCheck: Sendable, Equatable {
    /// Exactly as many fields as columns, with well-formed quoting.
    case fieldCount
    /// An integer in 1 ... 2^31−1.
    case positiveInt32(column: Int)
    /// A signed integer (at most 18 digits).
    case integer(column: Int)
    /// A decimal in [min, max] that is a multiple of `step`; all in millionths.
    case decimalStep(column: Int, minMicros: Int64, maxMicros: Int64, stepMicros: Int64)
    /// An integer (parsed by an earlier check) not below `time` (Unix seconds).
    case notBefore(column: Int, time: Int64)
    /// An integer (parsed by an earlier check) not above the run's clock plus
    /// `toleranceSeconds` (clients' clocks run a little ahead of the server's;
    /// ingest and the ETL apply the same tolerance, so whatever ingest accepted
    /// the later ETL accepts too).
    case notAfterRunClock(column: Int, toleranceSeconds: Int64)
    /// Valid UTF-8 (strict: no overlongs, surrogates or code points above
    /// U+10FFFF). Text columns are copied into silver and releases as is; a
    /// bad byte found only at publish names a temp-file offset, not a row.
    case utf8(column: Int)
    /// Not empty after trimming spaces and tabs.
    case notEmpty(column: Int)
    /// 1 ... maxLength ASCII digits.
    case digits(column: Int, maxLength: Int)
    /// `separator`-separated tokens from `vocabulary`, or exactly `noneListed`.
    case genreList(column: Int, separator: UInt8, noneListed: String, vocabulary: [String])
    /// Not a value already accepted on an earlier line.
    case unique(column: Int)
    /// A key accepted in `table`.`keyColumn`, an earlier table.
    case reference(column: Int, table: String, keyColumn: String)

    /// The column the check reads, nil for `fieldCount`.
    public var column: Int? {
        switch self {
        case .fieldCount: return nil
        case .positiveInt32(let c), .integer(let c), .notBefore(let c, _), .notAfterRunClock(let c, _),
            .notEmpty(let c), .digits(let c, _), .unique(let c), .utf8(let c):
            return c
        case .decimalStep(let c, _, _, _), .genreList(let c, _, _, _), .reference(let c, _, _):
            return c
        }
    }
}

/// How repeated keys are resolved (not a rejection: the losers are counted
/// as deduplicated).
public enum DedupeRule: Sendable, Equatable {
    /// Per key, the row with the largest `orderBy` wins; on a tie the later line.
    case newest(key: [Int], orderBy: Int)
    /// Per key, the later line wins.
    case lastLine(key: [Int])
}
