import Foundation
import Testing
import ReelCore
import ReelLakehouse
import ReelSilver
import ReelParquet
import ReelRelease
import ReelServing

/// The open silver and gold tables as an analyst meets them: written by the
/// real `reel etl` / `reel publish` / `reel nightly`, checked against their
/// YAML, then read by the real readers — pyarrow, DuckDB and delta-rs — in a
/// Python subprocess. Without `pyarrow` and `duckdb` the reader test is
/// skipped with the reason (CI installs them: pip install pyarrow duckdb deltalake).
@Suite(.serialized) struct LakehouseFormatsTests {
    static let schemasDirectory = Path.join(Path.parent(Path.parent(Path.parent(#filePath))), "schemas")
    static let readersAvailable = Python.run("-c", "import pyarrow, duckdb").status == 0

    /// Checks every data file and log schema of every open table in `home` against the YAMLs; returns the table paths.
    @discardableResult
    func verifyAgainstYAML(_ home: ReelHome) throws -> [String] {
        var checked: [String] = []
        for (layer, schemas) in [
            (home.silver, try OpenTableSchemas.silver(schemasDirectory: Self.schemasDirectory)),
            (home.gold, try OpenTableSchemas.gold(schemasDirectory: Self.schemasDirectory)),
        ] {
            for table in schemas.tables {
                let delta = DeltaTable(path: Path.join(layer, table.name))
                guard delta.exists else { continue }
                let snapshot = try delta.snapshot()
                #expect(try snapshot.schema(name: table.name) == table, "\(delta.path): log schema differs from \(schemas.source)")
                for file in snapshot.files { try table.verify(parquetFile: Path.join(delta.path, file.path)) }
                checked.append(delta.path)
            }
        }
        return checked
    }

    /// The data files of the latest version of a table, absolute paths.
    func files(_ table: String) throws -> [String] {
        try DeltaTable(path: table).snapshot().files.map { Path.join(table, $0.path) }
    }

    /// pyarrow's spelling of a table's schema, from the YAML: `name:type:nullable,…`.
    func pyarrowSchema(_ table: TableSchema) -> String {
        table.columns.map { c in
            let type =
                switch c.type {
                case .boolean: "bool"
                case .int32: "int32"
                case .int64: "int64"
                case .float: "float"
                case .double: "double"
                case .string: "string"
                case .timestampMillis: "timestamp[ms, tz=UTC]"
                }
            return "\(c.name):\(type):\(c.nullable)"
        }.joined(separator: ",")
    }

    @Test func etlAndPublishWriteTablesTheYAMLDescribes() async throws {
        let root = try makeHome("lakeformat-yaml")
        let home = ReelHome(root: root)
        for stage in [["synth", "--preset", "tiny", "--seed", "7"], ["etl"], ["train"], ["publish"]] {
            try await reel(stage + ["--quiet"], root: root, env: fastModel)
        }
        let checked = try verifyAgainstYAML(home)
        #expect(
            checked.map { String($0.dropFirst(root.count + 1)) } == [
                "lakehouse/silver/ratings", "lakehouse/silver/movies", "lakehouse/silver/tags",
                "lakehouse/gold/user_recommendations", "lakehouse/gold/similar_movies", "lakehouse/gold/trending", "lakehouse/gold/model_runs",
            ])
        let list = try await reel(["lakehouse", "tables"], root: root)
        #expect(list.stdout.contains("lakehouse/gold/user_recommendations  0 "), "\(list.stdout)")
        // `reel lakehouse gold` rewrites gold from the current release: a new version, same model run.
        try await reel(["lakehouse", "gold", "--quiet"], root: root)
        #expect(try DeltaTable(path: home.goldTable("user_recommendations")).versions() == [0, 1])
        #expect(try DeltaTable(path: home.goldTable("model_runs")).versions() == [0])
    }

    @Test(.enabled(if: LakehouseFormatsTests.readersAvailable, "pyarrow and duckdb are not installed (pip install pyarrow duckdb deltalake)"))
    func pyarrowDuckDBAndDeltaRsReadSilverAndGold() async throws {
        let root = try makeHome("lakeformat-readers")
        let home = ReelHome(root: root)
        for stage in [["synth", "--preset", "tiny", "--seed", "7"], ["etl"], ["train"], ["publish"]] {
            try await reel(stage + ["--quiet"], root: root, env: fastModel)
        }
        let first = try SilverSnapshot.open(home: home).ratings
        // A second ETL on other data: silver/ratings version 1; version 0 stays readable.
        try await reel(["synth", "--preset", "tiny", "--seed", "8", "--force", "--quiet"], root: root)
        try await reel(["etl", "--quiet"], root: root)
        let silver = try SilverSnapshot.open(home: home).ratings
        #expect(movieSum(silver) != movieSum(first), "seed 8 gives other data")
        let release = try Release.current(home: home)

        // The sample: the first user's silver ratings and recommendations, as Reel has them.
        let user = silver.userIDs[0]
        let rated = Int(silver.userOffsets[0])..<Int(silver.userOffsets[1])
        let expectedRatings = rated.map { "\(silver.movieIDs[Int(silver.userMovies[$0])]):\(silver.userRatings[$0]):\(silver.userTimes[$0] * 1000)" }
        let recUser = release.tables.userIDs[0]
        let list = release.recommendations(userRow: 0)
        let expectedRecs = (0..<list.count).map { "\($0 + 1):\(release.tables.movieIDs[Int(list.movies[$0])]):\(list.scores[$0])" }
        var recommendationRows = 0
        for u in 0..<release.userCount { recommendationRows += release.recommendations(userRow: u).count }

        let tables = [
            "silver/ratings": try files(home.silverTable("ratings")),
            "gold/user_recommendations": try files(home.goldTable("user_recommendations")),
        ]
        let spec: [String: Any] = ["home": root, "tables": tables, "user": Int(user), "recUser": Int(recUser)]
        let report = try await Python.report(Self.readerScript, spec: spec, in: root)

        let silverSchemas = try OpenTableSchemas.silver(schemasDirectory: Self.schemasDirectory)
        let goldSchemas = try OpenTableSchemas.gold(schemasDirectory: Self.schemasDirectory)
        let ratings = try #require(report["silver/ratings"] as? [String: Any])
        #expect(ratings["schema"] as? String == pyarrowSchema(try silverSchemas.table("ratings")))
        #expect(ratings["rows"] as? Int == silver.ratingCount)
        #expect(ratings["duckdb_rows"] as? Int == silver.ratingCount)
        #expect(ratings["sample"] as? [String] == expectedRatings, "movie:rating:ms of user \(user)")
        let recs = try #require(report["gold/user_recommendations"] as? [String: Any])
        #expect(recs["schema"] as? String == pyarrowSchema(try goldSchemas.table("user_recommendations")))
        #expect(recs["rows"] as? Int == recommendationRows)
        #expect(recs["duckdb_rows"] as? Int == recommendationRows)
        let sampleRecs = try #require(recs["sample"] as? [String])
        #expect(sampleRecs.count == expectedRecs.count && !sampleRecs.isEmpty)
        for (got, want) in zip(sampleRecs, expectedRecs) {
            // rank:movieId:score (float32 printed by Python as a double) — compare the scores as Float.
            let g = got.split(separator: ":"), w = want.split(separator: ":")
            #expect(g.prefix(2) == w.prefix(2) && Float(Double(g[2])!) == Float(w[2])!, "\(got) vs \(want)")
        }
        #expect(recs["model_runs"] as? [String] == [try modelRun(of: release)])

        if let reason = report["deltalake_skipped"] as? String {
            print("LakehouseFormatsTests: delta-rs part skipped: \(reason)")
        } else {
            #expect(report["delta_latest_version"] as? Int == 1)
            #expect(report["delta_latest_rows"] as? Int == silver.ratingCount)
            #expect(report["delta_v0_rows"] as? Int == first.ratingCount)
            #expect(report["delta_v0_movie_sum"] as? Int == movieSum(first))
            #expect(report["delta_latest_movie_sum"] as? Int == movieSum(silver))
            #expect(report["delta_gold_rows"] as? Int == recommendationRows)
            #expect(report["duckdb_v0_rows"] as? Int == first.ratingCount, "DuckDB read_parquet over version 0's files")
        }
        if let scan = report["duckdb_delta_scan"] as? String { print("LakehouseFormatsTests: DuckDB delta_scan: \(scan)") }
    }

    @Test func nightlyWritesUnderItsOwnLockAndPruneVacuums() async throws {
        let root = try makeHome("lakeformat-nightly")
        let home = ReelHome(root: root)
        try await reel(["synth", "--preset", "tiny", "--quiet"], root: root)
        try await reel(["nightly", "--quiet"], root: root, env: fastModel)
        try await reel(["synth", "--preset", "tiny", "--seed", "5", "--force", "--quiet"], root: root)
        try await reel(["nightly", "--quiet", "--force-publish"], root: root, env: fastModel)
        let stages = try await nightlyStages(root)
        #expect(["etl", "publish", "prune"].allSatisfy { stages[$0]?.status == "ran" }, "\(stages)")
        #expect(stages["prune"]?.detail.contains("vacuumed 7 open tables") == true, "\(stages["prune"]?.detail ?? "")")
        #expect(stages["publish"]?.detail.contains("gold tables: user_recommendations v1") == true, "\(stages["publish"]?.detail ?? "")")
        verifyAgainstYAMLIgnoringErrors(home)
        let ratings = DeltaTable(path: home.silverTable("ratings"))
        #expect(try ratings.versions() == [0, 1])
        #expect(try DeltaTable(path: home.goldTable("model_runs")).read().rowCount == 2, "two trained models, two rows")
        // Within the retention (7 days) version 0 is readable; with 0 days, once a second has passed, it is vacuumed.
        #expect(try ratings.read(version: 0).rowCount > 0)
        try await Task.sleep(for: .seconds(1))
        let vacuum = try await reel(["lakehouse", "vacuum", "--retention-days", "0"], root: root)
        #expect(vacuum.stdout.contains("vacuumed 7 open tables: 6 files deleted"), "\(vacuum.stdout)")
        do {
            _ = try ratings.read(version: 0)
            Issue.record("version 0 is still readable after vacuum")
        } catch let e as ReelError {
            #expect(e.kind == .notFound && e.message.contains("vacuum"))
        }
        #expect(try ratings.read().rowCount == (try SilverSnapshot.open(home: home).ratings.ratingCount))
    }

    /// Runs `reel args…` and requires exit status 0. The wait happens on a Dispatch
    /// thread: a test that blocks one of Swift concurrency's few threads for
    /// seconds starves the timing-sensitive daemon tests running beside it.
    @discardableResult
    func reel(_ args: [String], root: String, env: [String: String] = [:]) async throws -> ReelBinary.Result {
        let r = try await offPool { try ReelBinary.run(args, root: root, env: env) }
        #expect(r.status == 0, "reel \(args.joined(separator: " ")) exited \(r.status)\nstdout: \(r.stdout)\nstderr: \(r.stderr)")
        return r
    }

    func verifyAgainstYAMLIgnoringErrors(_ home: ReelHome) {
        do { try verifyAgainstYAML(home) } catch { Issue.record("\(error)") }
    }

    /// The sum of movieId over every rating (tells two data sets apart).
    func movieSum(_ r: SilverRatings) -> Int {
        r.userMovies.reduce(0) { $0 + Int(r.movieIDs[Int($1)]) }
    }

    func modelRun(of release: Release) throws -> String {
        let meta = try JSONValue(parsing: Array(release.metadataJSON))
        return meta["modelRun"]?.stringValue ?? ""
    }

    /// Each stage of the newest nightly run: status and detail.
    func nightlyStages(_ root: String) async throws -> [String: (status: String, detail: String)] {
        let show = try await reel(["runs", "show", "--json"], root: root)
        let record = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        var out: [String: (status: String, detail: String)] = [:]
        for stage in record["stages"] as? [[String: Any]] ?? [] {
            out[stage["name"] as? String ?? "?"] = (stage["status"] as? String ?? "", stage["detail"] as? String ?? "")
        }
        return out
    }

    static let readerScript = #"""
        import json, os, sys, pyarrow as pa, pyarrow.parquet as pq, duckdb
        spec = json.load(open(sys.argv[1]))
        home, out = spec["home"], {}
        for name, files in spec["tables"].items():
            t = pa.concat_tables([pq.read_table(f, page_checksum_verification=True) for f in files])
            schema = ",".join(f"{x.name}:{x.type}:{str(x.nullable).lower()}" for x in t.schema)
            n = duckdb.sql(f"select count(*) from read_parquet({files!r})").fetchall()[0][0]
            entry = {"rows": t.num_rows, "schema": schema, "duckdb_rows": n}
            if name == "silver/ratings":
                rows = t.filter(pa.compute.equal(t["userId"], spec["user"])).to_pylist()
                entry["sample"] = [f"{r['movieId']}:{r['rating']}:{int(r['timestamp'].timestamp() * 1000)}" for r in rows]
            else:
                rows = t.filter(pa.compute.equal(t["userId"], spec["recUser"])).sort_by("rank").to_pylist()
                entry["sample"] = [f"{r['rank']}:{r['movieId']}:{r['score']!r}" for r in rows]
                entry["model_runs"] = sorted(set(t["model_run"].to_pylist()))
            out[name] = entry
        try:
            con = duckdb.connect(); con.sql("INSTALL delta; LOAD delta")
            out["duckdb_delta_scan"] = "read %d rows" % con.sql(f"select count(*) from delta_scan('{home}/lakehouse/silver/ratings')").fetchall()[0][0]
        except Exception as e:
            out["duckdb_delta_scan"] = "skipped: the DuckDB delta extension is not available (" + str(e).splitlines()[0][:80] + ")"
        try:
            from deltalake import DeltaTable
        except ImportError:
            out["deltalake_skipped"] = "the deltalake package is not installed (pip install deltalake)"
        else:
            latest = DeltaTable(f"{home}/lakehouse/silver/ratings")
            out["delta_latest_version"] = latest.version()
            tl = latest.to_pyarrow_table()
            out["delta_latest_rows"] = tl.num_rows
            out["delta_latest_movie_sum"] = sum(tl["movieId"].to_pylist())
            v0 = DeltaTable(f"{home}/lakehouse/silver/ratings", version=0)
            t0 = v0.to_pyarrow_table()
            out["delta_v0_rows"] = t0.num_rows
            out["delta_v0_movie_sum"] = sum(t0["movieId"].to_pylist())
            out["duckdb_v0_rows"] = duckdb.sql(f"select count(*) from read_parquet({v0.file_uris()!r})").fetchall()[0][0]
            out["delta_gold_rows"] = DeltaTable(f"{home}/lakehouse/gold/user_recommendations").to_pyarrow_table().num_rows
        print("REEL-JSON:" + json.dumps(out), flush=True)
        # Leave without interpreter teardown: the readers' native thread pools (DuckDB, delta-rs'
        # runtime) sometimes abort while being torn down, after every check has passed.
        os._exit(0)
        """#
}

/// `python3` as a subprocess.
enum Python {
    static func run(_ args: String...) -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { return (-1, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Runs `script` with a JSON file holding `spec` (off Swift concurrency's
    /// threads); returns the object it prints after `REEL-JSON:`.
    static func report(_ script: String, spec: [String: Any], in dir: String) async throws -> [String: Any] {
        let scriptPath = dir + "/check.py", specPath = dir + "/spec.json"
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: specPath))
        let result = try await offPool { run(scriptPath, specPath) }
        guard result.status == 0, let marker = result.output.range(of: "REEL-JSON:", options: .backwards) else {
            throw ReelError(.io, "python failed (\(result.status)): \(result.output)")
        }
        let line = result.output[marker.upperBound...].prefix { $0 != "\n" }
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }
}

/// Runs blocking work (a subprocess, a wait) on a Dispatch thread and awaits it.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}
