import ReelCore
import ReelLakehouse
import ReelParquet
import ReelServing

/// The `model_runs` row of a release: what its `meta` section says about the
/// model run it serves (run id, fingerprints, parameters, metrics), parsed
/// with ReelParquet's JSON (no Foundation needed on this path).
struct GoldModelRun {
    let modelRun: String
    let row: OpenTableRows

    init(release: Release) throws {
        let meta: JSONValue
        do {
            meta = try JSONValue(parsing: Array(release.metadataJSON))
        } catch {
            throw ReelError(.corrupt, "\(release.path): the release metadata is not valid JSON (\(error))")
        }
        func text(_ value: JSONValue?, _ what: String) throws -> String {
            guard let s = value?.stringValue, !s.isEmpty else {
                throw ReelError(.invalidInput, "\(release.path): the release metadata has no \(what)")
            }
            return s
        }
        modelRun = try text(meta["modelRun"], "modelRun")
        let fingerprints = meta["fingerprints"]
        row = OpenTableRows([
            "model_run": .strings([modelRun]),
            "release_id": .strings([release.releaseID]),
            "published_at": .int64([release.createdAt &* 1000]),
            "silver_fingerprint": .strings([try text(fingerprints?["silver"], "fingerprints.silver")]),
            "model_fingerprint": .strings([try text(fingerprints?["model"], "fingerprints.model")]),
            "params": .strings([(meta["params"] ?? .object([JSONMember]())).serialized]),
            "metrics": .strings([(meta["metrics"] ?? .object([JSONMember]())).serialized]),
        ])
    }

    /// Whether `table` already has a row for this run (an earlier publish of the same model).
    func isRecorded(in table: DeltaTable) throws -> Bool {
        guard table.exists else { return false }
        guard case let .byteArray(runs)? = try table.read(columns: ["model_run"]).column("model_run")?.values else { return false }
        let wanted = Array(modelRun.utf8)
        return (0..<runs.count).contains { runs.bytes[runs.range($0)].elementsEqual(wanted) }
    }
}
