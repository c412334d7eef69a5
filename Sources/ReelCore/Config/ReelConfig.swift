#if canImport(Glibc)
import Glibc
#endif

/// One configurable knob: its dotted key, default, allowed values and the
/// sentence `reel config show` and `pipeline/reel.toml` print next to it.
public struct Setting: Sendable {
    public enum Kind: Sendable {
        case integer(ClosedRange<Int64>)
        case float(ClosedRange<Double>)
        case boolean
        case string
        case choice([String])
    }

    public let key: String
    public let kind: Kind
    public let defaultValue: TOMLValue
    public let help: String

    /// `REEL_MODEL_RANK` for `model.rank`.
    public var environmentName: String {
        "REEL_" + key.uppercased().map { $0 == "." ? "_" : $0 }.map(String.init).joined()
    }
}

/// Where an effective value came from.
public enum SettingSource: Sendable, Equatable, CustomStringConvertible {
    case builtIn
    case file(path: String, line: Int)
    case environment(String)
    case commandLine
    /// Chosen by `reel tune`: the tuning record's path (docs/model.md, "Tuning").
    case tuning(String)

    public var description: String {
        switch self {
        case .builtIn: return "default"
        case .file(let path, let line): return "\(path):\(line)"
        case .environment(let name): return "env \(name)"
        case .commandLine: return "command line"
        case .tuning(let path): return "tuned: \(path)"
        }
    }
}

/// The effective configuration: built-in defaults, overridden by
/// `pipeline/reel.toml`, overridden by `REEL_…` environment variables, overridden
/// by command-line flags. Unknown keys and values of the wrong type or out of
/// range are errors naming the key and where it was set.
public struct ReelConfig: Sendable {
    public private(set) var values: [String: (value: TOMLValue, source: SettingSource)]

    /// Every setting Reel knows, in the order `reel config show` prints them.
    public static let settings: [Setting] = [
        Setting(key: "etl.reject_threshold", kind: .float(0...1), defaultValue: .float(0.01),
                help: "A table whose rejected/read ratio exceeds this fails the ETL run."),
        Setting(key: "etl.threads", kind: .integer(1...256), defaultValue: .integer(2),
                help: "Threads for CSV parsing."),
        Setting(key: "model.mode", kind: .choice(["implicit", "explicit"]), defaultValue: .string("implicit"),
                help: "ALS flavour trained by `reel train` and published (docs/model.md)."),
        Setting(key: "model.rank", kind: .integer(1...1024), defaultValue: .integer(64),
                help: "Latent factors per user and movie."),
        Setting(key: "model.implicit_lambda", kind: .float(0...1e6), defaultValue: .float(20),
                help: "Implicit mode: regularisation λ (docs/model.md: chosen by the evaluation)."),
        Setting(key: "model.explicit_lambda", kind: .float(0...1e6), defaultValue: .float(0.05),
                help: "Explicit mode: regularisation λ, scaled by each row's rating count (ALS-WR)."),
        Setting(key: "model.alpha", kind: .float(0...1e6), defaultValue: .float(1.0),
                help: "Implicit mode: confidence = 1 + alpha × rating (Spark's convention)."),
        Setting(key: "model.implicit_iterations", kind: .integer(1...1000), defaultValue: .integer(15),
                help: "Implicit mode: ALS sweeps (one user half + one movie half each)."),
        Setting(key: "model.explicit_iterations", kind: .integer(1...1000), defaultValue: .integer(10),
                help: "Explicit mode: ALS sweeps."),
        Setting(key: "model.cg_steps", kind: .integer(1...100), defaultValue: .integer(3),
                help: "Implicit mode: conjugate-gradient steps per row and half-iteration."),
        Setting(key: "model.seed", kind: .integer(0...Int64.max), defaultValue: .integer(42),
                help: "Seed of the factor initialisation: same seed and threads, same factors."),
        Setting(key: "model.threads", kind: .integer(1...256), defaultValue: .integer(2),
                help: "Threads for training and scoring."),
        Setting(key: "model.warm_start", kind: .boolean, defaultValue: .boolean(true),
                help: "Nightly: start from the previous model's factors when there is one."),
        Setting(key: "model.confidence", kind: .choice(["raw", "positive", "log"]), defaultValue: .string("raw"),
                help: "Implicit mode: confidence from a rating: raw (1 + alpha × rating), positive (only ratings ≥ 4 count), log (1 + alpha × ln(1 + rating))."),
        Setting(key: "model.recency_half_life_days", kind: .float(0...100_000), defaultValue: .float(0),
                help: "Implicit mode: a rating this many days older than the newest counts half as much (0: off)."),
        Setting(key: "evaluation.split_fraction", kind: .float(0.05...0.99), defaultValue: .float(0.8),
                help: "Global temporal split: train on ratings before this time quantile."),
        Setting(key: "evaluation.validation_users", kind: .integer(1...10_000_000), defaultValue: .integer(8000),
                help: "Validation users the candidates are scored on (a seeded sample beyond this)."),
        Setting(key: "evaluation.test_warm_iterations", kind: .integer(0...1000), defaultValue: .integer(5),
                help: "Iterations of the test-split model, warm-started from the validation model (0: trained from scratch)."),
        Setting(key: "evaluation.item_knn", kind: .boolean, defaultValue: .boolean(true),
                help: "Score the item-based item-knn candidate too (item-item cosine; served when it wins on validation)."),
        Setting(key: "tuning.apply", kind: .boolean, defaultValue: .boolean(true),
                help: "Use the implicit-ALS settings `reel tune` chose (output/tuning/latest) for every model.* key it covers that is not pinned."),
        Setting(key: "tuning.pin", kind: .string, defaultValue: .string(""),
                help: "Settings tuning must not change, comma-separated (rank, lambda, alpha, iterations, confidence, recency, or all); a non-default model.* value here, an env var or a flag pins too."),
        Setting(key: "tuning.nightly", kind: .boolean, defaultValue: .boolean(true),
                help: "`reel nightly` tunes when never tuned, when silver grew by more than tuning.growth, or after tuning.max_age_days (`--tune` forces it)."),
        Setting(key: "tuning.growth", kind: .float(0...1000), defaultValue: .float(0.1),
                help: "Nightly: tune again once silver has this fraction more ratings than at the last tuning (0.1: 10%)."),
        Setting(key: "tuning.max_age_days", kind: .integer(0...36_500), defaultValue: .integer(7),
                help: "Nightly: tune again when the last tuning is this many days old (0: no age rule)."),
        Setting(key: "tuning.budget", kind: .string, defaultValue: .string("3x"),
                help: "Search budget: a multiple of one training run (3x: work-counted, deterministic) or seconds (600s)."),
        Setting(key: "tuning.seed", kind: .integer(0...Int64.max), defaultValue: .integer(42),
                help: "Seed of the sampled search points: same data, seed and work budget, same choice."),
        Setting(key: "release.k", kind: .integer(1...10_000), defaultValue: .integer(100),
                help: "Recommendations stored per user (the largest k the daemon serves)."),
        Setting(key: "release.similar_k", kind: .integer(1...10_000), defaultValue: .integer(20),
                help: "Similar movies stored per movie."),
        Setting(key: "release.trending_k", kind: .integer(1...10_000), defaultValue: .integer(100),
                help: "Entries per trending list (per window, globally and per genre)."),
        Setting(key: "release.recent_n", kind: .integer(0...10_000), defaultValue: .integer(20),
                help: "Most recent ratings stored per user for the Explore page's user view (0: none)."),
        Setting(key: "release.keep", kind: .integer(2...1000), defaultValue: .integer(5),
                help: "Releases kept in output/releases (current and previous are never pruned)."),
        Setting(key: "trending.rating_weight", kind: .float(0...1000), defaultValue: .float(1.0),
                help: "Weight of a rating in trending scores."),
        Setting(key: "trending.click_weight", kind: .float(0...1000), defaultValue: .float(0.5),
                help: "Weight of a click event in trending scores."),
        Setting(key: "trending.view_weight", kind: .float(0...1000), defaultValue: .float(0.2),
                help: "Weight of a view event in trending scores."),
        Setting(key: "trending.half_life_fraction", kind: .float(0.01...10), defaultValue: .float(0.25),
                help: "Decay half-life as a fraction of the window (0.25: 6 h for 24h)."),
        Setting(key: "hybrid.tune", kind: .boolean, defaultValue: .boolean(true),
                help: "`reel evaluate` chooses the served blend (weights, window) on a validation split; false: only the weights below compete with the model's order."),
        Setting(key: "hybrid.w_model", kind: .float(0...100), defaultValue: .float(0.6),
                help: "UC3: weight of the normalised model score (with hybrid.tune = false, or to compare with the chosen blend)."),
        Setting(key: "hybrid.w_trending", kind: .float(0...100), defaultValue: .float(0.4),
                help: "UC3: weight of 7-day trending popularity (as above)."),
        Setting(key: "hybrid.w_diversity", kind: .float(0...100), defaultValue: .float(0.1),
                help: "UC3: penalty for repeating genres (as above)."),
        Setting(key: "serving.pin", kind: .choice(["auto", "implicit-als", "hybrid", "popular", "trending-24h", "trending-7d", "trending-30d", "item-knn"]),
                defaultValue: .string("auto"),
                help: "What UC1 serves: auto (the evaluation's choice on validation, docs/model.md) or a pinned candidate (hybrid = the hybrid.* weights, 7d), reported as pinned."),
        Setting(key: "gate.ndcg_margin", kind: .float(0...1), defaultValue: .float(0.05),
                help: "Do not publish when NDCG@10 falls more than this fraction below the current release's."),
        Setting(key: "nightly.retries", kind: .integer(0...20), defaultValue: .integer(2),
                help: "Retries of a stage after a transient I/O error."),
        Setting(key: "nightly.retry_delay_seconds", kind: .float(0...3600), defaultValue: .float(5),
                help: "Pause before a retry (doubles each time)."),
        Setting(key: "runs.keep", kind: .integer(1...100_000), defaultValue: .integer(60),
                help: "Run records kept in output/runs, and ETL quarantine folders in lakehouse/quarantine; models and silver versions follow releases."),
        Setting(key: "lakehouse.retention_days", kind: .integer(0...36_500), defaultValue: .integer(7),
                help: "Days old versions of the lakehouse/silver and lakehouse/gold Delta tables stay readable before prune vacuums them."),
        Setting(key: "serve.host", kind: .string, defaultValue: .string("127.0.0.1"),
                help: "Address `reel serve` binds (loopback by default)."),
        Setting(key: "serve.port", kind: .integer(0...65535), defaultValue: .integer(8000),
                help: "Port `reel serve` listens on (0: any free port)."),
        Setting(key: "serve.poll_interval", kind: .float(0.1...3600), defaultValue: .float(2),
                help: "Seconds between checks of output/current for a new release."),
        Setting(key: "serve.cors_origin", kind: .string, defaultValue: .string(""),
                help: "Origin allowed to call the API from a browser (https://app.example.com, or *); empty: CORS off."),
        Setting(key: "engine.kind", kind: .choice(["reel", "spark"]), defaultValue: .string("reel"),
                help: "Who trains the model: reel (built-in ALS) or spark (pipeline/spark/train.py, factors imported; docs/scaling.md)."),
        Setting(key: "engine.master", kind: .string, defaultValue: .string("local[2]"),
                help: "Spark master for engine spark: spark://host:7077, yarn, k8s://…, or local[N]."),
        Setting(key: "engine.spark_submit", kind: .string, defaultValue: .string("spark-submit"),
                help: "The spark-submit to run (a path, or a name on PATH)."),
        Setting(key: "engine.executor_memory", kind: .string, defaultValue: .string("2g"),
                help: "Memory per Spark executor (spark-submit --executor-memory)."),
        Setting(key: "log.format", kind: .choice(["text", "json"]), defaultValue: .string("text"),
                help: "Log lines on stderr, pipeline and daemon alike: text (<time> <stage>: <message>) or json (one object per line); --log-format overrides."),
    ]

    static let byKey: [String: Setting] = Dictionary(uniqueKeysWithValues: settings.map { ($0.key, $0) })

    /// Defaults only.
    public init() {
        values = [:]
        for s in Self.settings { values[s.key] = (s.defaultValue, .builtIn) }
    }

    /// Defaults, then `path` if it exists, then the environment.
    public static func load(path: String, environment: [String: String] = ProcessEnvironment.all()) throws -> ReelConfig {
        var config = ReelConfig()
        if FileSystem.exists(path) {
            let text = try FileSystem.readText(path)
            for entry in try TOML.parse(text, file: path) {
                try config.set(entry.key, entry.value, source: .file(path: path, line: entry.line))
            }
        }
        let sections = Set(settings.map { String($0.key.split(separator: ".")[0]).uppercased() })
        for (name, raw) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix("REEL_") {
            if let setting = settings.first(where: { $0.environmentName == name }) {
                try config.set(setting.key, parseEnvironment(raw, kind: setting.kind), source: .environment(name))
            } else if let section = name.dropFirst(5).split(separator: "_").first, sections.contains(String(section)) {
                throw ReelError(.usage, "unknown setting in environment variable \(name); `reel config show` lists the settings")
            }
        }
        return config
    }

    /// Sets a value after checking the key, its type and its range.
    public mutating func set(_ key: String, _ value: TOMLValue, source: SettingSource) throws {
        guard let setting = Self.byKey[key] else {
            throw ReelError(.usage, "unknown setting '\(key)' (\(source)); `reel config show` lists the settings")
        }
        let checked = try Self.check(value, setting, source)
        values[key] = (checked, source)
    }

    static func check(_ value: TOMLValue, _ s: Setting, _ source: SettingSource) throws -> TOMLValue {
        func bad(_ why: String) -> ReelError { ReelError(.usage, "setting '\(s.key)' (\(source)): \(why)") }
        switch (s.kind, value) {
        case (.integer(let range), .integer(let i)):
            guard range.contains(i) else { throw bad("\(i) is outside \(range.lowerBound)…\(range.upperBound)") }
            return value
        case (.float(let range), .float(let d)):
            guard range.contains(d) else { throw bad("\(d) is outside \(range.lowerBound)…\(range.upperBound)") }
            return value
        case (.float, .integer(let i)):
            return try check(.float(Double(i)), s, source)
        case (.boolean, .boolean), (.string, .string):
            return value
        case (.choice(let options), .string(let v)):
            guard options.contains(v) else { throw bad("'\(v)' is not one of \(options.joined(separator: ", "))") }
            return value
        default:
            throw bad("expected \(Self.describe(s.kind)), got \(value)")
        }
    }

    static func describe(_ kind: Setting.Kind) -> String {
        switch kind {
        case .integer: return "an integer"
        case .float: return "a number"
        case .boolean: return "true or false"
        case .string: return "a string"
        case .choice(let o): return "one of \(o.joined(separator: ", "))"
        }
    }

    static func parseEnvironment(_ raw: String, kind: Setting.Kind) -> TOMLValue {
        switch kind {
        case .integer: return Int64(raw).map(TOMLValue.integer) ?? .string(raw)
        case .float: return Double(raw).map(TOMLValue.float) ?? .string(raw)
        case .boolean: return raw == "true" || raw == "1" ? .boolean(true) : raw == "false" || raw == "0" ? .boolean(false) : .string(raw)
        case .string, .choice: return .string(raw)
        }
    }

    public func value(_ key: String) -> TOMLValue {
        guard let v = values[key] else { preconditionFailure("unknown setting \(key)") }
        return v.value
    }

    public func source(_ key: String) -> SettingSource { values[key]?.source ?? .builtIn }

    public func int(_ key: String) -> Int {
        if case .integer(let i) = value(key) { return Int(i) }
        preconditionFailure("\(key) is not an integer setting")
    }

    public func double(_ key: String) -> Double {
        switch value(key) {
        case .float(let d): return d
        case .integer(let i): return Double(i)
        default: preconditionFailure("\(key) is not a numeric setting")
        }
    }

    public func bool(_ key: String) -> Bool {
        if case .boolean(let b) = value(key) { return b }
        preconditionFailure("\(key) is not a boolean setting")
    }

    public func string(_ key: String) -> String {
        if case .string(let s) = value(key) { return s }
        preconditionFailure("\(key) is not a string setting")
    }

    /// `reel config show`: every setting, its effective value and where it came from.
    public func render() -> String {
        let width = Self.settings.map(\.key.count).max() ?? 0
        var out = ""
        for s in Self.settings {
            let v = values[s.key]!
            out += s.key + String(repeating: " ", count: width - s.key.count + 2)
            out += "\(v.value)  (\(v.source))\n"
        }
        return out
    }
}

/// The process environment as a dictionary, without Foundation.
public enum ProcessEnvironment {
    public static func all() -> [String: String] {
        var result: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") {
                result[String(s[..<eq])] = String(s[s.index(after: eq)...])
            }
            p += 1
        }
        return result
    }
}

extension ReelConfig {
    /// A complete, commented `reel.toml` holding every setting at its default.
    /// `pipeline/reel.toml` is this text (a test keeps them equal).
    public static func defaultTOML() -> String {
        var out = """
        # Reel configuration. Every knob, at its default, documented in place.
        # Precedence: built-in default < this file < REEL_<SECTION>_<KEY> environment
        # variables (e.g. REEL_MODEL_RANK=32) < command-line flags.
        # `reel config show` prints the effective values and where each came from.

        """
        var section = ""
        for s in settings {
            let parts = s.key.split(separator: ".", maxSplits: 1)
            if parts[0] != section {
                section = String(parts[0])
                out += "\n[\(section)]\n"
            }
            out += "# \(s.help)\n\(parts[1]) = \(s.defaultValue)\n"
        }
        return out
    }
}
