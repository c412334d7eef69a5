import Testing
import ReelCore
import ReelParquet
@testable import ReelLakehouse
@testable import ReelSilver

/// Silver as open tables: what the ETL writes to lakehouse/silver/<table>,
/// checked against `open_tables:` of silver_tables.yml and against silver itself.
@Suite struct OpenTablesTests {
    let schemas: OpenTableSchemas

    init() throws {
        schemas = try OpenTableSchemas.silver(schemasDirectory: TestPaths.schemas)
    }

    /// Every data file of the latest version of each table agrees with its YAML
    /// (columns, order, types, nullability), and so does the schema in its log.
    func verifyAgainstYAML(_ home: ReelHome, _ names: [String]) throws {
        for name in names {
            let table = try schemas.table(name)
            let snapshot = try DeltaTable(path: home.silverTable(name)).snapshot()
            #expect(try snapshot.schema(name: name) == table, "\(name): the Delta log's schema differs from the YAML")
            for file in snapshot.files {
                try table.verify(parquetFile: Path.join(home.silverTable(name), file.path))
            }
        }
    }

    @Test func theYAMLDeclaresTheOpenTablesBesideTheBinaryOnes() throws {
        #expect(schemas.tables.map(\.name) == ["ratings", "movies", "tags", "events"])
        #expect(try schemas.table("ratings").columns.map(\.type) == [.int32, .int32, .float, .timestampMillis])
        #expect(try schemas.table("events").partitionColumns == ["date"])
        let missing = errorMessage { _ = try schemas.table("popularity") }
        #expect(missing.message.contains("silver_tables.yml declares no table popularity"))
        // The binary layout under `tables:` still loads as before (ContractTests reads it too).
        #expect(errorMessage { _ = try TableSchema.load(file: schemas.source) }.kind == .invalidInput)
    }

    @Test func theETLWritesRatingsMoviesAndTagsEqualToSilver() throws {
        let home = makeTempHome()
        try installBronze("bronze-clean", into: home)
        let report = try ETL.run(home: home, options: testOptions())
        #expect(report.openTables == ["ratings": 0, "movies": 0, "tags": 0], "no events folder, no events table")
        #expect(!DeltaTable(path: home.silverTable("events")).exists)
        try verifyAgainstYAML(home, ["ratings", "movies", "tags"])
        let silver = try SilverSnapshot.open(home: home)
        #expect(silver.versionID == report.versionID)

        // Ratings: the user-major CSR, ids external, seconds as milliseconds.
        let r = silver.ratings
        var users: [Int32] = [], movies: [Int32] = []
        for u in 0..<r.userCount {
            for j in Int(r.userOffsets[u])..<Int(r.userOffsets[u + 1]) {
                users.append(r.userIDs[u])
                movies.append(r.movieIDs[Int(r.userMovies[j])])
            }
        }
        let ratings = try DeltaTable(path: home.silverTable("ratings")).read()
        #expect(ratings.rowCount == r.ratingCount && ratings.rowCount == 7, "9 lines, 2 repeated pairs")
        #expect(ratings.column("userId") == .int32(users))
        #expect(ratings.column("movieId") == .int32(movies))
        #expect(ratings.column("rating") == .float(r.userRatings))
        #expect(ratings.column("timestamp") == .int64(r.userTimes.map { $0 * 1000 }))

        // Movies: the binary layout's sentinels are nulls (movie 10: no year, genres, ratings or links; 5: no tmdbId).
        let m = try DeltaTable(path: home.silverTable("movies")).read()
        #expect(m.column("movieId") == .int32([1, 2, 3, 5, 10]))
        #expect(
            m.column("title")
                == .strings(["Toy Story", "Jumanji", "City of Lost Children, The (Cité des enfants perdus, La)", "Say \"Anything\"", "Unrated Movie"])
        )
        #expect(m.column("year") == .int32([1995, 1995, 1995, 1989, nil]))
        #expect(
            m.column("genres")
                == .strings([
                    "Adventure|Animation|Children|Comedy|Fantasy", "Adventure|Children|Fantasy",
                    "Adventure|Drama|Fantasy|Mystery|Sci-Fi", "Comedy|Drama|Romance", "",
                ]))
        #expect(m.column("ratingCount") == .int32(silver.movies.ratingCounts))
        #expect(m.column("ratingMean")?.isNull(4) == true && m.column("ratingMean")?.isNull(0) == false)
        #expect(m.column("imdbId") == .int64([114709, 113497, 112682, 98258, nil]))
        #expect(m.column("tmdbId") == .int32([862, 8844, 902, nil, nil]))

        // Tags, by movie.
        let t = try DeltaTable(path: home.silverTable("tags")).read()
        #expect(t.column("movieId") == .int32([1, 1, 3]))
        #expect(t.column("tag") == .strings(["pixar", "say \"hi\"", "dark, weird"]))

        // Each commit names the silver version it belongs to.
        let commit = try FileSystem.readText(Path.join(home.silverTable("ratings"), "_delta_log", "00000000000000000000.json"))
        #expect(commit.contains("\"silverVersion\":\"\(report.versionID)\""))
    }

    @Test func aSecondRunIsANewVersionAndTheOldOneStaysReadableUntilVacuumed() throws {
        let home = makeTempHome()
        try installBronze("bronze-clean", into: home)
        _ = try ETL.run(home: home, options: testOptions())
        try writeBronze(home, "ratings.csv", "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n3,2,2.5,964982800\n")
        let second = try ETL.run(home: home, options: testOptions())
        #expect(second.openTables?["ratings"] == 1)
        let table = DeltaTable(path: home.silverTable("ratings"))
        #expect(try table.read().rowCount == 2)
        #expect(try table.read(version: 0).rowCount == 7)
        try verifyAgainstYAML(home, ["ratings", "movies", "tags"])

        // Retention 7 days keeps version 0; retention 0 deletes its files.
        let kept = try OpenTableRetention.vacuum(home: home, retentionSeconds: 7 * 86_400, lock: .file(home.lockFile))
        #expect(kept.map { Path.basename($0.table) } == ["movies", "ratings", "tags"])
        #expect(kept.allSatisfy { $0.report.deleted.isEmpty && $0.report.retained == 1 })
        #expect(try table.read(version: 0).rowCount == 7)
        let pruned = try OpenTableRetention.vacuum(home: home, retentionSeconds: 0, lock: .file(home.lockFile), now: Clock.now() + 1)
        #expect(pruned.allSatisfy { $0.report.deleted.count == 1 })
        #expect(errorMessage { _ = try table.read(version: 0) }.kind == .notFound)
        #expect(try table.read().rowCount == 2)
        #expect(OpenTableRetention.summary(pruned).hasPrefix("vacuumed 3 open tables: 3 files deleted"))
    }

    @Test func eventsArePartitionedByDayAndHoldOnlyAcceptedEvents() throws {
        let home = makeTempHome()
        try installBronze("bronze-clean", into: home)
        try EventsFixture.ingest(
            home,
            [
                EventsFixture.line(.view, id: 1, user: 7, movie: 1, ts: "2019-11-20T10:00:00Z"),
                EventsFixture.line(.rating, id: 2, user: 7, movie: 2, ts: "2019-11-21T09:30:00Z"),
                EventsFixture.line(.click, id: 3, user: 8, movie: 3, ts: "2019-11-20T23:59:59Z"),
                EventsFixture.line(.view, id: 4, user: 8, movie: 999, ts: "2019-11-20T12:00:00Z"),  // rejected: movieId_orphan
            ])
        let report = try ETL.run(home: home, options: testOptions(threshold: 1))
        #expect(report.table("view_events")?.rejected("movieId_orphan") == 1)
        #expect(report.openTables?["events"] == 0)
        try verifyAgainstYAML(home, ["events"])
        let table = DeltaTable(path: home.silverTable("events"))
        #expect(try table.snapshot().files.map { $0.partitionValues["date"] } == ["2019-11-20", "2019-11-21"])
        let e = try table.read()
        #expect(e.column("date") == .strings(["2019-11-20", "2019-11-20", "2019-11-21"]))
        #expect(e.column("eventType") == .strings(["view", "click", "rating"]))
        #expect(e.column("movieId") == .int32([1, 3, 2]))
        #expect(e.column("rating") == .float([nil, nil, 4.5]))
        #expect(e.column("timestamp") == .int64([1_574_244_000_000, 1_574_294_399_000, 1_574_328_600_000]))

        // The events folder goes away: the table is emptied rather than left stale.
        try FileSystem.removeTree(home.bronzeEvents)
        let again = try ETL.run(home: home, options: testOptions(threshold: 1))
        #expect(again.openTables?["events"] == 1)
        #expect(try table.read().rowCount == 0)
    }

    @Test func aYAMLThatDisagreesWithTheCodeFailsTheRunAndChangesNothing() throws {
        let home = makeTempHome()
        try installBronze("bronze-clean", into: home)
        let first = try ETL.run(home: home, options: testOptions())
        // A copy of the contract whose ratings table declares a column the ETL does not produce.
        let schemasCopy = Path.join(home.root, "schemas")
        for dir in ["lakehouse", "events"] {
            for name in FileSystem.list(Path.join(TestPaths.schemas, dir)) {
                var text = try FileSystem.readText(Path.join(TestPaths.schemas, dir, name))
                if name == "silver_tables.yml" {
                    text = text.replacingFirst(
                        "      - { name: timestamp, type: timestamp_ms, nullable: false, description: \"whole seconds, as in ratings.csv\" }",
                        with:
                            "      - { name: timestamp, type: timestamp_ms, nullable: false }\n      - { name: source, type: string, nullable: false }"
                    )
                }
                try FileSystem.writeAtomically(Path.join(schemasCopy, dir, name), text: text)
            }
        }
        var options = testOptions()
        options.schemasDirectory = schemasCopy
        let e = errorMessage { _ = try ETL.run(home: home, options: options) }
        #expect(e.kind == .invalidInput)
        #expect(e.message.contains("silver_tables.yml: table ratings declares column(s) source, which Reel does not write"), "\(e.message)")
        #expect(SilverVersions.currentVersionID(home: home) == first.versionID)
        #expect(try DeltaTable(path: home.silverTable("ratings")).versions() == [0])
        // No uncommitted file is left behind.
        #expect(try DeltaTable(path: home.silverTable("ratings")).removeOrphans(otherWritersExcluded: true).isEmpty)
    }

    @Test func anotherWriterHoldingTheLockStopsTheRunBeforeItStarts() throws {
        let home = makeTempHome()
        try installBronze("bronze-clean", into: home)
        let other = try DeltaWriteLock.file(home.lockFile).hold()
        let e = errorMessage { _ = try ETL.run(home: home, options: testOptions()) }
        #expect(e.kind == .locked && e.message.contains(home.lockFile), "\(e.message)")
        #expect(SilverVersions.currentVersionID(home: home) == nil)
        // A caller that holds the lock itself (the nightly job) says so.
        var options = testOptions()
        options.openTablesLock = .heldByCaller
        #expect(try ETL.run(home: home, options: options).openTables?["ratings"] == 0)
        withExtendedLifetime(other) {}
    }

    @Test func rowsAreCheckedAgainstTheirTableByName() throws {
        let table = try TableSchema(
            name: "t", columns: [TableColumn("a", .int32), TableColumn("b", .string), TableColumn("d", .string)],
            partitionColumns: ["d"])
        let rows = OpenTableRows(["b": .strings(["x"]), "a": .int32([1])], partitionValues: ["d": "2019-11-20"])
        let batch = try rows.batch(for: table, source: "t.yml")
        #expect(batch.columns == [.int32([1]), .strings(["x"])])
        let extra = errorMessage {
            _ = try OpenTableRows(["a": .int32([1]), "b": .strings(["x"]), "c": .int32([2])], partitionValues: ["d": "x"]).batch(
                for: table, source: "t.yml")
        }
        #expect(extra.message == "t.yml: table t does not declare column(s) c, which Reel writes")
        let partition = errorMessage { _ = try OpenTableRows(["a": .int32([1]), "b": .strings(["x"])]).batch(for: table, source: "t.yml") }
        #expect(partition.message.contains("partitioned by [d] but Reel writes it partitioned by []"))
    }

    @Test func ratingBatchesSplitAnywhereInTheCSR() {
        // Users 10 (2 ratings), 20 (0), 30 (3); movie rows map to ids ×100.
        let offsets: [Int64] = [0, 2, 2, 5]
        let rows = SilverOpenRows.ratings(
            userIDs: [10, 20, 30], offsets: offsets, movieRows: [0, 1, 0, 1, 2],
            ratings: [1, 2, 3, 4, 5], times: [1, 2, 3, 4, 5], movieIDs: [100, 200, 300], rows: 1..<4)
        // The ids go out dictionary-encoded: the users of the rows (10, 20, 30 here) and every movie.
        #expect(rows.columns["userId"]?.expanded == .int32([10, 30, 30]))
        #expect(rows.columns["userId"]?.values == .int32([10, 20, 30]))
        #expect(rows.columns["movieId"]?.expanded == .int32([200, 100, 200]))
        #expect(rows.columns["movieId"]?.values == .int32([100, 200, 300]))
        #expect(rows.columns["rating"] == .float([2, 3, 4]))
        #expect(rows.columns["timestamp"] == .int64([2000, 3000, 4000]))
    }
}
