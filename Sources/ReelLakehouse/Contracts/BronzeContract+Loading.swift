import ReelCore
import Yams

extension BronzeContract {
    /// The contract file name inside `schemas/lakehouse/`.
    public static let fileName = "bronze_tables.yml"

    /// Loads the contract that `ContractLocator` finds for `home`.
    public static func load(home: ReelHome) throws -> BronzeContract {
        try load(schemasDirectory: ContractLocator.schemasDirectory(home: home))
    }

    /// Loads `<schemasDirectory>/lakehouse/bronze_tables.yml` and checks that
    /// every rule is one this build implements, with usable parameters.
    public static func load(schemasDirectory: String) throws -> BronzeContract {
        let path = Path.join(schemasDirectory, "lakehouse", fileName)
        let text: String
        do { text = try FileSystem.readText(path) } catch let e as ReelError {
            throw ReelError(.invalidInput, "cannot read the bronze contract: \(e.message)")
        }
        return try parse(yaml: text, path: path)
    }

    /// Parses contract text; `path` is only used in messages.
    public static func parse(yaml: String, path: String) throws -> BronzeContract {
        let doc: ContractDocument
        do {
            doc = try YAMLDecoder().decode(ContractDocument.self, from: yaml)
        } catch {
            throw ReelError(.invalidInput, "\(path): not a valid bronze contract: \(ContractErrors.describe(error))")
        }
        return try ContractCompiler(path: path).compile(doc)
    }
}

/// The YAML as written (snake_case keys), before checking.
struct ContractDocument: Decodable {
    struct Column: Decodable {
        var name: String
        var type: String
        var required: Bool?
    }
    struct Rule: Decodable {
        var name: String
        var check: String
        var column: String?
        var min: Double?
        var max: Double?
        var step: Double?
        var not_before: String?
        var max_length: Int?
        var separator: String?
        var none_listed: String?
        var vocabulary: [String]?
        var references: String?
        var tolerance_seconds: Int?
    }
    struct Dedupe: Decodable {
        var key: [String]
        var keep: String
        var order_by: String?
    }
    struct Table: Decodable {
        var name: String
        var file: String
        var columns: [Column]
        var rules: [Rule]
        var dedupe: Dedupe?
    }
    var contract: String
    var version: Int
    var tables: [Table]
    var ignored_files: [String]?
}

enum ContractErrors {
    /// A decoding error as one line naming the key path.
    static func describe(_ error: Error) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
        }
        switch error {
        case DecodingError.keyNotFound(let key, let ctx):
            return "missing key '\(key.stringValue)' at \(path(ctx.codingPath).isEmpty ? "top level" : path(ctx.codingPath))"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx),
            DecodingError.dataCorrupted(let ctx):
            return "\(ctx.debugDescription) at \(path(ctx.codingPath))"
        default:
            return "\(error)"
        }
    }
}

/// Turns the document into checked rules, with an error naming the table and
/// rule for anything this build cannot enforce exactly as written.
struct ContractCompiler {
    let path: String

    static let knownChecks = [
        "field_count", "positive_int32", "integer", "decimal_step", "not_before",
        "not_after_run_clock", "not_empty", "utf8", "digits", "genre_list", "unique", "reference",
    ]

    /// The largest `tolerance_seconds` of `not_after_run_clock`: a day. More
    /// would no longer be a clock-skew allowance.
    static let maxToleranceSeconds = 86_400

    func fail(_ message: String) -> ReelError {
        ReelError(.invalidInput, "\(path): \(message)")
    }

    func compile(_ doc: ContractDocument) throws -> BronzeContract {
        guard doc.contract == "bronze" else { throw fail("contract is '\(doc.contract)', expected 'bronze'") }
        guard doc.version == 1 else { throw fail("contract version \(doc.version) is not supported (this build reads version 1)") }
        var tables: [BronzeTable] = []
        for t in doc.tables {
            guard !tables.contains(where: { $0.name == t.name }) else { throw fail("table '\(t.name)' appears twice") }
            tables.append(try compile(t, earlier: tables))
        }
        return BronzeContract(
            path: path, tables: tables,
            ignoredFiles: doc.ignored_files ?? [])
    }

    func compile(_ t: ContractDocument.Table, earlier: [BronzeTable]) throws -> BronzeTable {
        let columns = t.columns.map { BronzeColumn(name: $0.name, type: $0.type, required: $0.required ?? true) }
        guard !columns.isEmpty, columns.count <= CSVRecord.capacity else {
            throw fail("table '\(t.name)' must have 1 to \(CSVRecord.capacity) columns")
        }
        guard Set(columns.map(\.name)).count == columns.count else { throw fail("table '\(t.name)' repeats a column name") }
        func column(_ name: String?, _ rule: String) throws -> Int {
            guard let name else { throw fail("table '\(t.name)', rule '\(rule)': 'column' is missing") }
            guard let i = columns.firstIndex(where: { $0.name == name }) else {
                throw fail("table '\(t.name)', rule '\(rule)': no column '\(name)' (columns: \(columns.map(\.name).joined(separator: ", ")))")
            }
            return i
        }
        var rules: [QualityRule] = []
        var parsedIntegers = Set<Int>()
        for r in t.rules {
            let here = "table '\(t.name)', rule '\(r.name)'"
            guard !rules.contains(where: { $0.name == r.name }) else { throw fail("\(here) appears twice") }
            let check: QualityCheck
            switch r.check {
            case "field_count":
                guard rules.isEmpty else { throw fail("\(here): field_count must be the first rule (later rules read fields by position)") }
                check = .fieldCount
            case "positive_int32":
                let c = try column(r.column, r.name)
                parsedIntegers.insert(c)
                check = .positiveInt32(column: c)
            case "integer":
                let c = try column(r.column, r.name)
                parsedIntegers.insert(c)
                check = .integer(column: c)
            case "decimal_step":
                let c = try column(r.column, r.name)
                guard let lo = r.min, let hi = r.max, let step = r.step else { throw fail("\(here): decimal_step needs min, max and step") }
                guard let loM = FieldParsers.micros(lo), let hiM = FieldParsers.micros(hi), let stepM = FieldParsers.micros(step),
                    loM <= hiM, stepM > 0
                else {
                    throw fail("\(here): min \(lo), max \(hi), step \(step) must be multiples of 0.000001 with min ≤ max and step > 0")
                }
                check = .decimalStep(column: c, minMicros: loM, maxMicros: hiM, stepMicros: stepM)
            case "not_before":
                let c = try column(r.column, r.name)
                guard parsedIntegers.contains(c) else { throw fail("\(here): not_before needs an earlier integer check on the same column") }
                guard let text = r.not_before, let time = ContractTime.parse(text) else {
                    throw fail("\(here): not_before must be a UTC time such as \"1995-01-01T00:00:00Z\" or a date \"1995-01-01\"")
                }
                check = .notBefore(column: c, time: time)
            case "not_after_run_clock":
                let c = try column(r.column, r.name)
                guard parsedIntegers.contains(c) else { throw fail("\(here): not_after_run_clock needs an earlier integer check on the same column") }
                let tolerance = r.tolerance_seconds ?? 0
                guard tolerance >= 0, tolerance <= Self.maxToleranceSeconds else {
                    throw fail("\(here): tolerance_seconds must be 0...\(Self.maxToleranceSeconds) (got \(tolerance))")
                }
                check = .notAfterRunClock(column: c, toleranceSeconds: Int64(tolerance))
            case "not_empty":
                check = .notEmpty(column: try column(r.column, r.name))
            case "utf8":
                check = .utf8(column: try column(r.column, r.name))
            case "digits":
                let c = try column(r.column, r.name)
                let maxLength = r.max_length ?? 18
                guard maxLength >= 1, maxLength <= 18 else { throw fail("\(here): max_length must be 1...18") }
                check = .digits(column: c, maxLength: maxLength)
            case "genre_list":
                let c = try column(r.column, r.name)
                guard let sep = r.separator, sep.utf8.count == 1, let none = r.none_listed, let vocabulary = r.vocabulary else {
                    throw fail("\(here): genre_list needs a one-byte separator, none_listed and vocabulary")
                }
                // The genre mask's bit order is shared with the release and the daemon (ReelCore.Genres).
                guard vocabulary == Genres.all, none == Genres.noneListed else {
                    throw fail(
                        "\(here): the vocabulary must be exactly \(Genres.all.joined(separator: ", ")) with none_listed \"\(Genres.noneListed)\" (the genre mask's bit order, shared with releases)"
                    )
                }
                check = .genreList(column: c, separator: sep.utf8.first!, noneListed: none, vocabulary: vocabulary)
            case "unique":
                check = .unique(column: try column(r.column, r.name))
            case "reference":
                let c = try column(r.column, r.name)
                guard parsedIntegers.contains(c) else { throw fail("\(here): reference needs an earlier positive_int32 check on the same column") }
                let parts = (r.references ?? "").split(separator: ".").map(String.init)
                guard parts.count == 2 else { throw fail("\(here): references must be 'table.column'") }
                guard let target = earlier.first(where: { $0.name == parts[0] }) else {
                    throw fail("\(here): references table '\(parts[0])', which must be listed before '\(t.name)'")
                }
                let key = try target.columnIndex(parts[1])
                guard target.rules.contains(where: { $0.check == .unique(column: key) }),
                    target.rules.contains(where: { $0.check == .positiveInt32(column: key) })
                else {
                    throw fail("\(here): \(parts[0]).\(parts[1]) must be checked positive_int32 and unique to be referenced")
                }
                check = .reference(column: c, table: parts[0], keyColumn: parts[1])
            default:
                throw fail("\(here): unknown check '\(r.check)' (this build implements: \(Self.knownChecks.joined(separator: ", ")))")
            }
            rules.append(QualityRule(name: r.name, check: check))
        }
        guard rules.first?.check == .fieldCount else { throw fail("table '\(t.name)': the first rule must be a field_count check") }
        let dedupe = try t.dedupe.map { try compile($0, table: t.name, columns: columns) }
        return BronzeTable(name: t.name, file: t.file, columns: columns, rules: rules, dedupe: dedupe)
    }

    func compile(_ d: ContractDocument.Dedupe, table: String, columns: [BronzeColumn]) throws -> DedupeRule {
        let here = "table '\(table)', dedupe"
        let key = try d.key.map { name -> Int in
            guard let i = columns.firstIndex(where: { $0.name == name }) else { throw fail("\(here): no column '\(name)'") }
            return i
        }
        guard !key.isEmpty else { throw fail("\(here): key is empty") }
        switch d.keep {
        case "newest":
            guard let by = d.order_by, let i = columns.firstIndex(where: { $0.name == by }) else {
                throw fail("\(here): keep 'newest' needs order_by naming a column")
            }
            return .newest(key: key, orderBy: i)
        case "last_line":
            return .lastLine(key: key)
        default:
            throw fail("\(here): keep '\(d.keep)' is not supported (newest, last_line)")
        }
    }
}

/// Times written in contracts: `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ` (UTC).
enum ContractTime {
    static func parse(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for i in from..<from + count {
                let d = Int(b[i]) - 48
                guard d >= 0, d <= 9 else { return nil }
                v = v * 10 + d
            }
            return v
        }
        guard b.count == 10 || b.count == 20, b[4] == 0x2D, b[7] == 0x2D,
            let y = number(0, 4), let m = number(5, 2), let d = number(8, 2),
            (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        var seconds = 0
        if b.count == 20 {
            guard b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A, b[19] == 0x5A,
                let hh = number(11, 2), let mm = number(14, 2), let ss = number(17, 2),
                hh < 24, mm < 60, ss < 60
            else { return nil }
            seconds = hh * 3600 + mm * 60 + ss
        }
        return Int64(Clock.daysFromCivil(year: y, month: m, day: d) * 86_400 + seconds)
    }
}
