import ReelCore

/// Settings of one ingest run.
public struct EventIngestOptions: Sendable {
    /// Names the part files (`part-<run-id>.ndjson`) and the quarantine folder;
    /// default `Clock.runID()`.
    public var runID: String?
    /// Compiled schemas; default: found with `EventSchemaLocator`.
    public var schemas: EventSchemaSet?
    /// Validation threads; default: one per core.
    public var workers: Int?
    /// Bytes validated per step (bounded memory for streamed inputs).
    public var chunkSize: Int = 8 << 20
    /// The run's clock (Unix seconds): an event whose `ts` is after it, plus
    /// the contract's tolerance, is quarantined as `timestamp_in_future`.
    public var now: Int64 = Clock.now()
    /// The bronze contract whose ratings time rules events must pass;
    /// default: found with `ContractLocator`.
    public var contract: BronzeContract?

    public init(runID: String? = nil, schemas: EventSchemaSet? = nil, workers: Int? = nil) {
        self.runID = runID
        self.schemas = schemas
        self.workers = workers
    }
}

/// `reel events ingest`: validated, exactly-once ingest of NDJSON events into
/// the bronze date partitions.
///
/// Every line is validated against the loaded schemas (on all cores); an
/// accepted event whose `event_id` is already in bronze — from an earlier
/// run, an earlier file or earlier in the same file — is counted as a
/// duplicate; an event that passes the schema but breaks the bronze
/// contract's time rules (`timestamp_too_old`, `timestamp_in_future`: `ts`
/// after this run's clock plus the contract's tolerance) is rejected, so it
/// never reaches bronze, where it would fail every later ETL; the others go to `<type>/date=<UTC date of ts>/part-<run>.ndjson`,
/// each part written atomically; rejected lines go to the quarantine with
/// their line number and rule. The report reconciles: read = accepted +
/// rejected + duplicate, per type and in total.
public enum EventIngest {
    /// Ingests `sources` (files, folders, or `-` for stdin). With no sources,
    /// reads the files pending in the inbox `lakehouse/inbox/events/` when it
    /// exists (not its `done/` folder), and leaves them there: the nightly job
    /// uses `EventInbox.ingest`, which also moves them to `done/<run-id>/`.
    public static func run(home: ReelHome, sources: [String], options: EventIngestOptions = EventIngestOptions()) throws -> EventIngestReport {
        let inputs: [EventInput], ignored: [String]
        if sources.isEmpty {
            let pending = try EventInbox.pending(home: home) ?? EventInbox.Pending()
            (inputs, ignored) = (pending.files.map(EventInput.file), pending.ignored)
        } else {
            (inputs, ignored) = try EventInput.resolve(sources)
        }
        var report = try run(home: home, inputs: inputs, options: options)
        report.ignoredFiles = ignored
        for path in ignored.prefix(3) { Console.warn("events", "ignored \(path): not *.ndjson or *.ndjson.zst") }
        return report
    }

    /// Ingests already resolved inputs.
    public static func run(home: ReelHome, inputs: [EventInput], options: EventIngestOptions = EventIngestOptions()) throws -> EventIngestReport {
        let start = Clock.monotonic()
        let schemas = try options.schemas ?? EventSchemaSet.locate(home: home)
        let runID = try options.runID.map { try RunID.validated($0) } ?? Clock.runID()
        let lock = try EventIngestLock.acquire(home: home)
        defer { withExtendedLifetime(lock) {} }

        let validator = ParallelLineValidator(schemas: schemas, workers: options.workers)
        // After the schema, the contract's time rules (the ETL applies the same ones).
        let contract = try options.contract ?? BronzeContract.load(home: home)
        let timeRules = try EventRowRules(ratings: try contract.table("ratings"), runClock: options.now, timeOnly: true)
        let admission = ParallelLineValidator.Admission(rules: timeRules, firstCode: UInt16(schemas.ruleNames.count))
        func ruleName(_ code: UInt16) -> String {
            Int(code) < schemas.ruleNames.count ? schemas.ruleName(code) : timeRules.names[Int(code) - schemas.ruleNames.count]
        }
        var ids = EventIDSet(expected: 1 << 16)
        let loaded = try EventIDIndex.loadAll(home: home, validator: validator, into: &ids)
        var report = EventIngestReport(runID: runID)
        report.knownIDs = loaded.ids
        report.rebuiltIndexes = loaded.rebuilt

        var counts = [EventCounts](repeating: EventCounts(), count: EventType.allCases.count)
        var untyped = EventCounts()
        var ruleCounts = [Int](repeating: 0, count: schemas.ruleNames.count + timeRules.names.count)
        var partitions = EventPartitionBuffers()
        var quarantine = EventQuarantineWriter()
        let progress = Progress(stage: "events", total: 0, unit: "lines ingested")
        var unreported = 0  // progress lines start after 2 s, so short runs stay quiet

        for input in inputs {
            report.sources.append(input.name)
            let fileType = input.declaredType
            let quotedSource = JSONValue.quoted(input.name)
            var lineBase = 0
            try EventChunks.forEach(input, chunkSize: options.chunkSize) { chunk in
                let used = validator.validate(chunk, fileType: fileType, admission: admission)
                let slices = validator.slices
                var lines = 0
                for w in 0..<used {
                    let slice = slices[w]
                    for k in 0..<slice.accepted.count {
                        let r = slice.accepted[k]
                        let t = r.type.index
                        counts[t].read += 1
                        if ids.insert(r.idHigh, r.idLow) {
                            counts[t].accepted += 1
                            let span = slice.acceptedSpans[k]
                            partitions.append(r, line: UnsafeRawBufferPointer(rebasing: chunk[span.offset..<span.offset + span.length]))
                        } else {
                            counts[t].duplicate += 1
                        }
                    }
                    for rejected in slice.rejected {
                        if let t = rejected.type?.index {
                            counts[t].read += 1
                            counts[t].rejected += 1
                        } else {
                            untyped.read += 1
                            untyped.rejected += 1
                        }
                        ruleCounts[Int(rejected.rule)] += 1
                        let span = rejected.span
                        quarantine.add(
                            line: lineBase + rejected.line + 1, quotedSource: quotedSource,
                            rule: ruleName(rejected.rule),
                            original: UnsafeRawBufferPointer(rebasing: chunk[span.offset..<span.offset + span.length]))
                    }
                    lineBase += slice.lines
                    lines += slice.lines
                }
                unreported += lines
                if Clock.monotonic() - start > 2 {
                    progress.advance(unreported)
                    unreported = 0
                }
            }
        }

        report.partitionsWritten = try partitions.write(home: home, runID: runID, schemas: schemas)
        report.quarantineFile = try quarantine.write(home: home, runID: runID)
        for t in EventType.allCases { report.byType[t] = counts[t.index] }
        report.untyped = untyped
        for (code, n) in ruleCounts.enumerated() where n > 0 { report.rejectedByRule[ruleName(UInt16(code))] = n }
        report.seconds = Clock.monotonic() - start
        return report
    }
}
