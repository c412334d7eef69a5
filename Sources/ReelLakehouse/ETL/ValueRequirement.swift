import ReelCore

/// What a table builder needs a column's checks to have produced, checked
/// once when the builder is set up so an edited contract cannot feed it
/// unparsed or out-of-range values.
enum ValueRequirement: CustomStringConvertible {
    /// An id that fits Int32: a positive_int32 check.
    case id32
    /// Any parsed integer (Int64).
    case integer
    case decimal, reference, genreMask
    /// Text copied into silver as is: a utf8 check (silver, releases and
    /// JSON responses must never hold invalid UTF-8).
    case text

    var description: String {
        switch self {
        case .id32: return "positive_int32"
        case .integer: return "positive_int32, integer or digits"
        case .decimal: return "decimal_step"
        case .reference: return "reference"
        case .genreMask: return "genre_list"
        case .text: return "utf8"
        }
    }

    static func check(_ table: BronzeTable, column: Int, needs: ValueRequirement) throws {
        let ok = table.rules.contains { rule in
            switch (needs, rule.check) {
            case (.id32, .positiveInt32(let c)), (.integer, .positiveInt32(let c)), (.integer, .integer(let c)),
                (.integer, .digits(let c, _)), (.decimal, .decimalStep(let c, _, _, _)), (.reference, .reference(let c, _, _)),
                (.genreMask, .genreList(let c, _, _, _)), (.text, .utf8(let c)):
                return c == column
            default:
                return false
            }
        }
        guard ok else {
            throw ReelError(
                .invalidInput,
                "bronze contract: table '\(table.name)' column '\(table.columns[column].name)' needs a \(needs) check for the ETL to read it")
        }
    }
}

extension BronzeTable {
    /// The position of column `name`, after checking that its checks produce
    /// what the ETL will read from it (nil: the ETL reads its raw text).
    func column(_ name: String, needs: ValueRequirement? = nil) throws -> Int {
        let index = try columnIndex(name)
        if let needs { try ValueRequirement.check(self, column: index, needs: needs) }
        return index
    }
}
