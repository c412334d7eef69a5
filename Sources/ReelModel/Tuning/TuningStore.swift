import ReelCore

/// Tuning records under `output/tuning/<id>/tuning.json`, with
/// `output/tuning/latest` pointing at the newest. Records are kept (they are
/// small) so `reel tune --show` and the docs can compare searches over time.
public enum TuningStore {
    public static let fileName = "tuning.json"

    public static func directory(home: ReelHome) -> String { Path.join(home.output, "tuning") }
    public static func latestLink(home: ReelHome) -> String { Path.join(directory(home: home), "latest") }

    /// Writes the record atomically, then points `latest` at it. Returns its path.
    @discardableResult
    public static func save(_ record: TuningRecord, home: ReelHome) throws -> String {
        let dir = Path.join(directory(home: home), record.tuningID)
        try FileSystem.createDirectory(dir)
        let path = Path.join(dir, fileName)
        try FileSystem.writeAtomically(path, text: JSONText.encode(record) + "\n")
        try FileSystem.replaceSymlink(latestLink(home: home), target: record.tuningID)
        return path
    }

    /// The path of the newest record, or nil before the first tuning.
    /// Resolved through the link, so what cites it (`reel config show`, run records) names the record itself.
    public static func latestPath(home: ReelHome) -> String? {
        guard let id = FileSystem.readLink(latestLink(home: home)).map(Path.basename) else { return nil }
        let p = Path.join(directory(home: home), id, fileName)
        return FileSystem.exists(p) ? p : nil
    }

    /// The newest record; a damaged one is an error naming the file.
    public static func latest(home: ReelHome) throws -> TuningRecord? {
        guard let path = latestPath(home: home) else { return nil }
        do {
            return try JSONText.decode(TuningRecord.self, from: try FileSystem.readText(path))
        } catch let e as ReelError {
            throw e
        } catch {
            throw ReelError(.corrupt, "\(path) is not a valid tuning record (\(error)); rerun `reel tune` or delete it")
        }
    }
}
