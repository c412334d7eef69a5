import Foundation
import ReelParquet
import Testing

/// The Spark engine end to end (issue 20): a real standalone master and two
/// workers (pipeline/spark/local-cluster.sh), `reel nightly` with
/// `engine.kind = spark`, the release served, and the Spark-trained model's
/// NDCG@10 on held-out future ratings compared with Reel's own on the same
/// split. Needs Java and pyspark: `REEL_SPARK_PYTHON` names a Python that has
/// pyspark, pyyaml and numpy (.ci/run makes one), else `.build/venv-spark/bin/python`, else
/// python3; without them the suite is skipped and says why.
@Suite(.serialized, .enabled(if: SparkEnvironment.shared.python != nil, SparkEnvironment.shared.skipReason))
struct SparkEngineTests {
    let spark = SparkEnvironment.shared

    @Test func nightlyOnALocalClusterPublishesAServableReleaseAsGoodAsReels() throws {
        let python = try #require(spark.python)
        let reelHome = try makeHome("spark-reel")
        try ReelBinary.ok(["synth", "--preset", "small", "--seed", "11", "--quiet"], root: reelHome)
        try ReelBinary.ok(["etl", "--quiet"], root: reelHome)
        // Hold out each user's last 5 ratings (the per-user split: on the small preset the global
        // time split leaves only a few dozen test users), then silver = its train part only.
        let split = reelHome + "/split"
        try ReelBinary.ok(
            ["evaluate", "--split", "leave-last-n", "--holdout", "5", "--no-explicit", "--export-split", split, "--quiet"],
            root: reelHome, env: fastModel)
        let bronzeRatings = reelHome + "/lakehouse/bronze/movielens/ml-25m/ratings.csv"
        try FileManager.default.removeItem(atPath: bronzeRatings)
        try FileManager.default.copyItem(atPath: split + "/train.csv", toPath: bronzeRatings)
        try? FileManager.default.removeItem(atPath: reelHome + "/lakehouse/bronze/events")
        try ReelBinary.ok(["etl", "--quiet"], root: reelHome)
        let sparkHome = try makeHome("spark-spark")
        try FileManager.default.removeItem(atPath: sparkHome)
        try FileManager.default.copyItem(atPath: reelHome, toPath: sparkHome)
        try FileManager.default.createDirectory(atPath: sparkHome + "/pipeline", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: SparkEnvironment.repository + "/pipeline/spark", toPath: sparkHome + "/pipeline/spark")

        let cluster = try LocalSparkCluster(python: python, state: sparkHome + "/cluster")
        defer { cluster.stop() }
        let sparkEnv = fastModel.merging([
            "REEL_ENGINE_KIND": "spark", "REEL_ENGINE_MASTER": cluster.master,
            "REEL_ENGINE_SPARK_SUBMIT": spark.sparkSubmit!, "REEL_ENGINE_EXECUTOR_MEMORY": "1g",
        ]) { $1 }
        let nightly = try ReelBinary.run(["nightly", "--only", "train"], root: sparkHome, env: sparkEnv)
        #expect(nightly.status == 0, "spark nightly: \(nightly.stderr)")
        #expect(nightly.stderr.contains("spark: train: ALS rank 8"), "progress lines are forwarded: \(nightly.stderr)")
        let model = try String(contentsOfFile: sparkHome + "/output/models/latest/model.json", encoding: .utf8)
        #expect(model.contains("\"engine\" : \"spark\"") || model.contains("\"engine\":\"spark\""), "\(model)")
        try ReelBinary.ok(["publish", "--quiet"], root: sparkHome, env: fastModel)
        try ReelBinary.ok(["train", "--quiet"], root: reelHome, env: fastModel)
        try ReelBinary.ok(["publish", "--quiet"], root: reelHome, env: fastModel)

        let daemon = try Daemon(root: sparkHome)
        let (status, body) = try HTTP.json("\(daemon.base)/v1/users/1/recommendations?k=10")
        #expect(status == 200 && (body["items"] as? [Any])?.count == 10)
        #expect(daemon.stop() == 0)
        cluster.stop()
        #expect(cluster.processesLeft == 0, "local-cluster.sh stop leaves no Spark process behind")

        // Paired comparison on the held-out ratings (relevant: rating ≥ 4).
        let test = try HeldOut(csv: split + "/test.csv")
        let reel = try test.ndcgAt10(lists: try servedLists(reelHome))
        let sparkScores = try test.ndcgAt10(lists: try servedLists(sparkHome))
        let diffs = zip(sparkScores, reel).map { $0 - $1 }
        let n = Double(diffs.count)
        let mean = diffs.reduce(0, +) / n
        let sd = (diffs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)).squareRoot()
        let half = 1.96 * sd / n.squareRoot()
        print(
            "spark engine: NDCG@10 Spark \(sparkScores.reduce(0, +) / n) vs Reel \(reel.reduce(0, +) / n), paired diff \(mean) ± \(half) over \(diffs.count) users"
        )
        #expect(diffs.count >= 100, "enough test users to compare: \(diffs.count)")
        // The issue's criterion: the Spark-trained release's NDCG@10 lies within the 95% CI of the
        // Reel-trained one's (not above its lower bound is a failure). The paired difference is
        // printed too; it is stricter and swings with the data (3 iterations of two ALS codes).
        let reelMean = reel.reduce(0, +) / n
        let reelSD = (reel.map { ($0 - reelMean) * ($0 - reelMean) }.reduce(0, +) / (n - 1)).squareRoot()
        let reelHalf = 1.96 * reelSD / n.squareRoot()
        let sparkMean = sparkScores.reduce(0, +) / n
        #expect(
            sparkMean >= reelMean - reelHalf,
            "Spark's NDCG@10 \(sparkMean) is below the 95% CI of Reel's \(reelMean) ± \(reelHalf) (paired diff \(mean) ± \(half))")
        #expect(sparkScores.reduce(0, +) / n > 0.01, "the Spark model recommends something relevant")
    }

    @Test func aMasterThatIsDownFailsFastAndKeepsTheServedRelease() throws {
        let home = try makeHome("spark-down")
        try ReelBinary.ok(["synth", "--preset", "tiny", "--seed", "3", "--quiet"], root: home)
        for stage in [["etl"], ["train"], ["publish"]] { try ReelBinary.ok(stage + ["--quiet"], root: home, env: fastModel) }
        try FileManager.default.createDirectory(atPath: home + "/pipeline", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: SparkEnvironment.repository + "/pipeline/spark", toPath: home + "/pipeline/spark")
        let before = currentRelease(home)
        let latest = try FileManager.default.destinationOfSymbolicLink(atPath: home + "/output/models/latest")
        let r = try ReelBinary.run(
            ["train", "--engine", "spark"], root: home,
            env: ["REEL_ENGINE_MASTER": "spark://127.0.0.1:1", "REEL_ENGINE_SPARK_SUBMIT": spark.sparkSubmit!])
        #expect(r.status != 0)
        #expect(r.stderr.contains("spark://127.0.0.1:1 is not reachable"), "\(r.stderr)")
        #expect(currentRelease(home) == before)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: home + "/output/models/latest") == latest)
    }

    /// The Spark ETL engine (pipeline/spark/etl.py, its tables imported: `reel etl --engine spark`,
    /// the nightly's etl stage with engine.kind = spark) on dirty bronze: the same reconciliation, the same quarantined rows, and a byte-identical silver version (same
    /// fingerprint) as `reel etl`; a job over the reject threshold fails and leaves silver alone.
    @Test func sparkETLQuarantinesAndCountsExactlyAsReelETLDoesOnDirtyBronze() throws {
        let home = try makeHome("spark-etl")
        // The dirty preset breaks every rule at least once: on tiny tables that is above the default 1%.
        try ReelBinary.ok(["synth", "--preset", "tiny", "--seed", "5", "--dirty", "0.005", "--quiet"], root: home)
        try? FileManager.default.removeItem(atPath: home + "/lakehouse/bronze/events")
        try FileManager.default.createDirectory(atPath: home + "/pipeline", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: SparkEnvironment.repository + "/pipeline/spark", toPath: home + "/pipeline/spark")
        try ReelBinary.ok(["etl", "--reject-threshold", "0.2", "--quiet"], root: home)
        let reelReport = try silverReport(home)
        let reelVersion = try FileManager.default.destinationOfSymbolicLink(atPath: home + "/lakehouse/silver/current")
        let sparkEnv = ["REEL_ENGINE_MASTER": "local[2]", "REEL_ENGINE_SPARK_SUBMIT": spark.sparkSubmit!]

        // Over the threshold (the default 1%): the job fails before committing, silver stays.
        let refused = try ReelBinary.run(["etl", "--engine", "spark"], root: home, env: sparkEnv)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("above the threshold 0.01"), "\(refused.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: home + "/lakehouse/silver/current") == reelVersion)
        let kept = Set((try? FileManager.default.contentsOfDirectory(atPath: home + "/output/spark")) ?? [])
        #expect(!kept.isEmpty, "a failed job's folder and log are kept for inspection")

        // The nightly's etl stage with engine.kind = spark.
        let run = try ReelBinary.run(
            ["nightly", "--only", "etl"], root: home,
            env: sparkEnv.merging(["REEL_ENGINE_KIND": "spark", "REEL_ETL_REJECT_THRESHOLD": "0.2"]) { $1 })
        #expect(run.status == 0, "reel nightly --only etl (engine spark): \(run.stderr.suffix(3000))")
        #expect(run.stderr.contains("etl: spark: etl: ratings: read 3018"), "progress lines are forwarded: \(run.stderr)")
        #expect(try nightlyStatuses(home)["etl"] == "ran")
        let sparkReport = try silverReport(home)
        #expect(sparkReport["version_id"] as? String != reelReport["version_id"] as? String, "a new version is current")
        #expect(sparkReport["fingerprint"] as? String == reelReport["fingerprint"] as? String, "the same silver, byte for byte")
        let reelTables = try tablesByName(reelReport), sparkTables = try tablesByName(sparkReport)
        for table in ["movies", "links", "ratings", "tags"] {
            let r = try #require(reelTables[table], "reel etl reports \(table)")
            let s = try #require(sparkTables[table], "the Spark engine reports \(table)")
            for key in ["read", "accepted", "rejected", "deduplicated"] {
                #expect(r[key] as? Int == s[key] as? Int, "\(table).\(key): reel \(r[key] ?? "-") spark \(s[key] ?? "-")")
            }
            #expect(ruleCounts(r) == ruleCounts(s), "\(table) rejects by rule")
            // The same rows quarantined, with the same line numbers and rule names: compared as
            // bytes, since a row quarantined for invalid UTF-8 keeps its original bytes.
            let reelRejects = try Data(contentsOf: URL(fileURLWithPath: r["quarantine_file"] as? String ?? ""))
            let sparkRejects = try Data(contentsOf: URL(fileURLWithPath: s["quarantine_file"] as? String ?? ""))
            #expect(reelRejects == sparkRejects, "\(table).rejects.csv")
        }
        #expect((reelTables["ratings"]?["rejected"] as? Int ?? 0) > 0, "the dirty preset breaks rules")
        // The open tables are Reel's own commit of the imported version; the job's folder is gone.
        let ratings = try DeltaTable(path: home + "/lakehouse/silver/ratings").read()
        #expect(ratings.names == ["userId", "movieId", "rating", "timestamp"])
        #expect(ratings.rowCount == reelTables["ratings"]?["accepted"] as? Int)
        #expect(
            Set((try? FileManager.default.contentsOfDirectory(atPath: home + "/output/spark")) ?? []) == kept,
            "the imported job's folder and log are removed")

        // Bronze read in 4 KB splits (line numbers are counted per split, in the JVM): the same
        // quarantined lines, the same silver.
        var reelRejects: [String: Data] = [:]
        for table in ["ratings", "tags"] {
            reelRejects[table] = try Data(contentsOf: URL(fileURLWithPath: reelTables[table]?["quarantine_file"] as? String ?? ""))
        }
        let conf = home + "/spark-conf"
        try FileManager.default.createDirectory(atPath: conf, withIntermediateDirectories: true)
        try "spark.sql.files.maxPartitionBytes 4096\n".write(toFile: conf + "/spark-defaults.conf", atomically: true, encoding: .utf8)
        let small = try ReelBinary.run(
            ["etl", "--engine", "spark", "--reject-threshold", "0.2"], root: home,
            env: sparkEnv.merging(["SPARK_CONF_DIR": conf]) { $1 })
        #expect(small.status == 0, "reel etl --engine spark in 4 KB splits: \(small.stderr.suffix(3000))")
        let smallReport = try silverReport(home)
        #expect(smallReport["fingerprint"] as? String == reelReport["fingerprint"] as? String, "the same silver from 4 KB splits")
        let smallTables = try tablesByName(smallReport)
        for table in ["ratings", "tags"] {
            let rejects = try Data(contentsOf: URL(fileURLWithPath: smallTables[table]?["quarantine_file"] as? String ?? ""))
            #expect(rejects == reelRejects[table], "\(table).rejects.csv from 4 KB splits")
        }
    }

    private func silverReport(_ home: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: home + "/lakehouse/silver/current/report.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func tablesByName(_ report: [String: Any]) throws -> [String: [String: Any]] {
        let tables = try #require(report["tables"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: tables.map { ($0["table"] as? String ?? "?", $0) })
    }

    private func ruleCounts(_ table: [String: Any]) -> [String: Int] {
        (table["rejected_by_rule"] as? [[String: Any]] ?? [])
            .reduce(into: [String: Int]()) { $0[$1["rule"] as? String ?? "?"] = $1["count"] as? Int }
    }

    /// Each user's served list from the release just published (gold table).
    private func servedLists(_ home: String) throws -> [Int32: [Int32]] {
        let table = try DeltaTable(path: home + "/lakehouse/gold/user_recommendations").read(columns: ["userId", "rank", "movieId"])
        guard case let .int32(users) = table.columns[0].values, case let .int32(ranks) = table.columns[1].values,
            case let .int32(movies) = table.columns[2].values
        else { throw HeldOut.Bad.format("gold columns") }
        var lists: [Int32: [(Int32, Int32)]] = [:]
        for i in 0..<users.count where ranks[i] <= 10 { lists[users[i], default: []].append((ranks[i], movies[i])) }
        return lists.mapValues { $0.sorted { $0.0 < $1.0 }.map(\.1) }
    }
}

/// Held-out future ratings (`test.csv` of `reel evaluate --export-split`).
struct HeldOut {
    enum Bad: Error { case format(String) }
    var relevant: [Int32: Set<Int32>] = [:]

    init(csv path: String) throws {
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",")
            guard f.count == 4, let u = Int32(f[0]), let m = Int32(f[1]), let r = Double(f[2]) else { throw Bad.format(String(line)) }
            if r >= 4 { relevant[u, default: []].insert(m) }
        }
    }

    /// NDCG@10 per user with a relevant rating, in ascending user order.
    func ndcgAt10(lists: [Int32: [Int32]]) throws -> [Double] {
        relevant.keys.sorted().map { user in
            let rel = relevant[user]!
            let list = lists[user] ?? []
            var dcg = 0.0
            for (i, m) in list.prefix(10).enumerated() where rel.contains(m) { dcg += 1 / log2(Double(i) + 2) }
            let ideal = (0..<min(10, rel.count)).reduce(0.0) { $0 + 1 / log2(Double($1) + 2) }
            return dcg / ideal
        }
    }
}

/// Java + pyspark, found once per test run.
struct SparkEnvironment: Sendable {
    static let shared = SparkEnvironment()
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    let python: String?
    let sparkSubmit: String?
    let skipReason: Comment

    init() {
        let env = ProcessInfo.processInfo.environment
        let candidates = [env["REEL_SPARK_PYTHON"], Self.repository + "/.build/venv-spark/bin/python", "/usr/bin/python3"].compactMap { $0 }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/java") || env["JAVA_HOME"] != nil else {
            (python, sparkSubmit, skipReason) = (nil, nil, "skipped: no Java (apt-get install default-jre-headless) for the Spark engine tests")
            return
        }
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: candidate)
            // yaml: the jobs load the contract YAML; numpy: pyspark.ml (ALS) imports it.
            p.arguments = ["-c", "import os, yaml, numpy, pyspark; print(os.path.dirname(pyspark.__file__))"]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            guard (try? p.run()) != nil else { continue }
            let home = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { continue }
            let beside = URL(fileURLWithPath: candidate).deletingLastPathComponent().appendingPathComponent("spark-submit").path
            (python, sparkSubmit, skipReason) = (
                candidate, FileManager.default.isExecutableFile(atPath: beside) ? beside : home + "/bin/spark-submit", ""
            )
            return
        }
        (python, sparkSubmit, skipReason) = (
            nil, nil,
            "skipped: no Python with pyspark, pyyaml and numpy (set REEL_SPARK_PYTHON, or python3 -m venv .build/venv-spark && .build/venv-spark/bin/pip install pyspark pyyaml numpy) for the Spark engine tests"
        )
    }
}

extension SparkEnvironment {
    /// Runs spark-submit with the venv's Python for driver and executors.
    static func submit(_ args: [String], sparkSubmit: String) throws -> (status: Int32, output: String) {
        var env = ProcessInfo.processInfo.environment
        if let python = shared.python { env["PYSPARK_PYTHON"] = python; env["PYSPARK_DRIVER_PYTHON"] = python }
        return try runCapturing(sparkSubmit, args, env: env)
    }
}

/// Runs `executable args…` with `env`, stdout and stderr together, and waits.
func runCapturing(_ executable: String, _ args: [String], env: [String: String]) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = args
    p.environment = env
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    return (p.terminationStatus, text)
}

/// pipeline/spark/local-cluster.sh on its own port and state folder.
final class LocalSparkCluster {
    let master: String
    private let environment: [String: String]

    init(python: String, state: String) throws {
        let port = 17000 + Int.random(in: 0..<2000)
        var env = ProcessInfo.processInfo.environment
        env["PYTHON"] = python
        env["REEL_SPARK_PORT"] = String(port)
        env["REEL_SPARK_STATE"] = state
        env["SPARK_WORKER_MEMORY"] = "1g"
        environment = env
        master = "spark://127.0.0.1:\(port)"
        let r = try Self.script("start", env: env)
        guard r.status == 0 else {
            _ = try? Self.script("stop", env: env)  // whatever did start must not outlive the test
            throw HeldOut.Bad.format("local-cluster.sh start failed: \(r.output)")
        }
    }

    func stop() {
        _ = try? Self.script("stop", env: environment)
    }

    /// No Spark process of this cluster is left after `stop`.
    var processesLeft: Int {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/pgrep")
        p.arguments = ["-f", environment["REEL_SPARK_STATE"]!]
        let out = Pipe()
        p.standardOutput = out
        try? p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return text.split(separator: "\n").count
    }

    private static func script(_ verb: String, env: [String: String]) throws -> (status: Int32, output: String) {
        try runCapturing(SparkEnvironment.repository + "/pipeline/spark/local-cluster.sh", [verb], env: env)
    }
}
