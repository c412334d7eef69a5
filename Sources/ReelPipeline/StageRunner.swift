import Foundation
import ReelCore

/// One step of the nightly job.
public struct Stage {
    public let name: String
    /// xxh3 over everything the stage reads (input files' fingerprints and the
    /// settings it uses). Computed just before the stage would run, after its
    /// upstream stages, so a changed input re-runs exactly the stages downstream.
    public let fingerprint: () throws -> UInt64
    /// Whether the stage's outputs are still there (a skipped stage must not
    /// leave the next one without input).
    public let outputsPresent: () -> Bool
    /// Why there is nothing to do (e.g. no inbox), or nil: a reason skips the
    /// stage whatever its fingerprint, even under `--force`.
    public let nothingToDo: () throws -> String?
    /// Does the work; returns a one-line summary for the log and the run record.
    public let run: (inout RunRecord) throws -> String

    public init(
        name: String, fingerprint: @escaping () throws -> UInt64,
        outputsPresent: @escaping () -> Bool = { true },
        nothingToDo: @escaping () throws -> String? = { nil },
        run: @escaping (inout RunRecord) throws -> String
    ) {
        self.name = name
        self.fingerprint = fingerprint
        self.outputsPresent = outputsPresent
        self.nothingToDo = nothingToDo
        self.run = run
    }
}

/// Operator controls of a run.
public struct StageSelection: Sendable {
    /// Run every stage even when its inputs are unchanged.
    public var force = false
    /// Start at this stage (earlier ones are not run, their outputs are used as they are).
    public var from: String?
    /// Run only this stage.
    public var only: String?
    public var retries = 2
    public var retryDelay = 5.0
    /// For tests and drills: the stage named here fails (like `REEL_FAIL_STAGE=train`).
    public var injectFailure: String?

    public init() {}
}

/// Runs stages in order with skip-if-unchanged, bounded retries of transient
/// I/O errors, and a run record saved after every stage. The last successful
/// fingerprint of each stage lives in `output/runs/stages.json`.
public struct StageRunner {
    public let home: ReelHome
    public let store: RunStore
    var statePath: String { Path.join(home.runs, "stages.json") }

    public init(home: ReelHome) {
        self.home = home
        self.store = RunStore(home: home)
    }

    public func loadState() -> [String: String] {
        guard let bytes = try? FileSystem.readBytes(statePath),
            let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: String]
        else { return [:] }
        return object
    }

    func saveState(_ state: [String: String]) throws {
        let data = try JSONSerialization.data(withJSONObject: state, options: [.prettyPrinted, .sortedKeys])
        try FileSystem.writeAtomically(statePath, bytes: [UInt8](data))
    }

    /// Runs `stages`, updating `record` (saved after each stage). Throws the
    /// failing stage's error after recording it; the caller decides the exit code.
    public func run(_ stages: [Stage], selection: StageSelection, record: inout RunRecord) throws {
        let names = stages.map(\.name)
        for name in [selection.from, selection.only].compactMap({ $0 }) where !names.contains(name) {
            throw ReelError(.usage, "unknown stage '\(name)'; stages are: \(names.joined(separator: ", "))")
        }
        var state = loadState()
        var started = selection.from == nil
        for stage in stages {
            if stage.name == selection.from { started = true }
            if let only = selection.only, stage.name != only { continue }
            if !started { continue }
            let begin = Clock.monotonic()
            let startedAt = Clock.iso8601(Clock.now())
            var attempts = 0
            do {
                if let reason = try stage.nothingToDo() {
                    Console.info(stage.name, "skipped: \(reason)")
                    record.stages.append(
                        .init(
                            name: stage.name, status: "skipped", startedAt: startedAt,
                            durationSeconds: Clock.monotonic() - begin, detail: reason, attempts: 0))
                    try store.save(record)
                    continue
                }
                let fingerprint = try stage.fingerprint()
                let hex = XXH3.hex(fingerprint)
                record.fingerprints[stage.name] = hex
                if !selection.force, state[stage.name] == hex, stage.outputsPresent() {
                    Console.info(stage.name, "skipped: inputs and settings unchanged since its last success (\(hex))")
                    record.stages.append(
                        .init(
                            name: stage.name, status: "skipped", startedAt: startedAt,
                            durationSeconds: Clock.monotonic() - begin, detail: "unchanged", attempts: 0))
                    try store.save(record)
                    continue
                }
                Console.info(stage.name, "started")
                var detail = ""
                while true {
                    attempts += 1
                    do {
                        if selection.injectFailure == stage.name {
                            throw ReelError(.invalidInput, "injected failure (REEL_FAIL_STAGE=\(stage.name))")
                        }
                        detail = try stage.run(&record)
                        break
                    } catch let e as ReelError where e.kind == .io && attempts <= selection.retries {
                        let pause = selection.retryDelay * Double(1 << (attempts - 1))
                        Console.warn(
                            stage.name, "transient error, retry \(attempts)/\(selection.retries) in \(Console.fixed(pause, 1)) s: \(e.message)")
                        usleep(UInt32(min(pause, 3600) * 1_000_000))
                    }
                }
                // Fingerprint again: a stage may have produced the inputs it is keyed on (e.g. the bronze manifest).
                let after = XXH3.hex(try stage.fingerprint())
                state[stage.name] = after
                record.fingerprints[stage.name] = after
                try saveState(state)
                let seconds = Clock.monotonic() - begin
                Console.info(stage.name, "done in \(Console.duration(seconds)): \(detail)")
                record.stages.append(
                    .init(
                        name: stage.name, status: "ran", startedAt: startedAt,
                        durationSeconds: seconds, detail: detail, attempts: attempts))
                try store.save(record)
            } catch {
                let message = (error as? ReelError)?.message ?? "\(error)"
                let gate = (error as? ReelError)?.kind == .qualityGate
                record.stages.append(
                    .init(
                        name: stage.name, status: gate ? "blocked" : "failed", startedAt: startedAt,
                        durationSeconds: Clock.monotonic() - begin, detail: message, attempts: max(attempts, 1)))
                record.failedStage = stage.name
                record.error = message
                record.outcome = gate ? "gate_blocked" : "failed"
                record.finishedAt = Clock.iso8601(Clock.now())
                try? store.save(record)
                throw error
            }
        }
        record.outcome = "success"
        record.finishedAt = Clock.iso8601(Clock.now())
        try store.save(record)
    }
}
