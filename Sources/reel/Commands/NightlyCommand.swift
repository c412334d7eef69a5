import ArgumentParser
import ReelCore
import ReelPipeline
import ReelSettings

struct NightlyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nightly",
        abstract: "The nightly job: validate → ingest → etl → tune → train → evaluate → publish → prune, under one lock.",
        discussion: """
            What cron or the systemd timer runs (pipeline/crontab, pipeline/systemd/). One process, one \
            lock (output/.reel.lock): a second run exits at once with code 3. Each stage is skipped when \
            its inputs and settings are unchanged since its last success (content fingerprints), unless \
            --force. A failing stage is named, the exit code is non-zero and the previous release keeps \
            serving; transient I/O errors are retried (nightly.retries). The quality gate refuses to \
            publish a model whose NDCG@10 falls more than gate.ndcg_margin below the current release's \
            (exit code 4) unless --force-publish.

            The ingest stage reads the event files waiting in lakehouse/inbox/events/ (as `reel events \
            ingest` does: validated, exactly once by event id, rejects quarantined), then moves them to \
            lakehouse/inbox/events/done/<run-id>/ so they are not read again. It is skipped when there is \
            no inbox or nothing new in it. New events change the ETL's input, so etl and everything \
            after it run again: view, click and rating events feed trending, rating events join the \
            ratings the model trains on (docs/events.md).

            The etl and publish stages also write the Delta tables analysts read, lakehouse/silver/<table> \
            and lakehouse/gold/<table> (docs/lakehouse-formats.md); prune vacuums them, keeping versions \
            of the last lakehouse.retention_days days readable. If the gold tables fail after a release \
            was published, that release stays current and the publish stage fails saying so.

            The tune stage runs `reel tune` when it is due: never tuned, silver grew by more than \
            tuning.growth (10%) since the last tuning, or the last tuning is tuning.max_age_days (7) old; \
            --tune forces it, tuning.nightly = false turns the schedule off. The stages after it train \
            and evaluate with the chosen settings (docs/model.md, "Tuning").

            Every run writes output/runs/<run-id>/run.json (`reel runs`), Prometheus textfile metrics in \
            output/metrics/reel_nightly.prom, and, when MLFLOW_TRACKING_URI is set, an MLflow run.

            Exit codes (the table below): 0 success, 1 a stage failed, 2 an input is missing, 3 another \
            run holds the lock, 4 quality gate, 64 usage (e.g. an unknown stage name; nothing is written).

            Examples:
              reel nightly
              reel nightly --force                 # rerun every stage
              mv spool/events-2019-11-21.ndjson lakehouse/inbox/events/ && reel nightly
              reel nightly --from train            # reuse bronze/silver as they are
              reel nightly --only publish --force-publish
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Run every stage even when its inputs are unchanged.")
    var force = false
    @Option(help: ArgumentHelp("Start at this stage: \(Nightly.stageNames.joined(separator: ", ")).", valueName: "stage"))
    var from: String?
    @Option(help: ArgumentHelp("Run only this stage.", valueName: "stage"))
    var only: String?
    @Flag(name: .customLong("force-publish"), help: "Publish even when the quality gate would block.")
    var forcePublish = false
    @Flag(help: "Run the tune stage now, whatever its schedule (tuning.nightly, tuning.growth, tuning.max_age_days).")
    var tune = false

    /// Stage names are checked while parsing, before any lock, run record or metric exists: a
    /// typo (`--from trian`) must not leave a record stuck at `running` or a failed-run metric
    /// that would page the on-call.
    func validate() throws {
        for (flag, value) in [("--from", from), ("--only", only)] {
            guard let value, !Nightly.stageNames.contains(value) else { continue }
            throw ValidationError(
                "unknown stage '\(value)' for \(flag)\(Suggestion.hint(for: value, in: Nightly.stageNames)) "
                    + "(stages: \(Nightly.stageNames.joined(separator: ", ")))")
        }
        if from != nil && only != nil { throw ValidationError("give --from or --only, not both") }
    }

    func run() async throws {
        try await runReel {
            let home = try global.existingHome()
            let config = try global.config(home)
            var options = NightlyOptions()
            options.selection.force = force
            options.selection.from = from
            options.selection.only = only
            options.selection.retries = config.int(.nightlyRetries)
            options.selection.retryDelay = config.double(.nightlyRetryDelaySeconds)
            options.selection.injectFailure = ProcessEnvironment.all()["REEL_FAIL_STAGE"]
            options.forcePublish = forcePublish
            options.forceTune = tune
            let record = try Nightly(home: home, config: config, options: options).run()
            print("run \(record.runID): \(record.outcome)" + (record.releaseID.map { ", release \($0)" } ?? ""))
        }
    }
}

struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "Nightly run records (output/runs): list, show, compare.",
        discussion: """
            Each `reel nightly` writes output/runs/<run-id>/run.json: params, metrics, stage timings,
            row and reject counts, input fingerprints, release id and outcome.

            Examples:
              reel runs list
              reel runs show 20261125T021500Z-3fa2
              reel runs compare <older-id> <newer-id>
            """,
        subcommands: [List.self, Show.self, Compare.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One line per run, oldest first.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Show only the newest N runs.") var last: Int?
        @Flag(help: "Print the run records as one JSON array (camelCase keys).") var json = false

        func run() async throws {
            try await runReel {
                let store = RunStore(home: global.home())
                var ids = store.list()
                if let last { ids = Array(ids.suffix(max(0, last))) }
                guard !ids.isEmpty else { throw ReelError(.notFound, "no runs yet under \(store.home.runs): run `reel nightly`") }
                let records = try ids.map(store.load)
                if json {
                    print(CLIJSON.styled("[" + records.map { $0.json() }.joined(separator: ",") + "]"))
                    return
                }
                print(RunReport.table(records), terminator: "")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Everything one run recorded.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Run id (default: the newest).") var id: String?
        @Flag(help: "Print the run record as JSON (run.json's fields, camelCase).") var json = false

        func run() async throws {
            try await runReel {
                let store = RunStore(home: global.home())
                guard let id = id ?? store.list().last else { throw ReelError(.notFound, "no runs yet under \(store.home.runs)") }
                let record = try store.load(id)
                print(json ? CLIJSON.styled(record.json()) : RunReport.show(record), terminator: json ? "\n" : "")
            }
        }
    }

    struct Compare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Params and metrics of two runs side by side, with deltas.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The older run id.") var a: String
        @Argument(help: "The newer run id.") var b: String

        func run() async throws {
            try await runReel {
                let store = RunStore(home: global.home())
                print(RunReport.compare(try store.load(a), try store.load(b)), terminator: "")
            }
        }
    }
}
