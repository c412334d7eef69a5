import ReelCore
import ReelModel
import ReelSettings

/// How a tuning record becomes configuration (docs/model.md, "Tuning").
///
/// The tuned values replace the `model.*` settings they cover unless a
/// setting is *pinned*: set by an environment variable or a flag, named in
/// `tuning.pin`, or given in `pipeline/reel.toml` a value other than its
/// built-in default (the shipped file lists every default, so a value equal to
/// the default is not taken as a decision; name it in `tuning.pin` to hold
/// it). `reel config show` prints `tuned (<record>)` as the source of every
/// value that came from tuning. Nothing is applied with `tuning.apply = false`
/// or when `model.mode` is explicit (tuning searches implicit ALS only).
public extension ReelConfig {
    /// Tuned setting keys and the short names `tuning.pin` accepts for them.
    static let tunedKeys: [(key: any SettingKey, names: [String])] = [
        (IntKey.modelRank, ["rank"]),
        (DoubleKey.modelImplicitLambda, ["implicit_lambda", "lambda"]),
        (DoubleKey.modelAlpha, ["alpha"]),
        (IntKey.modelImplicitIterations, ["implicit_iterations", "iterations"]),
        (StringKey.modelConfidence, ["confidence"]),
        (DoubleKey.modelRecencyHalfLifeDays, ["recency_half_life_days", "recency"]),
    ]

    /// The tuned keys `tuning.pin` names (`all` names every one).
    func pinnedByName() throws -> Set<String> {
        var out: Set<String> = []
        for raw in string(.tuningPin).split(separator: ",") {
            var name = raw.trimmingCharacters(in: " \t")
            if name.hasPrefix("model.") { name.removeFirst(6) }
            if name.isEmpty { continue }
            if name == "all" { return Set(Self.tunedKeys.map(\.key.name)) }
            guard let entry = Self.tunedKeys.first(where: { $0.names.contains(name) }) else {
                throw ReelError(
                    .usage,
                    "setting 'tuning.pin' (\(source(.tuningPin))): '\(name)' is not a tuned setting; use "
                        + Self.tunedKeys.map { $0.names[0] }.joined(separator: ", ") + " or all")
            }
            out.insert(entry.key.name)
        }
        return out
    }

    /// Whether tuning leaves `key` as configured, and why.
    func pinReason(_ key: any SettingKey, named: Set<String>) -> String? {
        if named.contains(key.name) { return "named in tuning.pin" }
        switch source(key) {
        case .environment(let name): return "set by \(name)"
        case .commandLine: return "set on the command line"
        case .file(let path, let line):
            let builtIn = Self.settings.first { $0.key == key.name }?.defaultValue
            return builtIn.map { "\($0)" } == "\(value(key))" ? nil : "set to a non-default value at \(path):\(line)"
        case .builtIn, .tuning: return nil
        }
    }

    /// This configuration with `record`'s choice laid over the unpinned keys.
    func applyingTuning(_ record: TuningRecord, path: String) throws -> ReelConfig {
        guard bool(.tuningApply), string(.modelMode) == ALSParams.Mode.implicit.rawValue else { return self }
        let named = try pinnedByName()
        let c = record.chosen
        let values: [(key: any SettingKey, value: TOMLValue)] = [
            (IntKey.modelRank, .integer(Int64(c.rank))),
            (DoubleKey.modelImplicitLambda, .float(Double(c.lambda))),
            (DoubleKey.modelAlpha, .float(Double(c.alpha))),
            (IntKey.modelImplicitIterations, .integer(Int64(c.iterations))),
            (StringKey.modelConfidence, .string(c.confidence.rawValue)),
            (DoubleKey.modelRecencyHalfLifeDays, .float(c.recencyHalfLifeDays)),
        ]
        var out = self
        for (key, value) in values where pinReason(key, named: named) == nil {
            try out.set(key, value, source: .tuning(path))
        }
        return out
    }

    /// This configuration with the newest tuning record (`output/tuning/latest`)
    /// applied. A damaged record is reported and ignored, so a bad file under
    /// output/ cannot stop `reel serve` or a lookup.
    func applyingTuning(home: ReelHome) throws -> ReelConfig {
        guard bool(.tuningApply), let path = TuningStore.latestPath(home: home) else { return self }
        let record: TuningRecord
        do {
            guard let r = try TuningStore.latest(home: home) else { return self }
            record = r
        } catch let e as ReelError {
            Console.warn("config", "\(e.message); using the configured model settings")
            return self
        }
        return try applyingTuning(record, path: path)
    }

    /// The effective implicit-ALS parameters (after `applyingTuning`) as a tuning point.
    func tuningPoint() -> TuningPoint { TuningPoint(alsParams(mode: .implicit)) }
}

private extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var s = self
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
