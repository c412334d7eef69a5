import Testing
import ReelCore
@testable import ReelParquet
import ReelTestSupport

let ratingsSchema = try! TableSchema(
    name: "ratings",
    columns: [
        TableColumn("userId", .int32), TableColumn("movieId", .int32),
        TableColumn("rating", .float), TableColumn("timestamp", .timestampMillis),
    ])

func ratingsBatch(rows: Int, seed: UInt64) -> DeltaBatch {
    var rng = SplitMix64(seed: seed)
    return DeltaBatch(columns: [
        .int32((0..<rows).map { Int32($0 / 3 + 1) }),
        .int32((0..<rows).map { _ in Int32(rng.next() % 100) + 1 }),
        .float((0..<rows).map { _ in Float(rng.next() % 10 + 1) / 2 }),
        .int64((0..<rows).map { _ in 1_500_000_000_000 + Int64(rng.next() % 1_000_000) }),
    ])
}

let eventsSchema = try! TableSchema(
    name: "events",
    columns: [
        TableColumn("event_id", .string), TableColumn("user_id", .int32),
        TableColumn("rating", .float, nullable: true), TableColumn("date", .string),
    ], partitionColumns: ["date"])

@Suite struct DeltaTableTests {
    @Test func commitAndReadLatestAndOlderVersions() throws {
        let dir = makeTempDir() + "/ratings"
        let table = DeltaTable(path: dir)
        #expect(!table.exists)
        let first = ratingsBatch(rows: 100, seed: 1), second = ratingsBatch(rows: 60, seed: 2)
        let v0 = try table.write(schema: ratingsSchema, mode: .overwrite, batches: [first], lock: .none)
        let v1 = try table.write(schema: ratingsSchema, mode: .overwrite, batches: [second], lock: .none)
        #expect(v0 == 0 && v1 == 1)
        #expect(try table.versions() == [0, 1])
        let latest = try table.read()
        #expect(latest.rowCount == 60)
        #expect(latest.columns == second.columns)
        let old = try table.read(version: 0)
        #expect(old.columns == first.columns)
        #expect(try table.snapshot().files.count == 1)
        #expect(try table.snapshot().rowCount == 60)
        // The log: protocol + metaData in version 0, remove + add in version 1.
        let log0 = try FileSystem.readText(dir + "/_delta_log/00000000000000000000.json")
        #expect(log0.contains(#""protocol":{"minReaderVersion":1,"minWriterVersion":2}"#))
        #expect(log0.contains(#"\"type\":\"integer\""#) && log0.contains(#""partitionColumns":[]"#))
        let log1 = try FileSystem.readText(dir + "/_delta_log/00000000000000000001.json")
        #expect(log1.contains(#""remove":{"#) && log1.contains(#""add":{"#) && !log1.contains("protocol"))
        #expect(log1.contains(#"\"numRecords\":60"#))
    }

    @Test func appendAddsFilesAndKeepsOldOnes() throws {
        let table = DeltaTable(path: makeTempDir() + "/t")
        try table.write(schema: ratingsSchema, mode: .overwrite, batches: [ratingsBatch(rows: 10, seed: 1)], lock: .none)
        try table.write(schema: ratingsSchema, mode: .append, batches: [ratingsBatch(rows: 5, seed: 2), ratingsBatch(rows: 7, seed: 3)], lock: .none)
        #expect(try table.read(columns: ["movieId"]).rowCount == 22)
        #expect(try table.snapshot().files.count == 3)
        let other = try TableSchema(name: "ratings", columns: [TableColumn("userId", .int64)])
        #expect(throws: ReelError.self) {
            try table.write(schema: other, mode: .append, batches: [], lock: .none)
        }
        // Overwrite may change the schema: a new metaData action.
        try table.write(schema: other, mode: .overwrite, batches: [DeltaBatch(columns: [.int64([7, 8])])], lock: .none)
        let read = try table.read()
        #expect(read.names == ["userId"] && read.columns[0] == .int64([7, 8]))
        #expect(try table.read(version: 1).rowCount == 22)
    }

    @Test func partitionedTableUsesHiveFoldersAndRestoresPartitionColumns() throws {
        let dir = makeTempDir() + "/events"
        let table = DeltaTable(path: dir)
        let day1 = DeltaBatch(
            columns: [.strings(["a", "b"]), .int32([1, 2]), .float([4.5, nil])],
            partitionValues: ["date": "2019-11-20"])
        let day2 = DeltaBatch(
            columns: [.strings(["c"]), .int32([3]), .float([nil] as [Float?])],
            partitionValues: ["date": "2019-11-21"])
        try table.write(schema: eventsSchema, mode: .overwrite, batches: [day1, day2], lock: .none)
        #expect(FileSystem.list(dir).contains("date=2019-11-20"))
        let files = try table.snapshot().files
        #expect(files.map { $0.partitionValues["date"]! } == ["2019-11-20", "2019-11-21"])
        #expect(files.allSatisfy { $0.path.hasPrefix("date=") })
        let read = try table.read(columns: ["date", "event_id", "rating"])
        #expect(read.columns[0] == .strings(["2019-11-20", "2019-11-20", "2019-11-21"]))
        #expect(read.columns[1] == .strings(["a", "b", "c"]))
        #expect(read.columns[2] == .float([4.5, nil, nil]))
        // The data files hold only the data columns, matching the schema.
        try eventsSchema.verify(parquetFile: dir + "/" + files[0].path)
        #expect(throws: ReelError.self) {
            try table.write(
                schema: eventsSchema, mode: .append,
                batches: [DeltaBatch(columns: day1.columns, partitionValues: ["date": "../x"])], lock: .none)
        }
    }

    @Test func crashBetweenDataAndCommitLeavesPreviousVersionAndOrphansAreCleaned() throws {
        let dir = makeTempDir() + "/t"
        let lockPath = Path.parent(dir) + "/output/.reel.lock"
        let table = DeltaTable(path: dir)
        let committed = ratingsBatch(rows: 20, seed: 1)
        try table.write(schema: ratingsSchema, mode: .overwrite, batches: [committed], lock: .file(lockPath))
        // A run writes its data files and "crashes" before committing.
        do {
            let crashed = try table.begin(schema: ratingsSchema, mode: .overwrite, lock: .file(lockPath))
            try crashed.add(ratingsBatch(rows: 30, seed: 2))
            try crashed.add(ratingsBatch(rows: 30, seed: 3))
            #expect(table.dataFiles().count == 3)
        }
        // Readers still see version 0, and only its rows.
        #expect(try table.versions() == [0])
        #expect(try table.read().columns == committed.columns)
        // A leftover temporary file from a crash inside the Parquet writer.
        try FileSystem.writeAtomically(dir + "/part-99999-x.zstd.parquet.tmp-123", text: "partial")
        // The next write (holding the lock) deletes the orphans.
        try table.write(schema: ratingsSchema, mode: .overwrite, batches: [ratingsBatch(rows: 5, seed: 4)], lock: .file(lockPath))
        let remaining = Set(table.dataFiles())
        let referenced = Set(try table.snapshot(version: 0).files.map(\.path) + table.snapshot().files.map(\.path))
        #expect(remaining == referenced)
        #expect(remaining.count == 2)
    }

    @Test func withoutTheLockRecentOrphansAreKept() throws {
        let table = DeltaTable(path: makeTempDir() + "/t")
        try table.write(schema: ratingsSchema, mode: .overwrite, batches: [ratingsBatch(rows: 3, seed: 1)], lock: .none)
        let pending = try table.begin(schema: ratingsSchema, mode: .append, lock: .none)
        try pending.add(ratingsBatch(rows: 3, seed: 2))
        // Another writer's uncommitted file is young: not an orphan to an unlocked writer.
        #expect(try table.removeOrphans(otherWritersExcluded: false).isEmpty)
        #expect(try table.removeOrphans(otherWritersExcluded: false, now: Clock.now() + 7200).count == 1)
    }

    @Test func concurrentCommitOfTheSameVersionIsRefused() throws {
        let table = DeltaTable(path: makeTempDir() + "/t")
        try table.write(schema: ratingsSchema, mode: .overwrite, batches: [ratingsBatch(rows: 3, seed: 1)], lock: .none)
        let a = try table.begin(schema: ratingsSchema, mode: .append, lock: .none)
        let b = try table.begin(schema: ratingsSchema, mode: .append, lock: .none)
        try a.add(ratingsBatch(rows: 4, seed: 2))
        try b.add(ratingsBatch(rows: 5, seed: 3))
        let bFiles = b.addedFiles.map(\.path)
        #expect(try a.commit() == 1)
        do {
            try b.commit()
            Issue.record("a second commit of version 1 was accepted")
        } catch let e as ReelError {
            #expect(e.kind == .locked)
            #expect(e.message.contains("version 1"))
        }
        #expect(try table.versions() == [0, 1])
        #expect(try table.read().rowCount == 7)
        #expect(bFiles.allSatisfy { !FileSystem.exists(table.path + "/" + $0) })
    }

    @Test func theWriterLockExcludesASecondWriter() throws {
        let dir = makeTempDir()
        let table = DeltaTable(path: dir + "/t")
        let lockPath = dir + "/output/.reel.lock"
        let first = try table.begin(schema: ratingsSchema, mode: .overwrite, lock: .file(lockPath))
        do {
            _ = try table.begin(schema: ratingsSchema, mode: .overwrite, lock: .file(lockPath))
            Issue.record("second writer got the lock")
        } catch let e as ReelError {
            #expect(e.kind == .locked)
        }
        try first.add(ratingsBatch(rows: 2, seed: 1))
        try first.commit()
        // Released by the commit.
        let again = try table.begin(schema: ratingsSchema, mode: .append, lock: .file(lockPath))
        again.abort()
    }

    @Test func vacuumDeletesOnlyFilesOutsideTheRetention() throws {
        let table = DeltaTable(path: makeTempDir() + "/t")
        for seed in 1...3 {
            try table.write(schema: ratingsSchema, mode: .overwrite, batches: [ratingsBatch(rows: 4, seed: UInt64(seed))], lock: .none)
        }
        let week: Int64 = 7 * 24 * 3600
        let kept = try table.vacuum(retentionSeconds: week, lock: .heldByCaller)
        #expect(kept.deleted.isEmpty && kept.retained == 2)
        #expect(try table.read(version: 0).rowCount == 4)
        let dry = try table.vacuum(retentionSeconds: week, lock: .heldByCaller, now: Clock.now() + 2 * week, dryRun: true)
        #expect(dry.deleted.count == 2)
        #expect(table.dataFiles().count == 3)
        let done = try table.vacuum(retentionSeconds: week, lock: .heldByCaller, now: Clock.now() + 2 * week)
        #expect(done.deleted.count == 2 && done.bytesFreed > 0)
        #expect(table.dataFiles().count == 1)
        #expect(try table.read().rowCount == 4)
        do {
            _ = try table.read(version: 0)
            Issue.record("read a vacuumed version")
        } catch let e as ReelError {
            #expect(e.kind == .notFound && e.message.contains("vacuum"))
        }
    }

    @Test func damagedCommitsAreClearErrors() throws {
        let dir = makeTempDir() + "/t"
        let table = DeltaTable(path: dir)
        try table.write(schema: ratingsSchema, mode: .overwrite, batches: [ratingsBatch(rows: 3, seed: 1)], lock: .none)
        try table.write(schema: ratingsSchema, mode: .overwrite, batches: [ratingsBatch(rows: 3, seed: 2)], lock: .none)
        let commit1 = dir + "/_delta_log/00000000000000000001.json"
        let original = try FileSystem.readBytes(commit1)
        // Every truncation of the commit, and flipped bits: an error naming the file.
        for cut in stride(from: 0, to: original.count, by: 5) {
            try writeQuickly(commit1, Array(original.prefix(cut)))
            do {
                _ = try table.snapshot()
                Issue.record("a commit cut to \(cut) bytes was accepted")
            } catch let e as ReelError {
                #expect(e.message.contains("00000000000000000001.json"), "\(e.message)")
            }
        }
        var damaged: [[UInt8]] = []
        var rng = SplitMix64(seed: 9)
        for _ in 0..<50 {
            var copy = original
            let bit = Int(rng.next() % UInt64(original.count * 8))
            copy[bit / 8] ^= 1 << UInt8(bit % 8)
            damaged.append(copy)
        }
        try writeQuickly(commit1, original)
        let expected = try table.read().columns
        for bytes in damaged {
            try writeQuickly(commit1, bytes)
            do {
                // A flip inside the commitInfo line (timestamp, ids) may leave the table intact.
                #expect(try table.read().columns == expected, "a damaged commit was read wrongly (\(bytes.count) bytes)")
            } catch let e as ReelError {
                #expect(e.message.contains("00000000000000000001.json"), "\(e.message)")
            }
        }
        try writeQuickly(commit1, original)
        #expect(try table.read().rowCount == 3)
        // A missing commit in the middle.
        try table.write(schema: ratingsSchema, mode: .append, batches: [ratingsBatch(rows: 3, seed: 3)], lock: .none)
        try FileSystem.rename(commit1, dir + "/_delta_log/moved")
        #expect(throws: ReelError.self) { try table.read() }
        // A data file that does not match the log's size.
        try FileSystem.rename(dir + "/_delta_log/moved", commit1)
        let file = dir + "/" + (try table.snapshot().files[0].path)
        try FileSystem.writeAtomically(file, bytes: try FileSystem.readBytes(file) + [0])
        do {
            _ = try table.read()
            Issue.record("a resized data file was read")
        } catch let e as ReelError {
            #expect(e.kind == .corrupt)
        }
    }

    @Test func readsAnotherWritersTableWithNullPartitionsAndEscapedPaths() throws {
        let dir = makeTempDir() + "/other"
        let data = try ParquetSchema([TableColumn("id", .int64)])
        let a = try ParquetFile.write(to: dir + "/date=__HIVE_DEFAULT_PARTITION__/part-a.parquet", schema: data, columns: [.int64([1, 2])])
        let b = try ParquetFile.write(to: dir + "/date=2020-01-01/part b.parquet", schema: data, columns: [.int64([3])])
        let schema =
            #"{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},{\"name\":\"date\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}}]}"#
        let log = [
            #"{"commitInfo":{"timestamp":1700000000000,"operation":"WRITE"}}"#,
            #"{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}"#,
            #"{"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"\#(schema)","partitionColumns":["date"],"configuration":{},"createdTime":1}}"#,
            #"{"add":{"path":"date=__HIVE_DEFAULT_PARTITION__/part-a.parquet","partitionValues":{"date":null},"size":\#(a.fileSize),"modificationTime":1,"dataChange":true}}"#,
            #"{"add":{"path":"date=2020-01-01/part%20b.parquet","partitionValues":{"date":"2020-01-01"},"size":\#(b.fileSize),"modificationTime":1,"dataChange":true}}"#,
            #"{"txn":{"appId":"spark","version":3}}"#,
        ]
        try FileSystem.writeAtomically(dir + "/_delta_log/00000000000000000000.json", text: log.joined(separator: "\n"))
        let t = try DeltaTable(path: dir).read()
        #expect(t.names == ["id", "date"])
        // Files are read in path order.
        #expect(t.columns[0] == .int64([3, 1, 2]))
        #expect(t.columns[1] == .strings(["2020-01-01", nil, nil]))
    }
}
