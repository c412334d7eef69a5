import ReelCore
import ReelSilver

/// The state of one run: reports, phases, the keys later tables reference,
/// quarantine files. The pipeline itself is in ETLRun+Tables.swift.
struct ETLRun {
    let home: ReelHome
    let options: ETLOptions
    let contract: BronzeContract
    /// The `schemas/` folder the contract came from (the event schemas are in its `events/`).
    let schemasDirectory: String
    let runID: String
    let startedAt = Clock.now()
    let start = Clock.monotonic()
    var reports: [TableReport] = []
    var phases: [ETLReport.Phase] = []
    var references: [String: DenseIDIndex] = [:]
    /// Quarantine file written per table.
    var quarantined: [String: String] = [:]
    /// The open (Delta) silver tables being written (ETLRun+OpenTables.swift).
    var openTables: OpenTableWriter?
    /// The events this run read, for the open `events` table.
    var openTableEvents: ETLEvents?

    init(home: ReelHome, options: ETLOptions) throws {
        self.home = home
        self.options = options
        let schemas = try options.schemasDirectory ?? ContractLocator.schemasDirectory(home: home)
        schemasDirectory = schemas
        contract = try BronzeContract.load(schemasDirectory: schemas)
        var id = Clock.runID()
        while FileSystem.exists(Path.join(home.silverVersions, id)) || FileSystem.exists(home.quarantine(run: id)) {
            id = Clock.runID()
        }
        runID = id
    }

    var quarantineDirectory: String { home.quarantine(run: runID) }

    /// Maps, header-checks, scans and validates one table.
    mutating func parse<Sink: RowSink>(
        _ table: BronzeTable, releasePages: Bool = false,
        makeSink: @escaping @Sendable (Int) -> Sink
    ) throws -> TableParse<Sink> {
        let began = ETLReport.PhaseStart()
        let file = try BronzeFile.open(table, directory: home.bronzeMovieLens, contractPath: contract.path)
        let validator = try RowValidator(table: table, runClock: options.now, references: references)
        // Progress (bytes, rate, ETA) only where it helps: files of 16 MB and more.
        let progress =
            file.bytes.count >= 1 << 24
            ? Progress(stage: "etl \(table.file)", total: file.bytes.count, unit: "bytes") : nil
        progress?.advance(file.dataStart)
        let result = TableParser.parse(
            bytes: file.bytes, dataStart: file.dataStart, firstLine: file.firstLine,
            validator: validator, threads: options.threads, progress: progress,
            releasePages: releasePages, makeSink: makeSink)
        progress?.finish()
        phase("\(table.name)_parse", since: began)
        return result
    }

    /// Quarantines a table's rejects (once) and fails the run when there are
    /// too many. Returns the quarantine file, if any.
    @discardableResult
    mutating func checkRejects<Sink>(_ table: BronzeTable, _ parse: TableParse<Sink>) throws -> String? {
        guard parse.rejects.count > 0 else { return nil }
        let path: String
        if let written = quarantined[table.name] {
            path = written
        } else {
            path = try Quarantine.write(parse.rejects, ruleNames: table.ruleNames, table: table.name, directory: quarantineDirectory)
            quarantined[table.name] = path
        }
        let rate = Double(parse.rejects.count) / Double(max(parse.read, 1))
        guard rate <= options.rejectThreshold else {
            let byRule = zip(table.ruleNames, parse.rejects.countsByRule).filter { $0.1 > 0 }.map { "\($0.0) \(Console.count($0.1))" }
            throw ReelError(
                .invalidInput,
                """
                \(table.file): \(Console.count(parse.rejects.count)) of \(Console.count(parse.read)) rows rejected \
                (\(Console.fixed(rate * 100, 2))%), above the reject threshold of \(Console.fixed(options.rejectThreshold * 100, 2))% \
                (\(byRule.joined(separator: ", "))); rejected rows are in \(path); silver was not changed
                """)
        }
        return path
    }

    /// Records a table's reconciliation (after quarantining its rejects).
    mutating func finish<Sink>(
        _ table: BronzeTable, _ parse: TableParse<Sink>, accepted: Int, deduplicated: Int,
        extraSeconds: Double = 0
    ) throws {
        var report = TableReport(
            table: table.name, file: table.file, read: parse.read, accepted: accepted,
            deduplicated: deduplicated, rejects: parse.rejects, ruleNames: table.ruleNames,
            seconds: (phases.last { $0.name == "\(table.name)_parse" }?.seconds ?? 0) + extraSeconds)
        report.quarantineFile = try checkRejects(table, parse)
        try record(report)
    }

    /// Checks that a table's report reconciles, logs it and keeps it.
    mutating func record(_ report: TableReport) throws {
        guard report.reconciles else {
            throw ReelError(
                .io,
                "internal error: \(report.file) does not reconcile (read \(report.read) ≠ accepted \(report.accepted) + rejected \(report.rejected) + deduplicated \(report.deduplicated))"
            )
        }
        let byRule = report.rejectedByRule.filter { $0.count > 0 }.map { "\($0.rule) \(Console.count($0.count))" }
        Console.info(
            "etl",
            "\(report.file): read \(Console.count(report.read)), accepted \(Console.count(report.accepted)), "
                + "rejected \(Console.count(report.rejected))\(byRule.isEmpty ? "" : " (\(byRule.joined(separator: ", ")))"), "
                + "deduplicated \(Console.count(report.deduplicated)) in \(Console.duration(report.seconds))")
        reports.append(report)
    }

    mutating func phase(_ name: String, since: ETLReport.PhaseStart) {
        recordPhase(since.finished(name))
    }

    /// Keeps a finished phase, its start made relative to the run's.
    mutating func recordPhase(_ phase: ETLReport.Phase) {
        var phase = phase
        phase.startSeconds -= start
        phases.append(phase)
    }

    /// Commits the open tables, adds report.json to the complete staging
    /// folder, renames it into place, switches `current` and prunes old
    /// versions (all but `keepVersions`, never the current one).
    mutating func publish(staging: String, manifest: SilverManifest) throws -> ETLReport {
        let openVersions = try commitOpenTables()
        let manifestBytes = try FileSystem.readBytes(Path.join(staging, SilverFormat.manifestName))
        var report = ETLReport(
            runID: runID, versionID: runID, versionDirectory: Path.join(home.silverVersions, runID),
            fingerprint: XXH3.hex(XXH3.hash(manifestBytes)), runClock: options.now,
            startedAt: Clock.iso8601(startedAt), finishedAt: Clock.iso8601(Clock.now()),
            rejectThreshold: options.rejectThreshold, threads: options.threads, contract: contract.path,
            tables: reports, quarantineDirectory: quarantined.isEmpty ? nil : quarantineDirectory,
            counts: manifest.counts, phases: phases, seconds: Clock.monotonic() - start,
            peakRSSBytes: ProcessMemory.peakResidentBytes())
        report.openTables = openVersions.isEmpty ? nil : openVersions
        try FileSystem.writeAtomically(Path.join(staging, SilverFormat.reportName), text: report.json())
        try SilverVersions.publish(staging: staging, runID: runID, home: home)
        // The run has succeeded: a version that cannot be pruned is only worth a warning.
        do {
            let pruned = try SilverVersions.prune(home: home, keep: options.keepVersions)
            if !pruned.isEmpty { Console.info("etl", "pruned old silver versions (deleted by the next run): \(pruned.joined(separator: ", "))") }
        } catch let e as ReelError {
            Console.warn("etl", "could not prune old silver versions: \(e.message)")
        }
        Console.info(
            "etl",
            "silver version \(runID) is current (\(Console.count(manifest.counts.ratings)) ratings, "
                + "fingerprint \(report.fingerprint)) in \(Console.duration(report.seconds)), "
                + "peak memory \(Console.bytes(report.peakRSSBytes))")
        return report
    }
}
