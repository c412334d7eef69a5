import Foundation
import ReelCore
import ReelLakehouse
import ReelSilver
import ReelModel
import ReelParquet
import ReelRelease
import ReelServing
import ReelSettings

/// Options of one `reel nightly` run.
public struct NightlyOptions: Sendable {
    public var selection = StageSelection()
    /// Publish even when the quality gate would block.
    public var forcePublish = false
    /// Run the tune stage whatever `TuningSchedule` says (`reel nightly --tune`).
    public var forceTune = false
    public init() {}
}

/// `reel nightly`: validate bronze → ingest the event inbox → ETL → train →
/// evaluate → publish → prune, in one process, under one lock. This is what the seed's Airflow
/// DAG, MLflow tracking and Prometheus setup did, done as a batch publisher:
/// files, standard formats, and an exit code cron understands.
///
/// Exit codes: 0 success (stages may have been skipped), 1 a stage failed
/// (the previous release keeps serving), 3 another run holds the lock, 4 the
/// quality gate blocked the publish.
public struct Nightly {
    public let home: ReelHome
    public let config: ReelConfig
    public let options: NightlyOptions

    public init(home: ReelHome, config: ReelConfig, options: NightlyOptions) {
        self.home = home
        self.config = config
        self.options = options
    }

    /// The stage names, in order (for `--from` and `--only`).
    public static let stageNames = ["validate", "ingest", "etl", "tune", "train", "evaluate", "publish", "prune"]

    @discardableResult
    public func run() throws -> RunRecord {
        // Checked before the lock, the run record and the metrics: a mistyped stage is a usage
        // error, not a failed night.
        for name in [options.selection.from, options.selection.only].compactMap({ $0 }) where !Self.stageNames.contains(name) {
            throw ReelError(.usage, "unknown stage '\(name)'; stages are: \(Self.stageNames.joined(separator: ", "))")
        }
        let lock = try RunLock.acquire(home: home, purpose: "reel nightly")
        defer { withExtendedLifetime(lock) {} }
        let runID = Clock.runID()
        var record = RunRecord(runID: runID, startedAt: Clock.iso8601(Clock.now()))
        record.params = config.flattened()
        Console.info("nightly", "run \(runID) in \(home.root)")
        let runner = StageRunner(home: home)
        var failure: Error?
        do {
            try runner.run(stages(runID: runID), selection: options.selection, record: &record)
        } catch {
            failure = error
        }
        // Skipped stages still describe the model and release being served.
        if record.metrics["ndcg_at_10"] == nil, let e = EvaluationSummary.latest(home: home) {
            for (k, v) in EvaluationSummary.metrics(e, config: config) { record.metrics[k] = v }
            if record.serving == nil { record.serving = EvaluationSummary.servingSentence(e, config: config) }
        }
        if record.releaseID == nil, failure == nil { record.releaseID = ReleaseCatalog(home: home).currentID() }
        // Likewise the rows of the silver version in use and the size of the current release, so the
        // metrics file and dashboards have no gaps on nights when nothing changed.
        if record.rows.isEmpty, let report = Self.currentETLReport(home: home) {
            for t in report.tables {
                record.rows[t.table] = ["read": t.read, "accepted": t.accepted, "rejected": t.rejected, "deduplicated": t.deduplicated]
            }
        }
        if record.releaseBytes == nil, let id = ReleaseCatalog(home: home).currentID() {
            record.releaseBytes = FileSystem.size(ReleaseCatalog(home: home).path(for: id))
        }
        try? RunStore(home: home).save(record)
        // The report beside the run record, with this run's final figures.
        try? FileSystem.writeAtomically(
            Path.join(home.runs, runID, ReportPage.runFileName),
            text: ReportPage.html(ReportPage.gather(home: home, history: ReportPage.defaultHistory)))
        try? NightlyMetrics.write(record: record, home: home, config: config)
        if let uri = ProcessEnvironment.all()["MLFLOW_TRACKING_URI"], !uri.isEmpty {
            do {
                let id = try MLflowClient(trackingURI: uri).log(record)
                Console.info("nightly", "logged to MLflow at \(MLflowClient.redacted(uri)) (run \(id))")
            } catch {
                Console.warn("nightly", "could not log to MLflow: \((error as? ReelError)?.message ?? "\(error)")")
            }
        }
        if let failure {
            let stage = record.failedStage ?? "?"
            if let e = failure as? ReelError {
                // A release published before the failure (gold tables failed) is serving; the message says so.
                let serving = record.releaseID == nil ? "; the previous release keeps serving" : ""
                throw ReelError(e.kind, "nightly run \(runID) stopped at stage '\(stage)': \(e.message)\(serving)")
            }
            throw failure
        }
        Console.info("nightly", "run \(runID) succeeded: " + record.stages.map { "\($0.name) \($0.status)" }.joined(separator: ", "))
        return record
    }

    /// The ETL report of the silver version `current` points at.
    static func currentETLReport(home: ReelHome) -> ETLReport? {
        guard let text = try? FileSystem.readText(Path.join(home.silverCurrent, SilverFormat.reportName)) else { return nil }
        return try? JSONText.decode(ETLReport.self, from: text)
    }

    // MARK: - Stages

    /// The stages of run `runID` (which also names the ingest's part files and quarantine).
    func stages(runID: String) -> [Stage] {
        let home = self.home, options = self.options
        // A var the closures share: the tune stage lays its choice over it for the stages after it.
        var config = self.config
        // Silver is opened once, after the ETL stage (run or skipped), and shared downstream.
        let silverBox = Box<SilverSnapshot>()
        func silver() throws -> SilverSnapshot {
            if let s = silverBox.value { return s }
            let s = try SilverSnapshot.open(home: home)
            silverBox.value = s
            return s
        }
        func modelFactorsPath() -> String? {
            ModelStore.latestFolder(home: home).map { Path.join($0, ModelStore.factorsFile) }
        }
        let bronze = home.bronzeMovieLens
        let publishedBox = Box<PublishResult>()

        return [
            Stage(
                name: "validate",
                fingerprint: {
                    try Fingerprint.files(in: bronze)
                },
                run: { _ in
                    try BronzeValidator.validate(dir: bronze)
                    return "bronze files, headers and checksums OK"
                }),
            Stage(
                name: "ingest",
                fingerprint: {
                    Fingerprint.hash(try EventInbox.listing(home: home))
                },
                nothingToDo: {
                    guard let pending = try EventInbox.pending(home: home) else { return "no inbox at \(EventInbox.directory(home))" }
                    return pending.files.isEmpty ? "no new files in \(EventInbox.directory(home))" : nil
                },
                run: { record in
                    guard let report = try EventInbox.ingest(home: home, options: EventIngestOptions(runID: runID)) else {
                        return "no inbox"
                    }
                    let total = report.total
                    record.rows["events_ingest"] = [
                        "read": total.read, "accepted": total.accepted,
                        "rejected": total.rejected, "deduplicated": total.duplicate,
                    ]
                    if total.rejected > 0 {
                        Console.warn("ingest", "\(Console.count(total.rejected)) event lines rejected: \(report.quarantineFile ?? "")")
                    }
                    return "\(report.sources.count) file(s) from the inbox: read \(total.read), accepted \(total.accepted), "
                        + "rejected \(total.rejected), duplicate \(total.duplicate); moved to \(EventInbox.doneDirectory(home, run: runID))"
                }),
            Stage(
                name: "etl",
                fingerprint: {
                    try Fingerprint.combine([
                        Fingerprint.files(in: bronze), Fingerprint.files(in: home.bronzeEvents),
                        Fingerprint.contract(home: home), config.fingerprint(["etl.", "trending."]),
                    ])
                },
                outputsPresent: {
                    FileSystem.exists(home.silverCurrent)
                },
                run: { record in
                    var etlOptions = config.etlOptions()
                    etlOptions.openTablesLock = .heldByCaller  // this run holds output/.reel.lock
                    let report =
                        config.trainingEngine() == .spark
                        ? try SparkETL.run(home: home, options: etlOptions, settings: config.sparkSettings())
                        : try ETL.run(home: home, options: etlOptions)
                    silverBox.value = nil
                    for t in report.tables {
                        record.rows[t.table] = ["read": t.read, "accepted": t.accepted, "rejected": t.rejected, "deduplicated": t.deduplicated]
                    }
                    return "silver \(report.versionID): " + report.tables.map { "\($0.table) \($0.accepted)/\($0.read)" }.joined(separator: ", ")
                }),
            Stage(
                name: "tune",
                fingerprint: {
                    // Always runs when due: the schedule, not the inputs, decides (nothingToDo).
                    UInt64.random(in: 0...UInt64.max)
                },
                nothingToDo: {
                    let decision = TuningSchedule(config: config).decide(
                        last: try? TuningStore.latest(home: home),
                        ratings: try silver().ratings.ratingCount,
                        now: Clock.now(), forced: options.forceTune)
                    return decision.due ? nil : decision.reason
                },
                run: { record in
                    let reason = TuningSchedule(config: config).decide(
                        last: try? TuningStore.latest(home: home),
                        ratings: try silver().ratings.ratingCount,
                        now: Clock.now(), forced: options.forceTune
                    ).reason
                    let raw = try ReelConfig.load(path: home.config)
                    let (tuning, path) = try TuningRun.run(
                        home: home, silver: silver(), config: raw,
                        options: try TuningRun.options(config: raw))
                    config = try config.applyingTuning(tuning, path: path)
                    record.params = config.flattened()
                    record.params["tuning.record"] = path
                    record.metrics["tuning_validation_ndcg_at_10"] = tuning.chosenNDCG
                    record.metrics["tuning_configured_ndcg_at_10"] = tuning.baselineNDCG
                    record.metrics["tuning_seconds"] = tuning.seconds
                    return
                        "\(reason); chose \(tuning.chosen.summary): validation NDCG@10 \(Console.fixed(tuning.chosenNDCG, 4)) (configured \(Console.fixed(tuning.baselineNDCG, 4))), \(tuning.trials.count) trials in \(Console.duration(tuning.seconds)); \(path)"
                }),
            Stage(
                name: "train",
                fingerprint: {
                    try Fingerprint.combine([silver().fingerprint, config.fingerprint(["model.", "engine."])])
                },
                outputsPresent: {
                    modelFactorsPath().map(FileSystem.exists) ?? false
                },
                run: { record in
                    if config.trainingEngine() == .spark {
                        let train = try SparkTraining.run(
                            home: home, silver: silver(), params: config.alsParams(),
                            settings: config.sparkSettings())
                        record.metrics["train_seconds"] = train.trainSeconds
                        return
                            "model \(train.runID): implicit rank \(train.params.rank), trained by Spark on \(config.string(.engineMaster)) and imported"
                    }
                    // Warm start only from a model of the same mode and rank (a changed setting starts cold).
                    let previous = try? ModelStore.latestRecord(home: home)
                    let params = config.alsParams()
                    let warm = config.bool(.modelWarmStart) && previous.map { $0.params.rank == params.rank && $0.params.mode == params.mode } == true
                    let train = try ModelTraining.run(
                        home: home, silver: silver(), params: params,
                        warmStart: warm, warmStartFrom: nil)
                    record.metrics["train_seconds"] = train.trainSeconds
                    if let last = train.iterations.last { record.metrics["train_rmse"] = last.trainRMSE }
                    return
                        "model \(train.runID): \(train.params.mode.rawValue) rank \(train.params.rank), \(train.iterations.count) iterations\(warm ? " (warm start)" : "")"
                }),
            Stage(
                name: "evaluate",
                fingerprint: {
                    try Fingerprint.combine([
                        silver().fingerprint, config.fingerprint(["model.", "evaluation.", "hybrid.", "release.k", "serving."]),
                        Fingerprint.file(modelFactorsPath() ?? ""),
                    ])
                },
                outputsPresent: {
                    EvaluationSummary.latest(home: home) != nil
                },
                run: { record in
                    // Only what the choice and the gate need (no explicit model, no test model when a baseline is served).
                    var params = config.evaluationParams()
                    params.lean = true
                    let report = try ModelEvaluation.run(home: home, silver: silver(), params: params, exportSplit: nil)
                    for (k, v) in EvaluationSummary.metrics(report, config: config) { record.metrics[k] = v }
                    record.serving = EvaluationSummary.servingSentence(report, config: config)
                    return
                        "NDCG@10 \(Console.fixed(EvaluationSummary.servedNDCG(report, config: config), 4)) (served: \(EvaluationSummary.servedMode(report, config: config))); "
                        + report.results.map { "\($0.mode) \(Console.fixed($0.ndcg, 4))" }.joined(separator: ", ")
                }),
            Stage(
                name: "publish",
                fingerprint: {
                    // The evaluation too: its chosen blend is precomputed into the release.
                    try Fingerprint.combine([
                        silver().fingerprint, Fingerprint.file(modelFactorsPath() ?? ""),
                        Fingerprint.file(modelFactorsPath().map { Path.join(Path.parent($0), ModelStore.evaluationFile) } ?? ""),
                        config.fingerprint(["release.", "gate.", "model.mode"]),
                    ])
                },
                outputsPresent: {
                    FileSystem.exists(home.currentRelease)
                },
                run: { record in
                    // A retry after a transient gold-table error writes the gold tables of the release this run published.
                    if let published = publishedBox.value {
                        return "release \(published.releaseID) is current; "
                            + (try GoldTables.write(published: published, home: home, lock: .heldByCaller)).summary
                    }
                    guard let factors = modelFactorsPath(), FileSystem.exists(factors) else {
                        throw ReelError(.notFound, "no trained model under \(home.models)")
                    }
                    let evaluation = EvaluationSummary.latest(home: home)
                    if let evaluation {
                        for (k, v) in EvaluationSummary.metrics(evaluation, config: config) where record.metrics[k] == nil { record.metrics[k] = v }
                        if record.serving == nil { record.serving = EvaluationSummary.servingSentence(evaluation, config: config) }
                    }
                    let gate = QualityGate(margin: config.double(.gateNDCGMargin))
                    let verdict = gate.check(
                        candidate: evaluation.map { EvaluationSummary.servedNDCG($0, config: config) }, current: try? Release.current(home: home))
                    record.gate = verdict.reason
                    if !verdict.pass {
                        if options.forcePublish {
                            record.gate = verdict.reason + " — overridden by --force-publish"
                            Console.warn("publish", record.gate!)
                        } else {
                            throw ReelError(.qualityGate, verdict.reason + "; pass --force-publish to publish anyway")
                        }
                    }
                    var releaseOptions = config.releaseOptions()
                    releaseOptions.served = EvaluationSummary.servedCandidate(evaluation, config: config)
                    // The evaluation report travels with the release (the daemon serves it at /report).
                    releaseOptions.reportHTML = Array(
                        ReportPage.html(
                            ReportPage.gather(
                                home: home, history: ReportPage.defaultHistory, current: record)
                        ).utf8)
                    let result = try ReleasePublisher.publish(
                        silver: silver(), factorsPath: factors, home: home,
                        options: releaseOptions,
                        metricsJSON: evaluation.map { EvaluationSummary.releaseJSON($0, config: config) },
                        keep: config.int(.releaseKeep))
                    record.releaseID = result.releaseID
                    record.releaseBytes = result.size
                    publishedBox.value = result
                    let gold = try GoldTables.write(published: result, home: home, lock: .heldByCaller)
                    return "release \(result.releaseID) (\(Console.bytes(result.size))) is current; \(verdict.reason); \(gold.summary)"
                }),
            Stage(
                name: "prune",
                fingerprint: {
                    // Always runs: cheap, and what is prunable changes with time.
                    UInt64.random(in: 0...UInt64.max)
                },
                run: { _ in
                    let runs = try RunStore(home: home).prune(keep: config.int(.runsKeep))
                    let quarantined = try QuarantineRetention.prune(home: home, keep: config.int(.runsKeep))
                    let models = try ModelRetention.prune(home: home, keep: config.int(.releaseKeep))
                    let vacuumed = try OpenTableRetention.vacuum(
                        home: home, retentionSeconds: Int64(config.int(.lakehouseRetentionDays)) * 86_400,
                        lock: .heldByCaller)
                    return
                        "removed \(runs.count) old run records, \(quarantined.count) old quarantine folders, \(models.count) old models; \(OpenTableRetention.summary(vacuumed))"
                }),
        ]
    }
}

/// A mutable slot shared by stage closures within one run.
final class Box<T>: @unchecked Sendable {
    var value: T?
}

/// Content fingerprints of stage inputs (xxh3-64).
public enum Fingerprint {
    /// Names, sizes and modification times of every file under `dir`
    /// (recursively), plus the full bytes of small manifests.
    public static func files(in dir: String) throws -> UInt64 {
        var text = ""
        func walk(_ d: String, _ prefix: String) {
            for name in FileSystem.list(d) where !name.hasPrefix(".") && !name.contains(".tmp-") {
                let p = Path.join(d, name)
                if FileSystem.isDirectory(p) { walk(p, prefix + name + "/"); continue }
                text += "\(prefix)\(name) \(FileSystem.size(p) ?? -1) \(FileSystem.modificationTime(p) ?? -1)\n"
                if name.hasSuffix(".json"), (FileSystem.size(p) ?? 0) < 1 << 20, let t = try? FileSystem.readText(p) { text += t }
            }
        }
        walk(dir, "")
        return hash(text)
    }

    /// The xxh3 of one file's bytes (0 when it does not exist).
    public static func file(_ path: String) throws -> UInt64 {
        guard FileSystem.exists(path) else { return 0 }
        let f = try MappedFile(path: path)
        return withExtendedLifetime(f) { XXH3.hash(f.bytes) }
    }

    /// The data contract the ETL loads: the bronze tables and the event schemas.
    public static func contract(home: ReelHome) throws -> UInt64 {
        let dir = try ContractLocator.schemasDirectory(home: home)
        return combine([try files(in: Path.join(dir, "lakehouse")), try files(in: Path.join(dir, "events"))])
    }

    public static func combine(_ parts: [UInt64]) -> UInt64 {
        hash(parts.map { XXH3.hex($0) }.joined(separator: ","))
    }

    static func hash(_ text: String) -> UInt64 {
        var t = text
        return t.withUTF8 { XXH3.hash(UnsafeRawBufferPointer($0)) }
    }
}

/// The nightly quality gate: a new model is not published when its NDCG@10
/// falls more than `margin` (a fraction) below the current release's.
///
/// The current release's NDCG@10 is the one recorded in its metadata when it
/// was published (its own evaluation). Both are global-temporal-split scores
/// of the served mode; with nothing to compare (first release, or a release
/// without metrics) the gate passes and says why.
public struct QualityGate: Sendable {
    public var margin: Double

    public init(margin: Double) { self.margin = margin }

    public struct Verdict: Sendable {
        public var pass: Bool
        public var reason: String
    }

    public func check(candidate: Double?, current: Release?) -> Verdict {
        guard let candidate else {
            return Verdict(pass: true, reason: "quality gate skipped: the new model has no evaluation")
        }
        guard let current else {
            return Verdict(pass: true, reason: "quality gate passed: no current release to compare with")
        }
        let meta = String(decoding: current.metadataJSON, as: UTF8.self)
        guard let baseline = EvaluationSummary.ndcg(inReleaseMeta: meta) else {
            return Verdict(pass: true, reason: "quality gate passed: current release \(current.releaseID) records no NDCG@10")
        }
        return check(candidate: candidate, baseline: baseline, against: current.releaseID)
    }

    public func check(candidate: Double, baseline: Double, against id: String) -> Verdict {
        let floor = baseline * (1 - margin)
        let text =
            "NDCG@10 \(Console.fixed(candidate, 4)) vs \(Console.fixed(baseline, 4)) of release \(id) (floor \(Console.fixed(floor, 4)) at margin \(Console.fixed(100 * margin, 1))%)"
        return candidate + 1e-12 >= floor
            ? Verdict(pass: true, reason: "quality gate passed: " + text)
            : Verdict(pass: false, reason: "quality gate blocked the publish: " + text)
    }
}

/// Keeps the newest `keep` model runs (and the one `latest` points at).
public enum ModelRetention {
    public static func prune(home: ReelHome, keep: Int) throws -> [String] {
        let latest = FileSystem.readLink(home.latestModel).map(Path.basename)
        let runs = FileSystem.list(home.models).filter {
            $0 != "latest" && !$0.contains(".tmp") && FileSystem.isDirectory(Path.join(home.models, $0))
        }
        guard runs.count > keep else { return [] }
        let doomed = runs.prefix(runs.count - keep).filter { $0 != latest }
        for id in doomed { try FileSystem.removeTree(Path.join(home.models, id)) }
        return Array(doomed)
    }
}
