import ReelCore

/// `lakehouse/inbox/events/`: where a shipper, an application or an operator
/// drops NDJSON files for the nightly job to ingest.
///
/// A file is *pending* until a run ingested it; `ingest` then moves it to
/// `done/<run-id>/` (same relative path), so the next run does not read it
/// again and the operator can see what went in when. A crash between ingest
/// and the move leaves the file pending: the next run reads it again and
/// every event counts as a duplicate (ingest is exactly-once by event id), so
/// nothing is lost or doubled. Writers should drop a file atomically (write it
/// as `.name`, then rename): names starting with `.` or `_` are never read.
public enum EventInbox {
    /// The folder (under the inbox) that ingested files are moved to.
    public static let doneFolder = "done"

    /// What the inbox holds now.
    public struct Pending: Sendable, Equatable {
        /// Event files (`*.ndjson`, `*.ndjson.zst`) not yet ingested, in walk order.
        public var files: [String] = []
        /// Other files (left where they are and named in the report).
        public var ignored: [String] = []
    }

    public static func directory(_ home: ReelHome) -> String { EventLayout.inbox(home) }

    /// `done/<runID>/` under the inbox.
    public static func doneDirectory(_ home: ReelHome, run: String) -> String {
        Path.join(directory(home), doneFolder, run)
    }

    /// The pending files, or nil when there is no inbox folder.
    public static func pending(home: ReelHome) throws -> Pending? {
        let inbox = directory(home)
        guard FileSystem.isDirectory(inbox) else { return nil }
        var pending = Pending()
        for name in FileSystem.list(inbox) where name != doneFolder && !name.hasPrefix(".") && !name.hasPrefix("_") {
            let path = Path.join(inbox, name)
            if FileSystem.isDirectory(path) {
                let (inputs, ignored) = try EventInput.resolve([path])
                pending.files += inputs.map(\.name)
                pending.ignored += ignored
            } else if EventInput.isEventFileName(name) {
                pending.files.append(path)
            } else {
                pending.ignored.append(path)
            }
        }
        return pending
    }

    /// One line per pending file — path under the inbox, size, modification
    /// time — or "no inbox": what the nightly ingest stage is keyed on.
    public static func listing(home: ReelHome) throws -> String {
        guard let pending = try pending(home: home) else { return "no inbox\n" }
        let prefix = directory(home).count + 1
        return pending.files.map { path in
            "\(path.dropFirst(prefix)) \(FileSystem.size(path) ?? -1) \(FileSystem.modificationTime(path) ?? -1)\n"
        }.joined()
    }

    /// Ingests every pending file, then moves each to `done/<run-id>/`.
    /// The run id (`options.runID`, or a new one) also names the part files
    /// and the quarantine folder. Nil when there is no inbox folder.
    public static func ingest(home: ReelHome, options: EventIngestOptions = EventIngestOptions()) throws -> EventIngestReport? {
        guard let pending = try pending(home: home) else { return nil }
        var options = options
        let runID = try options.runID.map { try RunID.validated($0) } ?? Clock.runID()
        options.runID = runID
        var report = try EventIngest.run(home: home, inputs: pending.files.map(EventInput.file), options: options)
        report.ignoredFiles = pending.ignored
        try archive(pending.files, home: home, run: runID)
        return report
    }

    /// Moves `files` (paths under the inbox) to `done/<run>/`, keeping their
    /// relative paths (a `view/` folder still declares the type there), and
    /// flushes both sides' directory entries.
    static func archive(_ files: [String], home: ReelHome, run: String) throws {
        let inbox = directory(home), done = doneDirectory(home, run: run)
        var touched = Set<String>()
        for path in files {
            let target = Path.join(done, String(path.dropFirst(inbox.count + 1)))
            try FileSystem.createDirectory(Path.parent(target))
            try FileSystem.rename(path, target)
            touched.insert(Path.parent(path))
            touched.insert(Path.parent(target))
        }
        for dir in touched.sorted() { try FileSystem.fsyncDirectory(dir) }
    }
}
