import ReelCore
import ReelParquet

/// One side (users or movies) of a factor table written by another engine:
/// `id int32` and `f0 … f{rank-1} float` columns, in a folder of Parquet part
/// files (as Spark writes them) or a Delta table.
///
/// Flat float columns rather than an array column, so that any Parquet reader
/// — Reel's has no nested types — reads them; pipeline/spark/train.py writes
/// this shape and docs/scaling.md specifies it for teams with their own jobs.
struct FactorTable {
    var ids: [Int32]
    /// Row-major `ids.count × rank`.
    var factors: [Float]
    var rank: Int

    /// Reads and checks the table in `folder`: every column present with its
    /// type, ranks agreeing, no null, no NaN or infinity, no duplicate id.
    static func read(folder: String, side: String) throws -> FactorTable {
        guard FileSystem.isDirectory(folder) else {
            throw ReelError(.notFound, "\(folder): no \(side) factor table (expected a folder of Parquet files with columns id, f0, f1, …)")
        }
        let parts = try partTables(folder)
        guard let first = parts.first else {
            throw ReelError(.invalidInput, "\(folder): no Parquet files in the \(side) factor table")
        }
        let rank = try rankOf(first.names, folder: folder)
        var ids: [Int32] = []
        var factors: [Float] = []
        for (index, part) in parts.enumerated() {
            guard try rankOf(part.names, folder: folder) == rank else {
                throw ReelError(.invalidInput, "\(folder): part \(index) has rank \(try rankOf(part.names, folder: folder)), part 0 has \(rank)")
            }
            let idColumn = try column(part, "id", folder: folder)
            guard case let .int32(partIDs) = idColumn.values else {
                throw ReelError(.invalidInput, "\(folder): column id is \(idColumn.values.kindName), expected int32")
            }
            ids.append(contentsOf: partIDs)
            var block = [Float](repeating: 0, count: part.rowCount * rank)
            for k in 0..<rank {
                let c = try column(part, "f\(k)", folder: folder)
                guard case let .float(values) = c.values else {
                    throw ReelError(.invalidInput, "\(folder): column f\(k) is \(c.values.kindName), expected float")
                }
                for (row, v) in values.enumerated() {
                    guard v.isFinite else {
                        throw ReelError(
                            .invalidInput,
                            "\(folder): \(side) id \(partIDs[row]) has a non-finite factor f\(k) = \(v); the training diverged (lower α or raise λ)")
                    }
                    block[row * rank + k] = v
                }
            }
            factors.append(contentsOf: block)
        }
        var seen = Set<Int32>(minimumCapacity: ids.count)
        for id in ids where !seen.insert(id).inserted {
            throw ReelError(.invalidInput, "\(folder): \(side) id \(id) appears more than once")
        }
        return FactorTable(ids: ids, factors: factors, rank: rank)
    }

    private static func partTables(_ folder: String) throws -> [ParquetTable] {
        if FileSystem.isDirectory(Path.join(folder, "_delta_log")) {
            return [try DeltaTable(path: folder).read()]
        }
        let names = FileSystem.list(folder).filter { $0.hasSuffix(".parquet") && !$0.hasPrefix(".") && !$0.hasPrefix("_") }.sorted()
        return try names.map { try ParquetReader(path: Path.join(folder, $0)).readAll() }
    }

    private static func column(_ table: ParquetTable, _ name: String, folder: String) throws -> ParquetColumnData {
        guard let c = table.column(name) else {
            throw ReelError(.invalidInput, "\(folder): no column \(name); a factor table has id, f0, f1, …")
        }
        guard c.validity == nil || c.validity!.allSatisfy({ $0 }) else {
            throw ReelError(.invalidInput, "\(folder): column \(name) holds nulls")
        }
        return c
    }

    /// The rank a column list declares: f0 … f{rank-1}, contiguous.
    private static func rankOf(_ names: [String], folder: String) throws -> Int {
        let factorColumns = names.filter { $0.hasPrefix("f") && Int($0.dropFirst()) != nil }
        let rank = factorColumns.count
        guard rank > 0, (0..<rank).allSatisfy({ names.contains("f\($0)") }) else {
            throw ReelError(
                .invalidInput, "\(folder): factor columns must be f0 … f{rank-1}; found \(factorColumns.prefix(8).joined(separator: ", "))")
        }
        guard rank <= 1024 else { throw ReelError(.invalidInput, "\(folder): rank \(rank) is above 1024") }
        return rank
    }
}
