import ArgumentParser
import ReelCore
import ReelLakehouse

/// `reel events …`: the bronze event partitions (view, click, rating).
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Ingest view/click/rating events into bronze date partitions, and count them.",
        discussion: """
            Events land as lakehouse/bronze/events/<type>/date=YYYY-MM-DD/*.ndjson, one JSON object per \
            line, validated against schemas/events/*.schema.json. See docs/events.md.

            Examples:
              reel events ingest --from /var/spool/reel/events
              reel events stats
            """,
        subcommands: [Ingest.self, Stats.self]
    )

    struct Ingest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate NDJSON events and add them, exactly once, to the bronze partitions.",
            discussion: """
                Every line is checked against the event schemas. Accepted events go to \
                <type>/date=<UTC date of ts>/part-<run-id>.ndjson (each file written atomically); an \
                event whose event_id is already in bronze (this run, an earlier file or an earlier run) \
                counts as a duplicate; rejected lines go to \
                lakehouse/quarantine/<run-id>/events.rejects.ndjson with their line number and rule.

                Inputs may be zstd-compressed (.ndjson.zst, or zstd on stdin). A folder is read for \
                every *.ndjson and *.ndjson.zst below it; with no --from, the files waiting in \
                lakehouse/inbox/events/ (not its done/ folder; they stay where they are, while \
                `reel nightly` moves what it ingested to done/<run-id>/). The report reconciles: \
                read = accepted + rejected + duplicate.

                Examples:
                  reel events ingest --from landing/2019-11-21/
                  zstdcat events.ndjson.zst | reel events ingest --from -
                """
        )
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("from"), help: ArgumentHelp("A file, a folder, or - for stdin (repeatable).", valueName: "path"))
        var sources: [String] = []
        @Option(help: ArgumentHelp("Run id naming the part files and the quarantine folder (default: a new one).", valueName: "id"))
        var runID: String?
        @Flag(help: "Print the report as JSON on stdout instead of a table.")
        var json = false

        /// A run id names folders: a path in it is a usage error (exit 64).
        func validate() throws {
            if let runID, !RunID.isValid(runID) {
                throw ValidationError("--run-id '\(runID)' is not a run id: use 1–64 characters of [A-Za-z0-9._-], not starting with '.'")
            }
        }

        func run() async throws {
            try await runReel {
                let home = try global.homeOrEmptyFolder()
                let report = try EventIngest.run(
                    home: home, sources: sources,
                    options: EventIngestOptions(runID: runID))
                print(json ? CLIJSON.styled(report.json()) : report.render(), terminator: json ? "\n" : "")
            }
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count the events in bronze per type and date.",
            discussion: "Counts lines in every partition (no validation).\n\nExample:\n  reel events stats --root /srv/reel"
        )
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReel {
                print(EventStats.render(try EventStats.collect(home: global.home())), terminator: "")
            }
        }
    }
}
