import ReelCore
import ReelSilver
import ReelModel
import ReelParquet
import ReelPipeline
import Testing

/// `reel import factors`: factor tables from another engine become a verified
/// model run aligned to silver rows, or are refused naming the first offender.
@Suite struct FactorTableImportTests {
    /// Silver with users 10, 20, 30 and movies 1, 2, 3, 4 (movie 4 unrated).
    func silver() -> SilverSnapshot {
        // user row 0 rates movie rows 0, 1; row 1 rates 1, 2; row 2 rates 0.
        let ratings = SilverRatings(
            userIDs: [10, 20, 30], movieIDs: [1, 2, 3, 4],
            userOffsets: [0, 2, 4, 5], userMovies: [0, 1, 1, 2, 0], userRatings: [4, 5, 3, 4, 5], userTimes: [1, 2, 3, 4, 5],
            movieOffsets: [0, 2, 4, 5, 5], movieUsers: [0, 2, 0, 1, 1], movieRatings: [4, 5, 5, 3, 4], movieTimes: [1, 5, 2, 3, 4])
        var offsets: [UInt32] = [0], bytes: [UInt8] = []
        for i in 1...4 { bytes += Array("Movie \(i)".utf8); offsets.append(UInt32(bytes.count)) }
        let movies = SilverMovies(
            ids: [1, 2, 3, 4], titleOffsets: offsets, titleBytes: bytes, years: [2000, 2000, 2000, 2000],
            genres: [1, 2, 4, 8], ratingCounts: [2, 2, 1, 0], ratingMeans: [4.5, 4, 4, 0])
        let popularity = SilverPopularity(endTime: 0, scores: [Float](repeating: 0, count: 12), counts: [Int32](repeating: 0, count: 12))
        return SilverSnapshot(versionID: "v-import", fingerprint: 0x5EED, ratings: ratings, movies: movies, popularity: popularity)
    }

    /// Writes `folder/side/part-00000.parquet` with an id column and f0 … f{rank-1}.
    func writeTable(
        _ folder: String, _ side: String, ids: [Int32], rank: Int, value: (Int32, Int) -> Float,
        idType: ColumnType = .int32, skipColumn: String? = nil
    ) throws {
        try FileSystem.createDirectory(Path.join(folder, side))
        var columns: [TableColumn] = [TableColumn("id", idType)]
        var data: [ParquetColumnData] = [ParquetColumnData(idType == .int32 ? .int32(ids) : .int64(ids.map(Int64.init)))]
        for k in 0..<rank where "f\(k)" != skipColumn {
            columns.append(TableColumn("f\(k)", .float))
            data.append(ParquetColumnData(.float(ids.map { value($0, k) })))
        }
        try ParquetFile.write(to: Path.join(folder, side, "part-00000.parquet"), schema: try ParquetSchema(columns), columns: data)
        try FileSystem.writeAtomically(Path.join(folder, side, "_SUCCESS"), text: "")
    }

    func scratch(_ tag: String) throws -> (ReelHome, String) {
        let root = "/tmp/reel-import-\(tag)-\(UInt32.random(in: 0...UInt32.max))"
        try FileSystem.createDirectory(root)
        return (ReelHome(root: root), Path.join(root, "spark-out"))
    }

    @Test func aligns_rows_to_silver_and_zero_fills_unrated_movies() throws {
        let (home, out) = try scratch("ok")
        defer { try? FileSystem.removeTree(home.root) }
        // Spark's order is not silver's: users 30, 10, 20; movies 3, 1, 2 (4 unrated, absent).
        try writeTable(out, "users", ids: [30, 10, 20], rank: 2) { Float($0) + Float($1) / 10 }
        try writeTable(out, "movies", ids: [3, 1, 2], rank: 2) { -Float($0) - Float($1) / 10 }
        try FileSystem.writeAtomically(
            Path.join(out, "factors.json"),
            text: #"{"rank": 2, "regParam": 0.5, "alpha": 2.0, "iterations": 7, "seed": 9}"#)
        let record = try FactorTableImport.run(home: home, silver: silver(), source: .init(folder: out, params: nil, engine: "spark"))
        let f = try ModelStore.latestFactors(home: home)
        #expect(f.rank == 2 && f.userIDs == [10, 20, 30] && f.movieIDs == [1, 2, 3, 4])
        #expect(f.userFactors == [10, 10.1, 20, 20.1, 30, 30.1])
        #expect(f.movieFactors == [-1, -1.1, -2, -2.1, -3, -3.1, 0, 0])
        #expect(record.engine == "spark" && record.importedFrom == out && record.silverVersion == "v-import")
        // regParam back to Reel's λ: 0.5 × (5 ratings / 3 users).
        #expect(record.params.alpha == 2 && record.params.iterations == 7 && record.params.seed == 9)
        #expect(abs(record.params.lambda - 0.5 * 5 / 3) < 1e-5)
        #expect(try ModelStore.latestRecord(home: home) == record)
    }

    @Test(arguments: [
        ("nan", "non-finite factor"),
        ("missing-user", "have no factors (first: 20)"),
        ("unknown-movie", "movie id 99 is not in the current silver version"),
        ("duplicate", "user id 10 appears more than once"),
        ("missing-column", "factor columns must be f0"),
        ("rank-mismatch", "user factors have rank 3, movie factors 2"),
        ("int64-id", "column id is int64, expected int32"),
        ("no-movies", "no movie factor table"),
    ])
    func refuses_tables_that_do_not_fit(_ defect: String, _ message: String) throws {
        let (home, out) = try scratch(defect)
        defer { try? FileSystem.removeTree(home.root) }
        let users: [Int32] =
            switch defect {
            case "missing-user": [10, 30]
            case "duplicate": [10, 20, 30, 10]
            default: [10, 20, 30]
            }
        try writeTable(
            out, "users", ids: users, rank: defect == "rank-mismatch" ? 3 : 2,
            value: { id, k in defect == "nan" && id == 20 && k == 1 ? .nan : 1 },
            idType: defect == "int64-id" ? .int64 : .int32)
        if defect != "no-movies" {
            try writeTable(
                out, "movies", ids: defect == "unknown-movie" ? [1, 2, 3, 99] : [1, 2, 3], rank: defect == "missing-column" ? 3 : 2,
                value: { _, _ in 1 }, skipColumn: defect == "missing-column" ? "f1" : nil)
        }
        #expect {
            try FactorTableImport.run(home: home, silver: silver(), source: .init(folder: out, params: nil, engine: "spark"))
        } throws: { error in
            "\(error)".contains(message)
        }
        #expect(ModelStore.latestFolder(home: home) == nil, "a refused table saves nothing")
    }

    @Test func regParam_matches_reels_penalty_for_an_average_user() {
        #expect(SparkTraining.regParam(lambda: 20, ratings: 1000, users: 10) == 0.2)
        #expect(SparkTraining.regParam(lambda: 20, ratings: 0, users: 0) == 20)
    }
}
