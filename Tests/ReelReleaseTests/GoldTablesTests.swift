import Testing
import ReelCore
import ReelLakehouse
import ReelParquet
@testable import ReelRelease
@testable import ReelServing
import ReelTestSupport

/// The gold open tables: what a publish writes to lakehouse/gold/<table>,
/// checked against gold_tables.yml and against the release it came from.
@Suite struct GoldTablesTests {
    let home = ReelHome(root: makeTempDir("reel-gold"))
    let world = TinyWorld.make()
    static let schemasDirectory = Path.join(Path.parent(Path.parent(Path.parent(#filePath))), "schemas")

    /// Publishes a release of the tiny world made by model run `run`.
    func publish(_ id: String, run: String = "run-1", at time: Int64) throws -> PublishResult {
        let contents = try ReleaseBuilder.build(
            silver: world.silver, factors: world.factors,
            options: ReleaseOptions(k: 8, similarK: 5, trendingK: 6, threads: 2, queryBlock: 7),
            metadata: ReleaseMetadata(releaseID: id, createdAt: time, modelRun: run, modelFingerprint: 0x1234))
        return try ReleasePublisher.publish(contents, home: home)
    }

    func writeGold(_ published: PublishResult) throws -> GoldTables.Report {
        try GoldTables.write(
            release: Release(path: published.path), home: home, lock: .file(home.lockFile),
            schemasDirectory: Self.schemasDirectory, threads: 2)
    }

    @Test func goldFollowsARollbackAndStaysAwayFromHomesWithoutGold() throws {
        let r1 = try publish("r1", run: "run-1", at: 1_700_000_100)
        try writeGold(r1)
        let r2 = try publish("r2", run: "run-2", at: 1_700_000_200)
        try writeGold(r2)
        _ = try ReleaseCatalog(home: home).rollback(to: nil)
        let report = try #require(
            try GoldTables.followCurrent(
                home: home, lock: .file(home.lockFile),
                schemasDirectory: Self.schemasDirectory))
        #expect(report.releaseID == "r1")
        #expect(report.versions["user_recommendations"] == 2, "a third version of the table")
        #expect(report.versions["model_runs"] == nil, "run-1 is recorded already")

        // An edge host (no lakehouse/gold) gets no gold tables.
        let edge = ReelHome(root: makeTempDir("reel-edge"))
        _ = try ReleasePublisher.publish(try world.contents(id: "e1"), home: edge)
        #expect(try GoldTables.followCurrent(home: edge, lock: .file(edge.lockFile), schemasDirectory: Self.schemasDirectory) == nil)
        #expect(!FileSystem.exists(edge.gold))
    }

    @Test func everyTableMatchesItsYAMLAndTheRelease() throws {
        let published = try publish("r1", at: 1_700_000_100)
        let report = try writeGold(published)
        #expect(report.versions == ["user_recommendations": 0, "similar_movies": 0, "trending": 0, "model_runs": 0])

        // Every data file and every log schema agrees with gold_tables.yml.
        let schemas = try OpenTableSchemas.gold(schemasDirectory: Self.schemasDirectory)
        #expect(schemas.tables.map(\.name) == GoldTables.names)
        for table in schemas.tables {
            let snapshot = try DeltaTable(path: home.goldTable(table.name)).snapshot()
            #expect(try snapshot.schema(name: table.name) == table)
            #expect(!snapshot.files.isEmpty)
            for file in snapshot.files { try table.verify(parquetFile: Path.join(home.goldTable(table.name), file.path)) }
            #expect(snapshot.rowCount == report.rows[table.name])
        }

        // user_recommendations: every user's stored list, ranks from 1, ids external.
        let release = try Release(path: published.path)
        var users: [Int32] = [], ranks: [Int32] = [], movies: [Int32] = [], scores: [Float] = []
        for u in 0..<release.userCount {
            let list = release.recommendations(userRow: u)
            for i in 0..<list.count {
                users.append(release.tables.userIDs[u])
                ranks.append(Int32(i + 1))
                movies.append(release.tables.movieIDs[Int(list.movies[i])])
                scores.append(list.scores[i])
            }
        }
        #expect(users.count > release.userCount, "the world has recommendations")
        let recs = try DeltaTable(path: home.goldTable("user_recommendations")).read()
        #expect(recs.column("userId") == .int32(users))
        #expect(recs.column("rank") == .int32(ranks))
        #expect(recs.column("movieId") == .int32(movies))
        #expect(recs.column("score") == .float(scores))
        #expect(recs.column("model_run") == .strings([String](repeating: "run-1", count: users.count)))

        // similar_movies: the first movie's list.
        let similar = try DeltaTable(path: home.goldTable("similar_movies")).read()
        let first = release.similar(movieRow: 0)
        guard case let .int32(similarIDs)? = similar.column("similarMovieId")?.values,
            case let .int32(owners)? = similar.column("movieId")?.values
        else { Issue.record("similar_movies columns"); return }
        #expect(Array(similarIDs.prefix(first.count)) == (0..<first.count).map { release.tables.movieIDs[Int(first.movies[$0])] })
        #expect(Array(owners.prefix(first.count)) == [Int32](repeating: release.tables.movieIDs[0], count: first.count))

        // trending: 24h first, global list as genre "all", then genres by name.
        let trending = try DeltaTable(path: home.goldTable("trending")).read()
        let global = release.trending(window: .day, genre: nil)
        guard case let .byteArray(windows)? = trending.column("window")?.values,
            case let .byteArray(genres)? = trending.column("genre")?.values,
            case let .int32(trendMovies)? = trending.column("movieId")?.values
        else { Issue.record("trending columns"); return }
        #expect((0..<global.count).allSatisfy { windows.string(at: $0) == "24h" && genres.string(at: $0) == "all" })
        #expect(Array(trendMovies.prefix(global.count)) == (0..<global.count).map { release.tables.movieIDs[Int(global.movies[$0])] })
        #expect(Set(genres.strings).isSubset(of: Set(["all"] + Genres.all)))
        #expect(Set(windows.strings) == ["24h", "7d", "30d"])

        // model_runs: one row from the release's metadata.
        let runs = try DeltaTable(path: home.goldTable("model_runs")).read()
        #expect(runs.column("model_run") == .strings(["run-1"]))
        #expect(runs.column("release_id") == .strings(["r1"]))
        #expect(runs.column("published_at") == .int64([1_700_000_100_000]))
        #expect(runs.column("model_fingerprint") == .strings([XXH3.hex(0x1234)]))
        guard case let .byteArray(params)? = runs.column("params")?.values,
            case let .byteArray(metrics)? = runs.column("metrics")?.values
        else { Issue.record("model_runs columns"); return }
        let p = try JSONValue(parsing: params.string(at: 0)), m = try JSONValue(parsing: metrics.string(at: 0))
        #expect(p["k"]?.int64Value == 8 && p["model"]?["mode"]?.stringValue == "implicit")
        #expect(m["ndcg@10"]?.doubleValue == 0.25)
    }

    @Test func eachPublishOverwritesTheListsAndAppendsANewModelRunOnce() throws {
        _ = try writeGold(try publish("r1", at: 100))
        // The same model again: the lists are rewritten, model_runs has the run already.
        let second = try writeGold(try publish("r2", at: 200))
        #expect(second.versions == ["user_recommendations": 1, "similar_movies": 1, "trending": 1])
        #expect(!second.summary.contains("model_runs") && second.summary.hasPrefix("gold tables: user_recommendations v1"))
        // A new model run is appended.
        let third = try writeGold(try publish("r3", run: "run-2", at: 300))
        #expect(third.versions["model_runs"] == 1)
        let runs = try DeltaTable(path: home.goldTable("model_runs")).read()
        guard case let .byteArray(ids)? = runs.column("model_run")?.values,
            case let .byteArray(releases)? = runs.column("release_id")?.values
        else { Issue.record("model_runs columns"); return }
        // Files (one per append) are read in path order, not commit order.
        #expect(zip(ids.strings, releases.strings).map { "\($0):\($1)" }.sorted() == ["run-1:r1", "run-2:r3"])
        // Time travel: version 0 of the lists is r1's.
        let commit = try FileSystem.readText(Path.join(home.goldTable("trending"), "_delta_log", "00000000000000000002.json"))
        #expect(commit.contains("\"releaseId\":\"r3\""))
        #expect(try DeltaTable(path: home.goldTable("user_recommendations")).read(version: 0).rowCount == third.rows["user_recommendations"])
    }

    @Test func aGoldFailureLeavesTheReleasePublishedAndSaysSo() throws {
        let published = try publish("r1", at: 100)
        let e: ReelError
        do {
            _ = try GoldTables.write(
                published: published, home: home, lock: .file(home.lockFile),
                schemasDirectory: Path.join(home.root, "no-schemas"))
            Issue.record("the gold write succeeded without schemas")
            return
        } catch let error as ReelError { e = error }
        #expect(e.kind == .notFound)
        #expect(e.message.hasPrefix("release r1 is published and current, but its gold tables under \(home.gold) were not written: "))
        #expect(e.message.contains("gold_tables.yml do not exist") && e.message.contains("`reel lakehouse gold`"))
        #expect(try Release.current(home: home).releaseID == "r1")
        #expect(!DeltaTable(path: home.goldTable("user_recommendations")).exists)

        // Another writer holds the lock: same, and nothing is half-written.
        do {
            let other = try DeltaWriteLock.file(home.lockFile).hold()
            let locked = errorMessage {
                _ = try GoldTables.write(
                    published: published, home: home, lock: .file(home.lockFile),
                    schemasDirectory: Self.schemasDirectory)
            }
            #expect(locked.contains("release r1 is published and current") && locked.contains(home.lockFile))
            withExtendedLifetime(other) {}
        }
        #expect(try writeGold(published).versions["user_recommendations"] == 0)
    }
}
