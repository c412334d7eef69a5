import Testing
import ReelCore
@testable import ReelParquet
import ReelTestSupport

/// The real readers: pyarrow, DuckDB and delta-rs (the `deltalake` package)
/// read what Reel writes, and Reel reads what pyarrow writes. Needs
/// `pip install pyarrow duckdb deltalake`; without pyarrow and duckdb the
/// suite is skipped (the runner prints the reason), without deltalake the
/// Delta part is skipped with a printed reason.
@Suite(
    .enabled(
        if: ExternalReaders.available,
        "pyarrow and duckdb are not installed (pip install pyarrow duckdb deltalake)"))
struct ExternalReaderTests {
    @Test func pyarrowAndDuckDBReadReelParquet() throws {
        let dir = makeTempDir()
        let sample = SampleTable(rows: 2500, seed: 3)
        let files = [
            ("default", ParquetWriteOptions()),
            (
                "v2",
                .with {
                    $0.dataPageVersion = .v2; $0.compression = .uncompressed; $0.dictionary = .always
                }
            ),
            (
                "groups",
                .with {
                    $0.rowGroupTargetBytes = 20_000; $0.pageTargetBytes = 4096
                }
            ),
        ]
        for (name, options) in files {
            try ParquetFile.write(to: "\(dir)/\(name).parquet", schema: sample.schema, columns: sample.columns, options: options)
        }
        let report = try ExternalReaders.run(ExternalReaders.readReelFiles, dir, files.map { "\(dir)/\($0.0).parquet" })
        for (name, _) in files {
            let r = try #require(report["\(dir)/\(name).parquet"])
            #expect(r["rows"]?.int64Value == 2500)
            #expect(
                r["schema"]?.stringValue
                    == "userId:int32:false,movieId:int32:false,rating:float:false,timestamp:timestamp[ms, tz=UTC]:false,score:double:false,views:int64:true,genre:string:false,title:string:true,watched:bool:false,note:float:true"
            )
            // pyarrow verified every page CRC; the table it read, written back by pyarrow, reads back equal in Reel.
            let copy = try ParquetReader(path: "\(dir)/\(name).parquet.pyarrow.parquet").readAll()
            #expect(copy.columns == sample.columns.map(\.normalized), "\(name): pyarrow read different values")
            // DuckDB's aggregates match.
            let duck = try #require(r["duckdb"]?.arrayValue)
            #expect(duck.map { $0.int64Value } == expectedAggregates(sample).map { Optional($0) }, "\(name): DuckDB")
        }
    }

    func expectedAggregates(_ sample: SampleTable) -> [Int64] {
        guard case let .int32(users) = sample.columns[0].values, case let .int64(ts) = sample.columns[3].values,
            case let .int64(views) = sample.columns[5].values
        else { return [] }
        let viewSum = zip(views, sample.columns[5].validity ?? []).reduce(Int64(0)) { $0 + ($1.1 ? $1.0 : 0) }
        return [
            2500, users.reduce(0) { $0 + Int64($1) }, Int64(2500 - sample.columns[7].nullCount),
            ts.min()!, ts.max()!, viewSum,
        ]
    }

    @Test func reelReadsPyarrowFiles() throws {
        let dir = makeTempDir()
        let report = try ExternalReaders.run(ExternalReaders.writePyarrowFiles, dir, [])
        #expect(report["written"]?.int64Value == 5)
        let n = 3000
        for name in ["dict_zstd", "v2_dict_zstd", "plain_uncompressed_v2", "dict_fallback"] {
            let reader = try ParquetReader(path: "\(dir)/\(name).parquet")
            #expect(reader.rowCount == n && reader.rowGroupCount == 3)
            let t = try reader.readAll()
            #expect(t.names == ["i32", "i64", "f", "d", "s", "opt_s", "ts", "b", "opt_i"])
            #expect(t.columns[0] == .int32((0..<n).map { Int32($0 % 97) }), "\(name)")
            #expect(t.columns[1] == .int64((0..<n).map { Int64($0) * 1_000_003 }), "\(name)")
            #expect(t.columns[2] == .float((0..<n).map { Float($0 % 10) * 0.5 }), "\(name)")
            #expect(t.columns[3] == .double((0..<n).map { Double($0) * 0.25 }), "\(name)")
            #expect(t.columns[4] == .strings((0..<n).map { "genre\($0 % 7)" }), "\(name)")
            let optionalTitles: [String?] = (0..<n).map { i -> String? in i % 5 == 0 ? nil : "title \(i)" }
            #expect(t.columns[5] == .strings(optionalTitles), "\(name)")
            #expect(t.columns[6] == .int64((0..<n).map { 1_600_000_000_000 + Int64($0) * 1000 }), "\(name)")
            #expect(reader.columns[6].columnType == .timestampMillis)
            #expect(t.columns[7] == .boolean((0..<n).map { $0 % 3 == 0 }), "\(name)")
            let optionalInts: [Int64?] = (0..<n).map { i -> Int64? in i % 4 == 0 ? nil : Int64(i) }
            #expect(t.columns[8] == .int64(optionalInts), "\(name)")
            let encodings = Set(reader.metadata.rowGroups[0].columns[4].metaData!.encodings)
            if name.contains("dict") { #expect(encodings.contains(.rleDictionary) || encodings.contains(.plainDictionary)) }
            if name == "dict_fallback" {
                // Data pages of both kinds in one chunk (the writer's encoding_stats say so).
                let stats = reader.metadata.rowGroups[0].columns[1].metaData!.encodingStats ?? []
                let dataEncodings = Set(stats.filter { $0.pageType == .dataPage }.map(\.encoding))
                #expect(dataEncodings == [.rleDictionary, .plain], "no fallback: \(stats)")
            }
        }
        do {
            _ = try ParquetReader(path: "\(dir)/snappy.parquet").readAll()
            Issue.record("a Snappy file was read")
        } catch let e as ReelError {
            #expect(e.message.contains("SNAPPY") && e.message.contains("not supported"))
        }
    }

    @Test func deltaTablesReadByDeltaRsAndDuckDB() throws {
        let dir = makeTempDir()
        let ratings = DeltaTable(path: dir + "/ratings")
        let v0 = ratingsBatch(rows: 300, seed: 1), v1 = ratingsBatch(rows: 120, seed: 2)
        try ratings.write(schema: ratingsSchema, mode: .overwrite, batches: [v0], lock: .none)
        try ratings.write(schema: ratingsSchema, mode: .overwrite, batches: [v1], lock: .none)
        let events = DeltaTable(path: dir + "/events")
        try events.write(
            schema: eventsSchema, mode: .overwrite,
            batches: [
                DeltaBatch(columns: [.strings(["a", "b"]), .int32([1, 2]), .float([4.5, nil])], partitionValues: ["date": "2019-11-20"]),
                DeltaBatch(columns: [.strings(["c"]), .int32([3]), .float([1])], partitionValues: ["date": "2019-11-21"]),
            ], lock: .none)
        let report = try ExternalReaders.run(ExternalReaders.readDeltaTables, dir, [])
        if let reason = report["skipped"]?.stringValue {
            print("ExternalReaderTests.deltaTables: delta-rs part skipped: \(reason)")
        } else {
            func sums(_ b: DeltaBatch) -> [Int64] {
                guard case let .int32(u) = b.columns[0].values, case let .int32(m) = b.columns[1].values else { return [] }
                return [Int64(b.columns[0].count), u.reduce(0) { $0 + Int64($1) }, m.reduce(0) { $0 + Int64($1) }]
            }
            #expect(report["latest_version"]?.int64Value == 1)
            #expect(report["latest"]?.arrayValue?.map(\.int64Value) == sums(v1).map { Optional($0) })
            #expect(report["version0"]?.arrayValue?.map(\.int64Value) == sums(v0).map { Optional($0) })
            let schema = report["schema"]?.stringValue ?? ""
            #expect(schema.hasPrefix("userId:int32:false,movieId:int32:false,rating:float:false,timestamp:timestamp["), "\(schema)")
            #expect(schema.hasSuffix("tz=UTC]:false"), "\(schema)")
            #expect(report["events"]?.stringValue == "2019-11-20:a:4.5|2019-11-20:b:None|2019-11-21:c:1.0")
            #expect(report["duckdb_latest"]?.int64Value == 120)
            #expect(report["duckdb_version0"]?.int64Value == 300)
        }
        if let delta = report["duckdb_delta_scan"]?.stringValue {
            print("ExternalReaderTests.deltaTables: DuckDB delta_scan: \(delta)")
        }
        if let sparkRows = report["spark_rows"] {
            #expect(sparkRows.int64Value == 120)
        }
        if let spark = report["spark"]?.stringValue {
            print("ExternalReaderTests.deltaTables: Spark: \(spark)")
        }
    }
}

enum ExternalReaders {
    static let available: Bool = shell("python3 -c 'import pyarrow, duckdb'").status == 0

    /// Runs a Python script with `dir` and `args`; returns the JSON object it prints after `REEL-JSON:`.
    static func run(_ script: String, _ dir: String, _ args: [String]) throws -> JSONValue {
        let scriptPath = dir + "/check.py"
        try FileSystem.writeAtomically(scriptPath, text: script)
        let result = shell("python3 \(scriptPath) \(dir) \(args.joined(separator: " "))")
        // The report is the line marked REEL-JSON: (Spark and friends print around it).
        guard result.status == 0, let marker = result.output.range(of: "REEL-JSON:", options: .backwards) else {
            throw ReelError(.io, "python failed (\(result.status)): \(result.output)")
        }
        let line = result.output[marker.upperBound...].prefix { $0 != "\n" }
        return try JSONValue(parsing: String(line))
    }

    static let readReelFiles = #"""
        import json, sys, pyarrow as pa, pyarrow.parquet as pq, duckdb
        out = {}
        for f in sys.argv[2:]:
            t = pq.read_table(f, page_checksum_verification=True)
            schema = ",".join(f"{x.name}:{x.type}:{str(x.nullable).lower()}" for x in t.schema)
            pq.write_table(t, f + ".pyarrow.parquet", compression="zstd", use_dictionary=True)
            agg = duckdb.sql(f"""select count(*), sum(userId)::BIGINT, count(title), epoch_ms(min("timestamp")),
                                 epoch_ms(max("timestamp")), sum(views)::BIGINT from read_parquet('{f}')""").fetchall()[0]
            out[f] = {"rows": t.num_rows, "schema": schema, "duckdb": [int(x) for x in agg]}
        print("REEL-JSON:" + json.dumps(out))
        """#

    static let writePyarrowFiles = #"""
        import json, sys, datetime, pyarrow as pa, pyarrow.parquet as pq
        d = sys.argv[1]; n = 3000
        utc = datetime.timezone.utc
        t = pa.table({
            "i32": pa.array([i % 97 for i in range(n)], pa.int32()),
            "i64": pa.array([i * 1000003 for i in range(n)], pa.int64()),
            "f": pa.array([(i % 10) * 0.5 for i in range(n)], pa.float32()),
            "d": pa.array([i * 0.25 for i in range(n)], pa.float64()),
            "s": pa.array([f"genre{i % 7}" for i in range(n)], pa.string()),
            "opt_s": pa.array([None if i % 5 == 0 else f"title {i}" for i in range(n)], pa.string()),
            "ts": pa.array([1600000000000 + i * 1000 for i in range(n)], pa.timestamp("ms", tz="UTC")),
            "b": pa.array([i % 3 == 0 for i in range(n)], pa.bool_()),
            "opt_i": pa.array([None if i % 4 == 0 else i for i in range(n)], pa.int64()),
        })
        fields = [pa.field(f.name, f.type, nullable=f.name.startswith("opt")) for f in t.schema]
        t = t.cast(pa.schema(fields))
        common = dict(row_group_size=1000, write_page_checksum=True)
        pq.write_table(t, f"{d}/dict_zstd.parquet", compression="zstd", use_dictionary=True, **common)
        pq.write_table(t, f"{d}/v2_dict_zstd.parquet", compression="zstd", use_dictionary=True, data_page_version="2.0", **common)
        pq.write_table(t, f"{d}/plain_uncompressed_v2.parquet", compression="none", use_dictionary=False, data_page_version="2.0", **common)
        pq.write_table(t, f"{d}/snappy.parquet", compression="snappy", **common)
        # A tiny dictionary limit: chunks start dictionary-encoded and fall back to PLAIN pages.
        pq.write_table(t, f"{d}/dict_fallback.parquet", compression="zstd", use_dictionary=True,
                       dictionary_pagesize_limit=256, data_page_size=512, write_batch_size=64, **common)
        print("REEL-JSON:" + json.dumps({"written": 5}))
        """#

    static let readDeltaTables = #"""
        import json, sys, shutil, subprocess, duckdb
        d = sys.argv[1]; out = {}
        try:
            con = duckdb.connect(); con.sql("INSTALL delta; LOAD delta")
            n = con.sql(f"select count(*) from delta_scan('{d}/ratings')").fetchall()[0][0]
            out["duckdb_delta_scan"] = f"read {n} rows"
        except Exception as e:
            out["duckdb_delta_scan"] = "skipped: the DuckDB delta extension is not available (" + str(e).splitlines()[0][:80] + ")"
        try:
            from deltalake import DeltaTable
        except ImportError:
            out["skipped"] = "the deltalake package is not installed (pip install deltalake)"
            print("REEL-JSON:" + json.dumps(out)); sys.exit(0)
        def sums(t):
            return [t.num_rows, sum(t.column("userId").to_pylist()), sum(t.column("movieId").to_pylist())]
        latest = DeltaTable(f"{d}/ratings")
        out["latest_version"] = latest.version()
        t = latest.to_pyarrow_table()
        out["latest"] = sums(t)
        out["schema"] = ",".join(f"{x.name}:{x.type}:{str(x.nullable).lower()}" for x in t.schema)
        out["version0"] = sums(DeltaTable(f"{d}/ratings", version=0).to_pyarrow_table())
        ev = DeltaTable(f"{d}/events").to_pyarrow_table().sort_by([("date", "ascending"), ("event_id", "ascending")])
        out["events"] = "|".join(f"{r['date']}:{r['event_id']}:{r['rating']}" for r in ev.to_pylist())
        files = latest.file_uris()
        out["duckdb_latest"] = duckdb.sql(f"select count(*) from read_parquet({files!r})").fetchall()[0][0]
        old_files = DeltaTable(f"{d}/ratings", version=0).file_uris()
        out["duckdb_version0"] = duckdb.sql(f"select count(*) from read_parquet({old_files!r})").fetchall()[0][0]
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            out["spark"] = "skipped: pyspark is not installed"
        else:
            spark = (SparkSession.builder.master("local[1]").appName("reel-check")
                     .config("spark.ui.showConsoleProgress", "false").getOrCreate())
            out["spark_rows"] = spark.read.parquet(*files).count()
            try:
                out["spark"] = f"format('delta') read {spark.read.format('delta').load(d + '/ratings').count()} rows"
            except Exception as e:
                out["spark"] = "read the current version's files; format('delta') needs delta-spark (" + str(e).splitlines()[0][:80] + ")"
            spark.stop()
        print("REEL-JSON:" + json.dumps(out))
        """#
}
